"""Reads of the assessment, scoped to the user.

Published results are public (公开透明): every signed-in business role sees published and superseded runs and
their rankings. Unpublished runs, deductions and bonus proposals are the city's. The indicator drill-down
(project-months, including a unit's tax shares) is the city's and the unit's own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.assessment.models import (
    AssessmentRun,
    BonusProposal,
    Contribution,
    Deduction,
    Target,
    UnitResult,
)
from enclave.lib import periods
from enclave.parks.models import Unit, UnitTier
from enclave.parks.queries import unit_tier_history
from enclave.projects.models import Project
from enclave.projects.workflow import Status
from enclave.sharing.models import SettlementShare

BUSINESS_ROLES = frozenset({Role.CITY_ADMIN, Role.REVIEWER, Role.FINANCE, Role.AUDITOR, Role.PARK, Role.UNIT})
PUBLIC_STATES = (AssessmentRun.PUBLISHED, AssessmentRun.SUPERSEDED)
SMALL_CELL = 3  # fewer enterprises than this in a unit–park–period cell: its tax figure is not published


def runs_visible_to(user: object) -> QuerySet[AssessmentRun]:
    scope = scope_of(user)
    qs = AssessmentRun.objects.select_related("created_by", "published_by", "corrects")
    if scope.is_city:
        return qs
    if scope.role in BUSINESS_ROLES:
        return qs.filter(status__in=PUBLIC_STATES)
    return qs.none()


def run_for_user_or_404(user: object, pk: int | str) -> AssessmentRun:
    try:
        return runs_visible_to(user).get(pk=pk)
    except (AssessmentRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("考核运行不存在") from exc


def may_see_details(user: object, unit: Unit) -> bool:
    """The drill-down of a unit's result: the city, and the unit itself."""
    scope = scope_of(user)
    return scope.is_city or (scope.role == Role.UNIT and scope.unit_id == unit.pk)


def unit_result_for_user_or_404(user: object, run: AssessmentRun, code: str) -> UnitResult:
    result = UnitResult.objects.filter(run=run, unit__code=code).select_related("unit", "run").first()
    if result is None or not may_see_details(user, result.unit):
        raise Http404("考核结果不存在")
    return result


def results(run: AssessmentRun) -> list[UnitResult]:
    return list(
        UnitResult.objects.filter(run=run)
        .select_related("unit")
        .prefetch_related("indicators")
        .order_by("rank", "unit__sort_order", "unit__code")
    )


