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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ENGINE_VERSION = "1"
BP = 10_000  # basis points in a whole


class EngineError(ValueError):
    """Inputs the engine refuses; the message is for the official."""


@dataclass(frozen=True, order=True)
class Party:
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


@dataclass(frozen=True)
class TaxPaid:
    tax_type: str
    paid_fen: int


@dataclass(frozen=True)
class Adjustment:
    amount_fen: int  # signed
    reason: str


@dataclass(frozen=True)
class MonthReport:
    """What one project paid in one month, and what it got back."""

    project_code: str
    month: dt.date
    taxes: tuple[TaxPaid, ...]
    rebates_fen: int = 0
    adjustments: tuple[Adjustment, ...] = ()


@dataclass(frozen=True)
class Share:
    party_code: str
    amount_fen: int


@dataclass(frozen=True)
class MonthSettlement:
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
    return round_half_up_div(paid_fen * rate_bp, BP)


def split(total_fen: int, parties: Sequence[Party]) -> tuple[Share, ...]:
    """Largest-remainder split of `total_fen` by the parties' weights (basis points, or any integers).

    Parts are whole fen, add up to the total exactly, and each is within one fen of its exact share.
    Leftover fen go to the largest fractional parts; ties to the host first, then by party code.
    The result is in party-code order whatever order the parties came in.
    """
    if not parties:
        raise EngineError("分成方不能为空")
    codes = [p.code for p in parties]
    if len(set(codes)) != len(codes):
        raise EngineError("分成方重复")
    if any(p.share_bp < 0 for p in parties):
        raise EngineError("分成比例不能为负")
    weight = sum(p.share_bp for p in parties)
    if weight <= 0:
        raise EngineError("分成比例之和必须大于0")
    sign = -1 if total_fen < 0 else 1
    pool = abs(total_fen)
    floors: dict[str, int] = {}
    remainders: list[tuple[int, bool, str]] = []
    for party in parties:
        whole, rest = divmod(pool * party.share_bp, weight)
        floors[party.code] = whole
        remainders.append((rest, party.is_host, party.code))
    leftover = pool - sum(floors.values())
    # Largest remainder first; ties: host before others, then by code.
    remainders.sort(key=lambda r: (-r[0], not r[1], r[2]))
    for _rest, _host, code in remainders[:leftover]:
        floors[code] += 1
    return tuple(Share(code, sign * floors[code]) for code in sorted(floors))


def settle_month(report: MonthReport, agreement: Agreement, rates_bp: Mapping[str, int]) -> MonthSettlement:
    """Settle one project-month. `rates_bp` maps each tax type to the retained rate in force that month."""
    if report.project_code != agreement.project_code:
        raise EngineError("报表与协议不属于同一项目")
    if not agreement.covers(report.month):
        raise EngineError(f"{report.month:%Y-%m} 不在项目 {agreement.project_code} 的分享期限内")
    if sum(p.share_bp for p in agreement.parties) != BP:
        raise EngineError(f"协议各方分成之和应为{BP}基点")
    parts = []
    for tax in sorted(report.taxes, key=lambda t: t.tax_type):
        if tax.tax_type not in rates_bp:
            raise EngineError(f"没有税种“{tax.tax_type}”在 {report.month:%Y-%m} 的留成比例")
        parts.append(TaxPaid(tax.tax_type, county_part(tax.paid_fen, rates_bp[tax.tax_type])))
    adjustments = sum(a.amount_fen for a in report.adjustments)
    retained = sum(p.paid_fen for p in parts) - report.rebates_fen + adjustments
    return MonthSettlement(
        project_code=report.project_code,
        month=report.month,
        county_parts=tuple(parts),
        rebates_fen=report.rebates_fen,
        adjustments_fen=adjustments,
        retained_fen=retained,
        shares=split(retained, agreement.parties),
    )


def settle(
    reports: Iterable[MonthReport],
    agreements: Mapping[str, Agreement],
    rates_by_month: Mapping[dt.date, Mapping[str, int]],
) -> Settlement:
    """Settle any set of project-months; the result does not depend on the order of `reports`."""
    months = []
    for report in reports:
        agreement = agreements.get(report.project_code)
        if agreement is None:
            raise EngineError(f"项目 {report.project_code} 没有利益分享协议")
        rates = rates_by_month.get(report.month)
        if rates is None:
            raise EngineError(f"没有 {report.month:%Y-%m} 的留成比例")
        months.append(settle_month(report, agreement, rates))
    months.sort(key=lambda m: (m.project_code, m.month))
    keys = [(m.project_code, m.month) for m in months]
    if len(set(keys)) != len(keys):
        raise EngineError("同一项目同一月份有多份报表")
    totals: dict[str, int] = {}
    for m in months:
        for share in m.shares:
            totals[share.party_code] = totals.get(share.party_code, 0) + share.amount_fen
    return Settlement(months=tuple(months), totals=tuple(Share(c, totals[c]) for c in sorted(totals)))
