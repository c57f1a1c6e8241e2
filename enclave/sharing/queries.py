"""Reads of settlements and accounting, scoped to the user (a unit sees its own, a park its own)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext, gettext_noop

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.lib import periods
from enclave.parks.models import Park, Unit
from enclave.projects.models import AgreementParty
from enclave.sharing import accounting
from enclave.sharing.fetch import months_between
from enclave.sharing.models import (
    Adjustment,
    ClosedMonth,
    MonthlyReport,
    ProvisionalStatement,
    RetentionRate,
    SettlementLine,
    SettlementRun,
    SettlementShare,
    TrueUpStatement,
)


@dataclass(frozen=True)
class Party:
    kind: str  # "unit" | "park"
    code: str
    name: str


def parties_visible_to(user: object) -> list[Party]:
    """The parties whose statements the user may read."""
    scope = scope_of(user)
    units = Unit.objects.all()
    parks = Park.objects.all()
    if scope.role == Role.UNIT:
        units, parks = units.filter(pk=scope.unit_id), parks.none()
    elif scope.role == Role.PARK:
        units, parks = units.none(), parks.filter(pk=scope.park_id)
    elif not scope.is_city:
        return []
    return [Party("unit", u.code, u.name) for u in units] + [
        Party("park", p.code, p.short_name) for p in parks
    ]


def all_parties() -> list[Party]:
    return [Party("unit", u.code, u.name) for u in Unit.objects.all()] + [
        Party("park", p.code, p.short_name) for p in Park.objects.all()
    ]


def party_for_user_or_403(user: object, code: str) -> Party:
    for party in parties_visible_to(user):
        if party.code == code:
            return party
    raise PermissionDenied(gettext("您无权查看该单位或园区的结算单"))


@dataclass(frozen=True)
class StatementLine:
    project_id: int
    project_code: str
    project_name: str
    months: int
    retained_fen: int
    share_fen: int


@dataclass(frozen=True)
class Statement:
    period: periods.Period
    party: Party
    lines: tuple[StatementLine, ...]
    closed_months: int
    total_months: int

    @property
    def share_fen(self) -> int:
        return sum(line.share_fen for line in self.lines)

    @property
    def retained_fen(self) -> int:
        return sum(line.retained_fen for line in self.lines)

    @property
    def is_closed(self) -> bool:
        return self.closed_months == self.total_months


def statement(period: periods.Period, party: Party) -> Statement:
    """A party's statement: each project's retained amount and the party's share, summed over the months."""
    rows = (
        SettlementShare.objects.filter(
            party_code=party.code, line__month__gte=period.start, line__month__lte=period.end
        )
        .values("line__project_id", "line__project__code", "line__project__name")
        .annotate(months=Count("line_id"), retained=Sum("line__retained_fen"), share=Sum("amount_fen"))
        .order_by("line__project__code")
    )
    lines = tuple(
        StatementLine(r["line__project_id"], r["line__project__code"], r["line__project__name"], r["months"],
                      int(r["retained"] or 0), int(r["share"] or 0))
        for r in rows
    )  # fmt: skip
    months = months_between(period.start, period.end)
    closed = ClosedMonth.objects.filter(month__in=months).count()
    return Statement(period, party, lines, closed, len(months))