def quarters_before(period: str, count: int = 8) -> list[str]:
    """The `count` quarters ending with `period`'s last quarter, oldest first."""
    span = periods.parse(period)
    year, quarter = span.end.year, periods.quarter_of(span.end)
    labels = []
    for _ in range(count):
        labels.append(f"{year}Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return labels[::-1]


def current_runs(user: object, labels: list[str]) -> dict[str, AssessmentRun]:
    """Per period, the run a page should show: the published one, or (for the city) the latest run."""
    out: dict[str, AssessmentRun] = {}
    for run in (
        runs_visible_to(user)
        .filter(period__in=labels)
        .exclude(status=AssessmentRun.SUPERSEDED)
        .order_by("created_at", "id")
    ):
        if out.get(run.period) is None or out[run.period].status != AssessmentRun.PUBLISHED:
            out[run.period] = run
    return out


def history(user: object, run: AssessmentRun) -> tuple[list[str], dict[str, list[float | None]]]:
    """Sparkline data: each unit's total score in the quarters up to the run's period."""
    labels = quarters_before(run.period)
    runs = current_runs(user, labels)
    series: dict[str, list[float | None]] = defaultdict(lambda: [None] * len(labels))
    rows = UnitResult.objects.filter(run__in=list(runs.values())).values_list(
        "run__period", "unit__code", "total_centi"
    )
    index = {label: i for i, label in enumerate(labels)}
    for label, code, total in rows:
        series[code][index[label]] = total / 100
    return labels, dict(series)


@dataclass(frozen=True)
class Contributions:
    """One indicator's project-months, grouped by project."""

    project: Project
    months: list[tuple[dt.date, int]]

    @property
    def total(self) -> int:
        return sum(amount for _m, amount in self.months)


def drilldown(result: UnitResult) -> dict[int, list[Contributions]]:
    """Indicator id → the projects and months behind its value, as stored by the run."""
    rows = Contribution.objects.filter(indicator__result=result).order_by(
        "indicator_id", "project_id", "month"
    )
    projects = Project.objects.in_bulk({r.project_id for r in rows})
    grouped: dict[int, dict[int, list[tuple[dt.date, int]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row.indicator_id][row.project_id].append((row.month, row.amount))
    return {
        indicator_id: [Contributions(projects[pid], months) for pid, months in by_project.items()]
        for indicator_id, by_project in grouped.items()
    }


def deductions_visible_to(user: object) -> QuerySet[Deduction]:
    """The city sees every deduction; a unit its own (with the reason)."""
    scope = scope_of(user)
    qs = Deduction.objects.select_related("unit", "created_by")
    if scope.is_city:
        return qs
    if scope.role == Role.UNIT and scope.unit_id:
        return qs.filter(unit_id=scope.unit_id)
    return qs.none()


def proposals_visible_to(user: object) -> QuerySet[BonusProposal]:
    """The city sees every proposal (the DRC, the bureaus and the office all work at city level)."""
    scope = scope_of(user)
    qs = BonusProposal.objects.select_related("unit", "rule", "drafted_by", "decided_by")
    return qs if scope.is_city else qs.none()


# ---------------------------------------------------------------- tiers and targets (policy: the same for every
# business role, like the reference data; the services decide who changes them)


def target_history(*, tier: str = "", source: str = "", quarter: str = "") -> QuerySet[Target]:
    """Every target row, the city's changes and the shipped defaults, newest first within each target."""
    qs = Target.objects.select_related("created_by").order_by(
        "tier", "source", "quarter", "-effective_from", "-id"
    )
    if tier:
        qs = qs.filter(tier=tier)
    if source:
        qs = qs.filter(source=source)
    if quarter.isdigit():
        qs = qs.filter(quarter=int(quarter))
    return qs


@dataclass(frozen=True)
class TierLine:
    """A unit's tier on a day and the dated row it comes from (None: no row yet, the unit's tier field)."""

    unit: Unit
    tier: str
    row: UnitTier | None

    @property
    def label(self) -> str:
        return str(Unit.Tier(self.tier).label)

    @property
    def is_default(self) -> bool:
        return self.row is None or self.row.is_default


def tiers_on(day: dt.date) -> list[TierLine]:
    """Every active unit with the tier in force on `day` (of two rows from one date, the later one)."""
    rows: dict[int, UnitTier] = {}
    for row in UnitTier.objects.filter(valid_from__lte=day).order_by("valid_from", "id"):
        rows[row.unit_id] = row
    lines = []
    for unit in Unit.objects.filter(is_active=True).order_by("sort_order", "code"):
        row = rows.get(unit.pk)
        lines.append(TierLine(unit, row.tier if row else unit.tier, row))
    return lines


def tier_history(*, unit: str = "") -> QuerySet[UnitTier]:
    qs = unit_tier_history()
    return qs.filter(unit__code=unit) if unit else qs


# ---------------------------------------------------------------- public page


def public_projects() -> QuerySet[Project]:
    """Recognised cooperation projects: the public list (公开), public fields only."""
    return (
        Project.objects.filter(status=Status.RECOGNISED)
        .select_related("enterprise", "park", "filing_unit", "industry")
        .prefetch_related("partner_units")
        .order_by("-recognised_on", "code")
    )


def published_runs() -> QuerySet[AssessmentRun]:
    return AssessmentRun.objects.filter(status=AssessmentRun.PUBLISHED).order_by("-period")


@dataclass(frozen=True)
class TaxCell:
    unit_code: str
    park_code: str
    enterprises: int
    amount_fen: int

    @property
    def suppressed(self) -> bool:
        return self.enterprises < SMALL_CELL


def tax_cells(period: str) -> list[TaxCell]:
    """Units' shared tax per host park in a period, with the number of enterprises behind each cell."""
    span = periods.parse(period)
    rows = (
        SettlementShare.objects.filter(
            unit__isnull=False, line__month__gte=span.start, line__month__lte=span.end
        )
        .values("party_code", "line__project__park__code")
        .annotate(enterprises=Count("line__project__enterprise", distinct=True))
        .order_by()
    )
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for code, park, amount in SettlementShare.objects.filter(
        unit__isnull=False, line__month__gte=span.start, line__month__lte=span.end
    ).values_list("party_code", "line__project__park__code", "amount_fen"):
        sums[(code, park)] += amount
    return [
        TaxCell(r["party_code"], r["line__project__park__code"], r["enterprises"],
                sums[(r["party_code"], r["line__project__park__code"])])
        for r in rows
    ]  # fmt: skip


def tax_publishable(cells: list[TaxCell]) -> dict[str, bool]:
    """Unit code → whether its shared-tax total may be published: only when none of its cells is small
    (otherwise the total minus the shown cells would reveal the small one)."""
    out: dict[str, bool] = {}
    for cell in cells:
        out[cell.unit_code] = out.get(cell.unit_code, True) and not cell.suppressed
    return out


def public_filter(
    qs: QuerySet[Project], *, park: str = "", unit: str = "", year: int | None = None
) -> QuerySet[Project]:
    if park:
        qs = qs.filter(park__code=park)
    if unit:
        qs = qs.filter(Q(filing_unit__code=unit) | Q(partner_units__code=unit)).distinct()
    if year is not None:
        qs = qs.filter(recognised_on__year=year)
    return qs


def run_summary(run: AssessmentRun) -> dict:
    """The run as the command's and the API's JSON: scores in points (87.5), ranks, bonus."""
    return {
        "period": run.period,
        "run_id": run.pk,
        "status": run.status,
        "provisional": run.provisional,
        "input_digest": run.input_digest,
        "units": [
            {
                "code": r.unit.code,
                "name": r.unit.name,
                "tier": r.tier,
                "score": r.total_centi / 100,
                "rank_in_tier": r.rank_in_tier,
                "rank": r.rank,
                "bonus": r.bonus_centi / 100,
                "deductions": r.deductions_centi / 100,
                "vetoed": r.vetoed,
            }
            for r in UnitResult.objects.filter(run=run)
            .select_related("unit")
            .order_by("rank", "unit__sort_order", "unit__code")
        ],
    }
