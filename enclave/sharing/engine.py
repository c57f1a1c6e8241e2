"""The benefit-sharing engine (利益分享): pure arithmetic on integer fen, no Django.

The unit of settlement is one project-month; a quarter or a year is the sum of its months, so periods add
up to the fen. For a project-month inside its agreement:

1. per tax type, county-level part (县级留成) = tax paid × retained rate in basis points, rounded half up
   to the fen;
2. retained = Σ county parts − preferential rebates (优惠返还) ± adjustments;
3. retained is split by the agreement's weights with the largest-remainder method: each party first gets
   the whole fen of its exact share (toward zero), the leftover fen go one by one to the largest fractional
   parts; ties go to the host park first, then by party code. A negative retained is split on its absolute
   value and negated, so the parties bear rebates in proportion.

Shares therefore always add up to the retained amount exactly.

An adjustment settles in an open month but is about the month it corrects (`concerns_month`), which must
lie inside the agreement; it is split with that agreement's shares even when the settling month lies after
the agreement's end (a prior-period adjustment, the only thing such a month may carry). A project-month
that cannot be settled raises `ProjectMonthError`, naming the project and the month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

ENGINE_VERSION = "1"
BP = 10_000  # basis points in a whole


class EngineError(ValueError):
    """Inputs the engine refuses; the message is for the official."""


class ProjectMonthError(EngineError):
    """One project-month the engine cannot settle: the caller can name the project and the month."""

    def __init__(self, message: str, *, project_code: str, month: dt.date) -> None:
        super().__init__(message)
        self.project_code = project_code
        self.month = month


class Party(NamedTuple):
    code: str
    share_bp: int
    is_host: bool = False


@dataclass(frozen=True)
class Agreement:
    """Who shares a project's retained taxes, and over which months (first days, inclusive)."""

    project_code: str
    parties: tuple[Party, ...]
    start_month: dt.date
    end_month: dt.date

    def covers(self, month: dt.date) -> bool:
        return self.start_month <= month <= self.end_month


# Inputs and outputs are immutable named tuples: as plain as dataclasses, and cheap to make by the million.


class TaxPaid(NamedTuple):
    tax_type: str
    paid_fen: int


class Adjustment(NamedTuple):
    """A correction settled in the report's month. `concerns_month` is the month it corrects (None: the
    settling month itself); it is split with the shares of the agreement covering that month, also when
    the settling month lies after the agreement's end (a prior-period adjustment)."""

    amount_fen: int  # signed
    reason: str
    concerns_month: dt.date | None = None


class MonthReport(NamedTuple):
    """What one project paid in one month, and what it got back."""

    project_code: str
    month: dt.date
    taxes: tuple[TaxPaid, ...]
    rebates_fen: int = 0
    adjustments: tuple[Adjustment, ...] = ()


class Share(NamedTuple):
    party_code: str
    amount_fen: int


class MonthSettlement(NamedTuple):
    project_code: str
    month: dt.date
    county_parts: tuple[TaxPaid, ...]
    rebates_fen: int
    adjustments_fen: int
    retained_fen: int
    shares: tuple[Share, ...]


