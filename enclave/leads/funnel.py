"""The recruitment funnel as a pure function over stage-change events (no database, no Django).

Counts: how many leads reached each stage (an event of that kind) within the period. Conversion from a
stage: of the leads that reached it in the period, the share (basis points) that reached the next stage
or any later one by the period's end. Median days between two stages: over leads whose later event falls
in the period. Visits: site visits in the period and the distinct enterprises that took part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

STAGES = ("contacted", "visited", "intending", "filed")
KINDS = (*STAGES, "dropped", "signed", "registered")
PAIRS = (("contacted", "visited"), ("visited", "intending"), ("intending", "filed"), ("contacted", "filed"))


@dataclass(frozen=True)
class StageEvent:
    lead_id: int
    kind: str  # one of KINDS
    on: dt.date


@dataclass(frozen=True)
class VisitFact:
    visit_id: int
    on: dt.date
    enterprises: frozenset[str]  # a key per enterprise (credit code, else its name)


@dataclass(frozen=True)
class Funnel:
    counts: dict[str, int]
    conversion_bp: dict[str, int | None]  # "contacted→visited" → basis points, None when nothing to convert
    median_days: dict[str, Decimal | None]
    visits: int
    visit_enterprises: int

    def as_json(self) -> dict[str, int]:
        """The figures `manage.py funnel --json` prints."""
        c = self.counts
        return {
            "contacted": c["contacted"], "visited": c["visited"], "intending": c["intending"], "filed": c["filed"],
            "dropped": c["dropped"], "agreements": c["signed"], "registered": c["registered"], "visits": self.visits,
            "visit_enterprises": self.visit_enterprises,
        }  # fmt: skip


def _inside(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def median(values: list[int]) -> Decimal | None:
    """The median as an exact Decimal (the mean of the two middle values for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[mid])
    return (Decimal(ordered[mid - 1]) + Decimal(ordered[mid])) / 2


def funnel_compute(
    events: Iterable[StageEvent],
    visits: Iterable[VisitFact] = (),
    *,
    start: dt.date | None,
    end: dt.date | None,
) -> Funnel:
    by_lead: dict[int, dict[str, dt.date]] = {}
    for event in events:
        days = by_lead.setdefault(event.lead_id, {})
        # One event per kind per lead; should two arrive, the earliest counts.
        if event.kind not in days or event.on < days[event.kind]:
            days[event.kind] = event.on
    counts = {kind: 0 for kind in KINDS}
    for days in by_lead.values():
        for kind, on in days.items():
            if kind in counts and _inside(on, start, end):
                counts[kind] += 1
    conversion: dict[str, int | None] = {}
    medians: dict[str, Decimal | None] = {}
    for source, target in PAIRS:
        later = STAGES[STAGES.index(target) :]
        reached = [d for d in by_lead.values() if source in d and _inside(d[source], start, end)]
        went_on = [d for d in reached if any(k in d and (end is None or d[k] <= end) for k in later)]
        key = f"{source}→{target}"
        conversion[key] = (len(went_on) * 10000 // len(reached)) if reached else None
        spans = [
            (d[target] - d[source]).days
            for d in by_lead.values()
            if source in d and target in d and _inside(d[target], start, end)
        ]
        medians[key] = median(spans)
    chosen = [v for v in visits if _inside(v.on, start, end)]
    enterprises = set().union(*(v.enterprises for v in chosen)) if chosen else set()
    return Funnel(
        counts=counts,
        conversion_bp=conversion,
        median_days=medians,
        visits=len(chosen),
        visit_enterprises=len(enterprises),
    )
