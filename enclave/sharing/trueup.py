"""The annual true-up (年终体制结算): pure arithmetic on integer fen, no Django.

During the year the city pays each party on provisional quarterly statements (季度预结算), settled on the
figures known then (estimates included). After the year, the year is settled once more on confirmed tax
data; the true-up statement shows, per party, what the provisional quarters gave, what the year gives, and
the difference: positive is paid to the party, negative is paid back by it. This is how the money actually
moves between fiscal levels once a year.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple

QUARTERS = ("Q1", "Q2", "Q3", "Q4")


class TrueUpLine(NamedTuple):
    party_code: str
    quarters_fen: tuple[int, int, int, int]  # what each provisional quarter gave (0 where none was issued)
    year_fen: int  # what the year's settlement on confirmed data gives

    @property
    def provisional_fen(self) -> int:
        return sum(self.quarters_fen)

    @property
    def difference_fen(self) -> int:
        """Year minus the quarters: > 0 the party receives it, < 0 the party pays it back (应补/应退)."""
        return self.year_fen - self.provisional_fen


class TrueUp(NamedTuple):
    year: int
    issued: tuple[str, ...]  # the quarters with a provisional statement, e.g. ("Q1", "Q2", "Q4")
    lines: tuple[TrueUpLine, ...]

    @property
    def provisional_fen(self) -> int:
        return sum(line.provisional_fen for line in self.lines)

    @property
    def year_fen(self) -> int:
        return sum(line.year_fen for line in self.lines)

    @property
    def difference_fen(self) -> int:
        return sum(line.difference_fen for line in self.lines)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(q for q in QUARTERS if q not in self.issued)


def true_up(year: int, quarters: Mapping[str, Mapping[str, int]], year_totals: Mapping[str, int]) -> TrueUp:
    """`quarters` maps "Q1".."Q4" (only those issued) to each party's provisional total; `year_totals` is the
    year's settlement per party. Every party of either side gets a line, sorted by code."""
    unknown = set(quarters) - set(QUARTERS)
    if unknown:
        raise ValueError(f"未知季度：{'、'.join(sorted(unknown))}")
    parties = sorted(set(year_totals).union(*(set(q) for q in quarters.values())))
    lines = tuple(
        TrueUpLine(
            party,
            tuple(int(quarters.get(q, {}).get(party, 0)) for q in QUARTERS),  # type: ignore[arg-type]
            int(year_totals.get(party, 0)),
        )
        for party in parties
    )
    return TrueUp(year, tuple(q for q in QUARTERS if q in quarters), lines)


def canonical(result: TrueUp, *, year_output_digest: str, quarter_output_digests: Mapping[str, str]) -> bytes:
    """The bytes the true-up's digest is taken of: the figures and the digests of the runs they come from,
    so the same runs always give the same digest (可复现) and a changed run gives another."""
    payload = {
        "year": result.year,
        "year_run": year_output_digest,
        "quarter_runs": {q: quarter_output_digests[q] for q in result.issued},
        "lines": [[line.party_code, list(line.quarters_fen), line.year_fen, line.difference_fen] for line in result.lines],
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