@dataclass(frozen=True)
class Settlement:
    """A period's result: every project-month, plus totals per party."""

    months: tuple[MonthSettlement, ...]
    totals: tuple[Share, ...] = field(default=())

    @property
    def retained_fen(self) -> int:
        return sum(m.retained_fen for m in self.months)


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers only."""
    if denominator <= 0:
        raise EngineError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def county_part(paid_fen: int, rate_bp: int) -> int:
    """The county-level retained part of one tax amount (half up to the fen)."""
    if not 0 <= rate_bp <= BP:
        raise EngineError(f"留成比例应在0到{BP}基点之间，得到{rate_bp}")
    if paid_fen >= 0:  # the usual case, without the general function's sign handling
        whole, rest = divmod(paid_fen * rate_bp, BP)
        return whole + 1 if 2 * rest >= BP else whole
    return round_half_up_div(paid_fen * rate_bp, BP)


def _checked_parties(parties: Sequence[Party]) -> tuple[tuple[Party, ...], int]:
    """Parties in code order with their total weight, or EngineError."""
    if not parties:
        raise EngineError("分成方不能为空")
    ordered = tuple(sorted(parties, key=lambda p: p.code))
    if len({p.code for p in ordered}) != len(ordered):
        raise EngineError("分成方重复")
    if any(p.share_bp < 0 for p in ordered):
        raise EngineError("分成比例不能为负")
    weight = sum(p.share_bp for p in ordered)
    if weight <= 0:
        raise EngineError("分成比例之和必须大于0")
    return ordered, weight


def _split(total_fen: int, ordered: tuple[Party, ...], weight: int) -> tuple[Share, ...]:
    sign = -1 if total_fen < 0 else 1
    pool = abs(total_fen)
    parts = [divmod(pool * p.share_bp, weight) for p in ordered]
    amounts = [whole for whole, _rest in parts]
    leftover = pool - sum(amounts)
    if leftover:
        # Largest remainder first; ties: host before others, then by code (the parties are in code order).
        order = sorted(range(len(ordered)), key=lambda i: (-parts[i][1], not ordered[i].is_host))
        for i in order[:leftover]:
            amounts[i] += 1
    return tuple(Share(p.code, sign * a) for p, a in zip(ordered, amounts, strict=True))


def split(total_fen: int, parties: Sequence[Party]) -> tuple[Share, ...]:
    """Largest-remainder split of `total_fen` by the parties' weights (basis points, or any integers).

    Parts are whole fen, add up to the total exactly, and each is within one fen of its exact share.
    Leftover fen go to the largest fractional parts; ties to the host first, then by party code.
    The result is in party-code order whatever order the parties came in.
    """
    ordered, weight = _checked_parties(parties)
    return _split(total_fen, ordered, weight)


def _checked_agreement(agreement: Agreement) -> tuple[Party, ...]:
    ordered, weight = _checked_parties(agreement.parties)
    if weight != BP:
        raise EngineError(f"协议各方分成之和应为{BP}基点")
    return ordered


def _settle_month(
    report: MonthReport, agreement: Agreement, ordered: tuple[Party, ...], rates_bp: Mapping[str, int]
) -> MonthSettlement:
    code, when = report.project_code, report.month
    for adjustment in report.adjustments:
        about = adjustment.concerns_month or when
        if not agreement.start_month <= about <= agreement.end_month:
            raise ProjectMonthError(
                f"项目 {code} 在 {when:%Y-%m} 计入的调整（更正 {about:%Y-%m}）不在该项目的分享期限内"
                f"（{agreement.start_month:%Y-%m}至{agreement.end_month:%Y-%m}）",
                project_code=code, month=when,
            )  # fmt: skip
    if not agreement.start_month <= when <= agreement.end_month:
        # Outside the agreement only prior-period adjustments settle (checked above), nothing paid.
        if report.taxes or report.rebates_fen or not report.adjustments:
            raise ProjectMonthError(
                f"{when:%Y-%m} 不在项目 {code} 的分享期限内", project_code=code, month=when
            )
    parts = []
    county_total = 0
    for tax_type, paid in sorted(report.taxes):
        rate = rates_bp.get(tax_type)
        if rate is None:
            raise EngineError(f"没有税种“{tax_type}”在 {when:%Y-%m} 的留成比例")
        part = county_part(paid, rate)
        county_total += part
        parts.append(TaxPaid(tax_type, part))
    adjustments = sum(a.amount_fen for a in report.adjustments) if report.adjustments else 0
    retained = county_total - report.rebates_fen + adjustments
    return MonthSettlement(
        code, when, tuple(parts), report.rebates_fen, adjustments, retained, _split(retained, ordered, BP),
    )  # fmt: skip


def settle_month(report: MonthReport, agreement: Agreement, rates_bp: Mapping[str, int]) -> MonthSettlement:
    """Settle one project-month. `rates_bp` maps each tax type to the retained rate in force that month."""
    if report.project_code != agreement.project_code:
        raise EngineError("报表与协议不属于同一项目")
    return _settle_month(report, agreement, _checked_agreement(agreement), rates_bp)


def settle(
    reports: Iterable[MonthReport],
    agreements: Mapping[str, Agreement],
    rates_by_month: Mapping[dt.date, Mapping[str, int]],
) -> Settlement:
    """Settle any set of project-months; the result does not depend on the order of `reports`."""
    checked: dict[str, tuple[Party, ...]] = {}
    months = []
    for report in reports:
        code = report.project_code
        agreement = agreements.get(code)
        if agreement is None:
            raise ProjectMonthError(f"项目 {code} 没有利益分享协议", project_code=code, month=report.month)
        if code not in checked:
            checked[code] = _checked_agreement(agreement)
        rates = rates_by_month.get(report.month)
        if rates is None:
            raise EngineError(f"没有 {report.month:%Y-%m} 的留成比例")
        months.append(_settle_month(report, agreement, checked[code], rates))
    months.sort(key=lambda m: (m.project_code, m.month))
    for before, after in zip(months, months[1:], strict=False):
        if (before.project_code, before.month) == (after.project_code, after.month):
            raise EngineError("同一项目同一月份有多份报表")
    totals: dict[str, int] = {}
    for m in months:
        for code, amount in m.shares:
            totals[code] = totals.get(code, 0) + amount
    return Settlement(months=tuple(months), totals=tuple(Share(c, totals[c]) for c in sorted(totals)))


# ---------------------------------------------------------------- cap on the cooperating side (分享上限)


def cap_apply(
    months: Sequence[MonthSettlement], parties: Sequence[Party], *, cap_fen: int, received_fen: int = 0
) -> tuple[tuple[MonthSettlement, ...], int]:
    """Apply an agreement's cap to one project's settled months; returns the months and the new total.

    The cap is the most the cooperating side (every party that is not the host) may receive in total over
    the agreement (the shape of 财预〔2015〕92号). `received_fen` is what it received in earlier periods.
    Months are taken in month order:

    - while the total stays within the cap, a month is unchanged and its cooperating shares add to the total
      (a negative month lowers it);
    - in the month the cap is reached, the cooperating side gets only what is left up to the cap, split among
      its parties by their basis points with the largest-remainder rule (ties by party code), and the host
      gets the rest of that month's retained amount;
    - after the cap is reached, the host gets the whole retained amount of every month, positive or negative.

    Retained amounts are never changed, so each month still adds up to the fen.
    """
    if cap_fen < 0:
        raise EngineError("协作地分享上限不能为负数")
    ordered, _weight = _checked_parties(parties)
    hosts = [p for p in ordered if p.is_host]
    if len(hosts) != 1:
        raise EngineError("设有分享上限的协议须有且只有一个承载地分成方")
    host = hosts[0]
    cooperating = tuple(p for p in ordered if not p.is_host)
    coop_codes = {p.code for p in cooperating}
    received = received_fen
    result = []
    for month in sorted(months, key=lambda m: m.month):
        got = sum(s.amount_fen for s in month.shares if s.party_code in coop_codes)
        if received < cap_fen and received + got <= cap_fen:
            received += got
            result.append(month)
            continue
        allowed = max(cap_fen - received, 0)
        received = max(received, cap_fen)
        coop = dict(_split(allowed, cooperating, sum(p.share_bp for p in cooperating))) if allowed else {}
        shares = tuple(
            Share(
                s.party_code,
                month.retained_fen - allowed if s.party_code == host.code else coop.get(s.party_code, 0),
            )
            for s in month.shares
        )
        result.append(month._replace(shares=shares))
    return tuple(result), received


def caps_apply(
    settlement: Settlement, agreements: Mapping[str, Agreement], caps: Mapping[str, tuple[int, int]]
) -> Settlement:
    """`cap_apply` for every capped project of a settlement; `caps` maps a project code to (cap, what the
    cooperating side received before the settlement's first month). Without caps the settlement is returned
    as it is; otherwise the capped projects' months are replaced and the totals recomputed."""
    if not caps:
        return settlement
    by_project: dict[str, list[MonthSettlement]] = {}
    for month in settlement.months:
        by_project.setdefault(month.project_code, []).append(month)
    months: list[MonthSettlement] = []
    for code, own in by_project.items():
        if code in caps:
            cap, received = caps[code]
            own = list(cap_apply(own, agreements[code].parties, cap_fen=cap, received_fen=received)[0])
        months.extend(own)
    months.sort(key=lambda m: (m.project_code, m.month))
    totals: dict[str, int] = {}
    for m in months:
        for code, amount in m.shares:
            totals[code] = totals.get(code, 0) + amount
    return Settlement(months=tuple(months), totals=tuple(Share(c, totals[c]) for c in sorted(totals)))