def overview(period: periods.Period, user: object) -> list[tuple[Party, int]]:
    """Every visible party's share total in the period (the city sees all)."""
    totals = dict(
        SettlementShare.objects.filter(line__month__gte=period.start, line__month__lte=period.end)
        .values_list("party_code")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    return [(p, int(totals.get(p.code, 0) or 0)) for p in parties_visible_to(user)]


def line_drilldown(project_id: int, period: periods.Period) -> list[SettlementLine]:
    """The project-months behind a statement line, with the monthly reports they came from."""
    return list(
        SettlementLine.objects.filter(project_id=project_id, month__gte=period.start, month__lte=period.end)
        .prefetch_related("shares")
        .order_by("month")
    )


def reports_visible_to(user: object):
    """Monthly reports the user may read: the city all, a park its projects', a unit its own projects'.

    Tax figures are not public: another unit never sees them, even for a recognised project."""
    from django.db.models import Q

    scope = scope_of(user)
    qs = MonthlyReport.objects.select_related("project", "project__park", "project__filing_unit")
    if scope.is_city:
        return qs
    if scope.role == Role.PARK and scope.park_id:
        return qs.filter(project__park_id=scope.park_id)
    if scope.role == Role.UNIT and scope.unit_id:
        partner = AgreementParty.objects.filter(unit_id=scope.unit_id).values("agreement__project_id")
        return qs.filter(Q(project__filing_unit_id=scope.unit_id) | Q(project_id__in=partner))
    return qs.none()


@dataclass(frozen=True)
class InvestmentProgress:
    """Planned investment set against the fixed-asset investment reported so far (计划投资 vs 累计完成)."""

    planned_fen: int
    actual_fen: int
    expected_fen: int  # what a steady build-out would have reached by now
    months_elapsed: int
    estimated: bool  # some of the actual figures are not yet confirmed by the statistics bureau

    @property
    def percent(self) -> int:
        return 0 if not self.planned_fen else self.actual_fen * 100 // self.planned_fen

    @property
    def far_behind(self) -> bool:
        """Flag a project whose actual investment is under half of a steady build-out's, after 6 months."""
        from django.conf import settings

        grace = settings.ENCLAVE_BEHIND_GRACE_MONTHS
        return self.months_elapsed >= grace and self.actual_fen * 2 < self.expected_fen


def investment_progress(project, today: dt.date | None = None) -> InvestmentProgress | None:
    """Cumulative actual fixed-asset investment of a recognised project, against its promise."""
    from django.conf import settings

    if project.recognised_on is None:
        return None
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date
    agg = MonthlyReport.objects.filter(project=project).aggregate(
        actual=Sum("fixed_asset_investment_fen"), months=Count("pk")
    )
    adjustments = Adjustment.objects.filter(project=project, target="fixed_asset_investment_fen").aggregate(
        total=Sum("amount_fen")
    )
    actual = int(agg["actual"] or 0) + int(adjustments["total"] or 0)
    elapsed = max(
        0, (today.year - project.recognised_on.year) * 12 + today.month - project.recognised_on.month
    )
    build_months = settings.ENCLAVE_BUILD_OUT_MONTHS
    expected = project.planned_investment_fen * min(elapsed, build_months) // build_months
    estimated = MonthlyReport.objects.filter(project=project, indicator_status="estimated").exists()
    return InvestmentProgress(project.planned_investment_fen, actual, expected, elapsed, estimated)


def latest_period() -> periods.Period:
    """The quarter of the latest reported month (where the demo and the city's work are)."""
    latest = MonthlyReport.objects.order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        today = dt.date.today()  # noqa: DTZ011 - a calendar quarter, not an instant
        return periods.quarter(today.year, periods.quarter_of(today))
    return periods.quarter(latest.year, periods.quarter_of(latest))


def project_indicators(months: list[dt.date]) -> list[accounting.ProjectIndicators]:
    """Each project's indicator totals over the months (reports plus indicator adjustments)."""
    if not months:
        return []
    values: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(accounting.FIELDS, 0))
    rows = (
        MonthlyReport.objects.filter(month__gte=months[0], month__lte=months[-1])
        .values("project_id")
        .annotate(**{f: Sum(f) for f in accounting.FIELDS})
        .order_by()
    )
    for row in rows:
        for field in accounting.FIELDS:
            values[row["project_id"]][field] += int(row[field] or 0)
    for project_id, target, amount in (
        Adjustment.objects.filter(month__gte=months[0], month__lte=months[-1], target__in=accounting.FIELDS)
        .values_list("project_id", "target", "amount_fen")
        .order_by()
    ):
        values[project_id][target] += amount
    places: dict[int, tuple[list[str], str]] = {}
    for project_id, unit_code, park_code in AgreementParty.objects.filter(
        agreement__project_id__in=list(values)
    ).values_list("agreement__project_id", "unit__code", "park__code"):
        units, park = places.get(project_id, ([], ""))
        if unit_code:
            units.append(unit_code)
        places[project_id] = (units, park_code or park)
    return [
        accounting.ProjectIndicators(pid, tuple(sorted(places[pid][0])), places[pid][1], dict(vals))
        for pid, vals in sorted(values.items())
        if pid in places
    ]


def accounting_table(period: periods.Period, user: object) -> tuple[accounting.Table, list[Party]]:
    """The double-accounting table of the period and the places the user may see rows of."""
    months = months_between(period.start, period.end)
    return accounting.table(project_indicators(months)), parties_visible_to(user)


