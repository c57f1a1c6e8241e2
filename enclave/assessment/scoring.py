"""Assessment scoring (考核评分): pure rules, no Django, no database.

Scores are integer centi-points (百分之一分): 87.5 points is 8750. Every division is exact (fractions) and
rounded once, half up, to the centi-point, so the same inputs always give the same score on any machine.

Rules of one indicator (each with a weight in whole points, the weights of a tier adding up to 100):
- ratio_capped (完成率计分，封顶): weight × min(value / target, cap), cap in basis points (12000 = 120%);
- linear (区间线性计分): nothing at or below floor × target, the full weight at or above the target, a straight
  line between (floor in basis points of the target, e.g. 6000 = 60%);
- pass_fail (达标制): the full weight when value ≥ target, else nothing.
A target of zero (or less) asks for nothing: the indicator counts as fully completed.

A unit's total: base (sum of indicator points) minus deductions (扣分, never below zero), plus confirmed bonus
points (加分); a veto item (一票否决) sets the total to zero, bonus included.

Ranking rule (排名规则): units are ranked by total, higher first; equal totals share a rank and the next rank
is skipped (1, 2, 2, 4 — "competition ranking"). Within a tier the same rule is applied to the tier's units
only. Listing order among equal totals is by unit order (the city's listing order), then unit code; it never
changes a rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

SCORING_VERSION = "1"
FULL_BP = 10_000
CENTI = 100  # centi-points per point
WEIGHT_TOTAL = 100  # the weights of one tier and period kind add up to this many points


class ScoringError(ValueError):
    """Rules or targets that cannot be scored; the message says which, in Chinese."""


RATIO_CAPPED, LINEAR, PASS_FAIL = "ratio_capped", "linear", "pass_fail"
RULES = (RATIO_CAPPED, LINEAR, PASS_FAIL)


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction to the nearest integer, halves away from zero (四舍五入)."""
    if value >= 0:
        return int((value * 2 + 1) // 2)
    return -int((-value * 2 + 1) // 2)


@dataclass(frozen=True)
class Item:
    """One indicator of a tier's scheme: what it measures, its weight and how it is scored."""

    source: str
    weight: int  # whole points
    rule: str = RATIO_CAPPED
    cap_bp: int = FULL_BP  # ratio_capped: completion counted up to this (≥ 10000)
    floor_bp: int = 0  # linear: completion at or below this scores nothing (< 10000)

    def check(self) -> None:
        if self.rule not in RULES:
            raise ScoringError(f"未知的计分规则“{self.rule}”")
        if self.weight < 0:
            raise ScoringError(f"指标“{self.source}”的权重不能为负数")
        if self.rule == RATIO_CAPPED and self.cap_bp < FULL_BP:
            raise ScoringError(f"指标“{self.source}”的封顶完成率不能低于100%")
        if self.rule == LINEAR and not 0 <= self.floor_bp < FULL_BP:
            raise ScoringError(f"指标“{self.source}”的线性计分下限应在0%到100%之间（不含100%）")

    @property
    def max_centi(self) -> int:
        """The most this indicator can give."""
        cap = self.cap_bp if self.rule == RATIO_CAPPED else FULL_BP
        return round_half_up(Fraction(self.weight * CENTI * cap, FULL_BP))


def completion(value: int, target: int) -> Fraction:
    """value / target as an exact fraction, never below zero; a target ≤ 0 asks for nothing (100%)."""
    if target <= 0:
        return Fraction(1)
    return max(Fraction(value, target), Fraction(0))


def completion_bp(value: int, target: int) -> int:
    """Completion in basis points, rounded down (shown on pages: 9999 is not yet 100%)."""
    c = completion(value, target)
    return int(c * FULL_BP)


def points(item: Item, value: int, target: int) -> int:
    """Centi-points one indicator gives for `value` against `target`."""
    item.check()
    c = completion(value, target)
    full = item.weight * CENTI
    if item.rule == RATIO_CAPPED:
        return round_half_up(full * min(c, Fraction(item.cap_bp, FULL_BP)))
    if item.rule == LINEAR:
        floor = Fraction(item.floor_bp, FULL_BP)
        if c <= floor:
            return 0
        if c >= 1:
            return full
        return round_half_up(full * (c - floor) / (1 - floor))
    return full if c >= 1 else 0


def weights_check(items: Sequence[Item], *, label: str) -> None:
    """A tier's weights must add up to 100 points, each indicator at most once."""
    sources = [i.source for i in items]
    doubled = sorted({s for s in sources if sources.count(s) > 1})
    if doubled:
        raise ScoringError(f"{label}的指标重复：{'、'.join(doubled)}")
    total = sum(i.weight for i in items)
    if total != WEIGHT_TOTAL:
        raise ScoringError(f"{label}的指标权重合计为{total}分，应为{WEIGHT_TOTAL}分")
    for item in items:
        item.check()


@dataclass(frozen=True)
class Line:
    """One indicator of one unit: what it achieved, what it was asked, what it scored."""

    source: str
    value: int
    target: int
    weight: int
    rule: str
    completion_bp: int
    points_centi: int
    max_centi: int

    @property
    def missing(self) -> int:
        """How much is still missing to reach the target (0 once reached)."""
        return max(self.target - self.value, 0)


@dataclass(frozen=True)
class UnitInput:
    code: str
    tier: str
    values: Mapping[str, int]  # source → achieved (count or fen)
    targets: Mapping[str, int]  # source → target
    deductions_centi: int = 0  # 扣分 (≥ 0)
    vetoed: bool = False  # 一票否决
    bonus_centi: int = 0  # confirmed 加分 (≥ 0), annual only
    order: int = 0  # the city's listing order, for display of ties only


@dataclass(frozen=True)
class UnitScore:
    code: str
    tier: str
    lines: tuple[Line, ...]
    base_centi: int
    deductions_centi: int
    bonus_centi: int
    vetoed: bool
    total_centi: int
    order: int = 0


def score_unit(items: Sequence[Item], unit: UnitInput) -> UnitScore:
    """Score one unit on its tier's items. A target missing for an item is refused, never taken as zero."""
    missing = [i.source for i in items if i.source not in unit.targets]
    if missing:
        raise ScoringError(f"单位{unit.code}（{unit.tier}）缺少指标目标：{'、'.join(missing)}")
    if unit.deductions_centi < 0 or unit.bonus_centi < 0:
        raise ScoringError(f"单位{unit.code}的扣分和加分不能为负数")
    lines = tuple(
        Line(
            source=i.source,
            value=unit.values.get(i.source, 0),
            target=unit.targets[i.source],
            weight=i.weight,
            rule=i.rule,
            completion_bp=completion_bp(unit.values.get(i.source, 0), unit.targets[i.source]),
            points_centi=points(i, unit.values.get(i.source, 0), unit.targets[i.source]),
            max_centi=i.max_centi,
        )
        for i in items
    )
    base = sum(line.points_centi for line in lines)
    total = 0 if unit.vetoed else max(base - unit.deductions_centi, 0) + unit.bonus_centi
    return UnitScore(
        code=unit.code,
        tier=unit.tier,
        lines=lines,
        base_centi=base,
        deductions_centi=unit.deductions_centi,
        bonus_centi=unit.bonus_centi,
        vetoed=unit.vetoed,
        total_centi=total,
        order=unit.order,
    )


def competition_ranks(totals: Mapping[str, int]) -> dict[str, int]:
    """code → rank: 1 + the number of units with a strictly higher total (ties share a rank)."""
    ordered = sorted(totals.values(), reverse=True)
    first_at: dict[int, int] = {}
    for index, total in enumerate(ordered, start=1):
        first_at.setdefault(total, index)
    return {code: first_at[total] for code, total in totals.items()}


@dataclass(frozen=True)
class Ranked:
    score: UnitScore
    rank: int  # city-wide
    rank_in_tier: int


@dataclass(frozen=True)
class Result:
    ranked: tuple[Ranked, ...]  # by rank, then the city's listing order, then code
    tiers: tuple[str, ...] = field(default=())


def assess(schemes: Mapping[str, Sequence[Item]], units: Iterable[UnitInput]) -> Result:
    """Score and rank every unit. `schemes` maps a tier to its items; every unit's tier must have one."""
    for tier, items in schemes.items():
        weights_check(items, label=f"{tier}类")
    scores = []
    for unit in units:
        if unit.tier not in schemes:
            raise ScoringError(f"单位{unit.code}所属的{unit.tier}类没有考核指标")
        scores.append(score_unit(schemes[unit.tier], unit))
    city = competition_ranks({s.code: s.total_centi for s in scores})
    in_tier: dict[str, int] = {}
    for tier in {s.tier for s in scores}:
        in_tier.update(competition_ranks({s.code: s.total_centi for s in scores if s.tier == tier}))
    ranked = sorted(
        (Ranked(s, city[s.code], in_tier[s.code]) for s in scores),
        key=lambda r: (r.rank, r.score.order, r.score.code),
    )
    return Result(tuple(ranked), tuple(sorted(schemes)))


# ---------------------------------------------------------------- bonus points (加分)


@dataclass(frozen=True)
class BonusRule:
    """Points per recognised project, plus the points of the highest investment band it reaches, capped per
    unit. Bands are (minimum planned investment in fen, centi-points)."""

    per_project_centi: int
    bands: tuple[tuple[int, int], ...]
    cap_centi: int

    def check(self) -> None:
        if self.per_project_centi < 0 or self.cap_centi < 0 or any(p < 0 or m < 0 for m, p in self.bands):
            raise ScoringError("加分规则中的分值和金额不能为负数")


@dataclass(frozen=True)
class BonusLine:
    project_id: int
    planned_fen: int
    points_centi: int


def bonus_points(rule: BonusRule, projects: Iterable[tuple[int, int]]) -> tuple[int, tuple[BonusLine, ...]]:
    """A unit's drafted bonus from its (project id, planned investment fen) recognised in the year.

    Each project earns the per-project points plus its band's points; the unit's total is capped."""
    rule.check()
    lines = []
    for project_id, planned in sorted(projects):
        band = max((p for minimum, p in rule.bands if planned >= minimum), default=0)
        lines.append(BonusLine(project_id, planned, rule.per_project_centi + band))
    return min(sum(line.points_centi for line in lines), rule.cap_centi), tuple(lines)
