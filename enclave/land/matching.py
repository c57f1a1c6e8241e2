"""Matching a lead with offers of the resource library (资源库): plain data in, a ranked list with reasons out.

No Django here (compare sharing/engine.py): land/queries.py loads the lead and the offers into these
dataclasses and the lead's page shows the result. The rules, in order:

1. Only offers still on offer (可供) are considered. When the lead names a target park, only offers in that
   park; an offer in the lead's target sub-park ranks higher.
2. Industry: an offer's own list of suitable industries (适合行业) decides when it has one, otherwise the
   positioning of its sub-park (重点引进行业), otherwise the park's (产业定位). A division (两位代码) or its
   section (门类) in the list fits; an empty list fits every industry; a list that names neither is a
   mismatch and the offer is left out. A lead without an industry is matched on the other rules alone.
3. Area: an offer at least as large as the needed area fits (more points when it is not over three times
   the need); a smaller one stays in the list with a shortfall reason and no area points. Without a needed
   area the area is not scored.
4. Availability: available on the day (today or the lead's next-step date, whichever is later) scores
   more than available within 180 days, which scores more than later.

Ties break by earlier availability, then the smaller surplus area, then the offer id, so the order never
depends on the order of the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

PARK_POINTS = 30
SUBPARK_POINTS = 20
INDUSTRY_EXACT_POINTS = 30
INDUSTRY_SECTION_POINTS = 20
INDUSTRY_OPEN_POINTS = 10
AREA_FIT_POINTS = 20
AREA_SNUG_POINTS = 10  # at most SNUG_FACTOR × the need
SNUG_FACTOR = 3
AVAILABLE_NOW_POINTS = 10
AVAILABLE_SOON_POINTS = 5
SOON_DAYS = 180


@dataclass(frozen=True)
class Need:
    """What the lead asks for. Industry codes: the division (e.g. "17") and its section (e.g. "C")."""

    park_code: str | None
    subpark_id: int | None
    industry_code: str | None
    section_code: str | None
    area_m2: Decimal | None
    wanted_on: dt.date  # the day the space is wanted by (today or the next step's date)


@dataclass(frozen=True)
class Offer:
    resource_id: int
    name: str
    kind: str
    park_code: str
    park_name: str
    subpark_id: int | None
    subpark_name: str
    area_m2: Decimal
    available_on: dt.date
    is_available: bool = True
    industries: frozenset[str] = frozenset()  # the offer's own suitable industries (codes), empty = none set
    subpark_positioning: frozenset[str] = frozenset()
    park_positioning: frozenset[str] = frozenset()
    kind_label: str = ""


@dataclass(frozen=True)
class Match:
    offer: Offer
    score: int
    reasons: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def area_fits(self) -> bool:
        return not any("面积不足" in w for w in self.warnings)


def _area(value: Decimal) -> str:
    return f"{value.normalize():,f}"


def _industry(need: Need, offer: Offer) -> tuple[int, str] | None:
    """Points and reason for the industry, or None for a mismatch (the offer is left out)."""
    if not need.industry_code:
        return 0, "线索未填所属行业，未按行业匹配"
    for codes, whose in (
        (offer.industries, "资源的适合行业"),
        (offer.subpark_positioning, "园中园重点引进行业"),
        (offer.park_positioning, "园区产业定位"),
    ):
        if not codes:
            continue
        if need.industry_code in codes:
            return INDUSTRY_EXACT_POINTS, f"行业{need.industry_code}在{whose}之内"
        if need.section_code and need.section_code in codes:
            return INDUSTRY_SECTION_POINTS, f"行业门类{need.section_code}在{whose}之内"
        return None
    return INDUSTRY_OPEN_POINTS, "未限定行业"


def match_one(need: Need, offer: Offer) -> Match | None:
    """The score and reasons of one offer for the need, or None when it does not qualify at all."""
    if not offer.is_available:
        return None
    if need.park_code and offer.park_code != need.park_code:
        return None
    score, reasons, warnings = 0, [], []
    if need.park_code:
        score += PARK_POINTS
        reasons.append(f"位于目标园区（{offer.park_name}）")
    if need.subpark_id and offer.subpark_id == need.subpark_id:
        score += SUBPARK_POINTS
        reasons.append(f"位于目标园中园（{offer.subpark_name}）")
    industry = _industry(need, offer)
    if industry is None:
        return None
    score += industry[0]
    reasons.append(industry[1])
    if need.area_m2 is not None and need.area_m2 > 0:
        if offer.area_m2 >= need.area_m2:
            score += AREA_FIT_POINTS
            if offer.area_m2 <= need.area_m2 * SNUG_FACTOR:
                score += AREA_SNUG_POINTS
                reasons.append(f"面积{_area(offer.area_m2)}平方米，满足需求{_area(need.area_m2)}平方米")
            else:
                reasons.append(
                    f"面积{_area(offer.area_m2)}平方米，远大于需求{_area(need.area_m2)}平方米（可分割时适用）"
                )
        else:
            warnings.append(
                f"面积不足：{_area(offer.area_m2)}平方米，比需求少{_area(need.area_m2 - offer.area_m2)}平方米"
            )
    if offer.available_on <= need.wanted_on:
        score += AVAILABLE_NOW_POINTS
        reasons.append(f"{offer.available_on:%Y-%m-%d}起可用，能按时提供")
    elif (offer.available_on - need.wanted_on).days <= SOON_DAYS:
        score += AVAILABLE_SOON_POINTS
        reasons.append(f"{offer.available_on:%Y-%m-%d}起可用（{SOON_DAYS}天内）")
    else:
        warnings.append(f"{offer.available_on:%Y-%m-%d}起才可用")
    return Match(offer=offer, score=score, reasons=tuple(reasons), warnings=tuple(warnings))


def _surplus(need: Need, offer: Offer) -> Decimal:
    if need.area_m2 is None:
        return Decimal(0)
    gap = offer.area_m2 - need.area_m2
    return gap if gap >= 0 else Decimal("1e15") - gap  # shortfalls after every fitting offer


def matches_rank(need: Need, offers: Iterable[Offer], *, limit: int = 5) -> list[Match]:
    """The best `limit` offers for the need, best first, each with the reasons it was chosen."""
    found = [m for m in (match_one(need, o) for o in offers) if m is not None]
    found.sort(key=lambda m: (-m.score, m.offer.available_on, _surplus(need, m.offer), m.offer.resource_id))
    return found[:limit]