def run_lines_visible_to(user: object, run: SettlementRun):
    """A run's project-month lines the user may read, like the statements: the city all, a unit or park
    the lines it has a share in (the projects it is a party to)."""
    lines = SettlementLine.objects.filter(run=run)
    if not scope_of(user).is_city:
        codes = [p.code for p in parties_visible_to(user)]
        lines = lines.filter(pk__in=SettlementShare.objects.filter(party_code__in=codes).values("line_id"))
    return lines.select_related("project").prefetch_related("shares").order_by("month", "project__code", "pk")


def rates_listed(*, tax_code: str = "") -> QuerySet[RetentionRate]:
    """The retention rates' history (reference data every business role reads), newest first per tax type,
    optionally of one tax type (by code)."""
    rows = RetentionRate.objects.select_related("tax_type").order_by(
        "tax_type__sort_order", "tax_type__code", "-effective_from"
    )
    return rows.filter(tax_type__code=tax_code) if tax_code else rows


# ---------------------------------------------------------------- provisional quarters and the annual true-up


@dataclass(frozen=True)
class TrueUpRow:
    party: Party
    quarters_fen: tuple[int, int, int, int]
    provisional_fen: int
    year_fen: int
    difference_fen: int


def provisional_for(period: periods.Period) -> ProvisionalStatement | None:
    """The quarter's provisional statement (季度预结算), when one was issued."""
    return ProvisionalStatement.objects.filter(period=period.label).select_related("run", "issued_by").first()


def provisional_statements(year: int | None = None) -> QuerySet[ProvisionalStatement]:
    qs = ProvisionalStatement.objects.select_related("run", "issued_by").order_by("-period")
    return qs.filter(period__startswith=f"{year}Q") if year else qs


def true_up_rows(statement: TrueUpStatement, user: object) -> list[TrueUpRow]:
    """The statement's lines of the parties the user may read (a district: its own line only)."""
    visible = {p.code: p for p in parties_visible_to(user)}
    return [
        TrueUpRow(visible[line.party_code], (line.q1_fen, line.q2_fen, line.q3_fen, line.q4_fen),
                  line.provisional_fen, line.year_fen, line.difference_fen)
        for line in statement.lines.all()
        if line.party_code in visible
    ]  # fmt: skip


# ---------------------------------------------------------------- the adjustments list's filter

ADJUSTMENT_STATES = {"active": gettext_noop("有效"), "voided": gettext_noop("已作废"), "reversal": gettext_noop("冲销记录")}


@dataclass(frozen=True)
class AdjustmentFilter:
    """The adjustments list's filter (page and export): project code or name, the period the adjustment
    settles in (计入期间), the period it corrects (更正期间), and its state."""

    q: str = ""
    period: periods.Period | None = None
    concerns: periods.Period | None = None
    state: str = ""

    def apply(self, qs: QuerySet[Adjustment]) -> QuerySet[Adjustment]:
        from django.db.models import Q

        if self.q:
            qs = qs.filter(Q(project__code__icontains=self.q) | Q(project__name__icontains=self.q))
        if self.period:
            qs = qs.filter(month__gte=self.period.start, month__lte=self.period.end)
        if self.concerns:
            qs = qs.filter(concerns_month__gte=self.concerns.start, concerns_month__lte=self.concerns.end)
        if self.state == "reversal":
            qs = qs.filter(reverses__isnull=False)
        elif self.state == "voided":
            qs = qs.filter(reversal__isnull=False)
        elif self.state == "active":
            qs = qs.filter(reverses__isnull=True, reversal__isnull=True)
        return qs

    def as_params(self) -> dict[str, str]:
        values = {"q": self.q, "period": self.period.label if self.period else "",
                  "concerns": self.concerns.label if self.concerns else "", "state": self.state}  # fmt: skip
        return {k: v for k, v in values.items() if v}

    def describe(self) -> str:
        parts = []
        if self.q:
            parts.append(gettext("项目：%(value)s") % {"value": self.q})
        if self.period:
            parts.append(gettext("计入期间：%(value)s") % {"value": self.period.label})
        if self.concerns:
            parts.append(gettext("更正期间：%(value)s") % {"value": self.concerns.label})
        if self.state:
            parts.append(gettext("状态：%(value)s") % {"value": gettext(ADJUSTMENT_STATES[self.state])})
        return gettext("；").join(parts) if parts else gettext("全部调整记录")
