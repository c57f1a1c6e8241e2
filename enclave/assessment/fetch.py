"""Load what an assessment depends on into plain objects (the sharing app's fetch pattern).

Each indicator value is the sum of contributions (project, month, amount), computed from the accounting —
never typed in:
- projects / planned investment: recognised projects whose recognition date falls in the period, counted in
  full for every cooperating unit of the agreement (the month is the recognition month);
- fixed-asset investment, out-of-province funds, industrial output, revenue (trade sales plus services
  revenue): monthly reports plus indicator adjustments of the period, credited by the double-accounting rules
  of sharing/accounting.py (every cooperating unit in full);
- shared tax: the unit's settlement shares of the period's project-months (sharing ledger).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from enclave.assessment.models import BonusProposal, Deduction, ScoringItem, Source, Target
from enclave.assessment.scoring import Item
from enclave.lib import periods
from enclave.parks.models import Unit
from enclave.parks.queries import unit_tiers_on
from enclave.projects.models import AgreementParty, Project
from enclave.projects.workflow import Status
from enclave.sharing import accounting
from enclave.sharing.fetch import months_between
from enclave.sharing.models import Adjustment, ClosedMonth, MonthlyReport, SettlementShare

# Accounting fields behind each accounted source (revenue adds two fields).
ACCOUNTED = {
    Source.FIXED_ASSET: ("fixed_asset_investment_fen",),
    Source.FUNDS: ("out_of_province_funds_fen",),
    Source.OUTPUT: ("industrial_output_fen",),
    Source.REVENUE: ("trade_sales_fen", "services_revenue_fen"),
}
SOURCE_ORDER = {s.value: i for i, s in enumerate(Source)}

Key = tuple[str, str]  # (unit code, source)
Contribs = dict[tuple[int, dt.date], int]  # (project id, month) → amount


@dataclass(frozen=True)
class UnitRow:
    code: str
    tier: str
    order: int


@dataclass(frozen=True)
class Inputs:
    """Everything one assessment run of a period depends on."""

    period: periods.Period
    kind: str  # "quarter" | "year"
    units: tuple[UnitRow, ...]
    contributions: dict[Key, Contribs]
    schemes: dict[str, tuple[Item, ...]]  # tier → items in force
    targets: dict[tuple[str, str], int]  # (tier, source) → target
    deductions: dict[str, tuple[int, bool]]  # unit code → (centi-points, vetoed)
    bonus: dict[str, int]  # unit code → decided centi-points (annual runs only)
    closed: bool  # every month of the period has a closed settlement

    def value(self, code: str, source: str) -> int:
        return sum(self.contributions.get((code, source), {}).values())

    def canonical(self) -> bytes:
        """The data a run depends on, one line per fact, sorted (for the input fingerprint)."""
        lines = [f"P|{self.period.label}|{self.kind}|{int(self.closed)}"]
        lines += [f"U|{u.code}|{u.tier}" for u in self.units]
        for (code, source), contribs in sorted(self.contributions.items()):
            for (project_id, month), amount in sorted(contribs.items()):
                lines.append(f"C|{code}|{source}|{project_id}|{month.isoformat()}|{amount}")
        lines += [f"D|{c}|{p}|{int(v)}" for c, (p, v) in sorted(self.deductions.items())]
        lines += [f"B|{c}|{p}" for c, p in sorted(self.bonus.items())]
        return "\n".join(lines).encode()

    def canonical_rules(self) -> bytes:
        lines = []
        for tier, items in sorted(self.schemes.items()):
            lines += [f"I|{tier}|{i.source}|{i.weight}|{i.rule}|{i.cap_bp}|{i.floor_bp}" for i in items]
        lines += [f"T|{t}|{s}|{v}" for (t, s), v in sorted(self.targets.items())]
        return "\n".join(lines).encode()


def period_kind(period: periods.Period) -> str:
    if "Q" in period.label:
        return "quarter"
    if len(period.label) == 4:
        return "year"
    raise ValueError(f"考核期间只能是季度（如 2024Q3）或年度（如 2024），不能是“{period.label}”")


def schemes_in_force(year: int, kind: str) -> dict[str, tuple[Item, ...]]:
    """Per tier, the latest row of each indicator effective by `year`; weight 0 drops the indicator."""
    latest: dict[tuple[str, str], ScoringItem] = {}
    for row in ScoringItem.objects.filter(period_kind=kind, effective_from__lte=year).order_by(
        "effective_from"
    ):
        latest[(row.tier, row.source)] = row
    schemes: dict[str, list[Item]] = defaultdict(list)
    for (tier, source), row in sorted(latest.items(), key=lambda kv: (kv[0][0], SOURCE_ORDER[kv[0][1]])):
        if row.weight:
            schemes[tier].append(Item(source, row.weight, row.rule, row.cap_bp, row.floor_bp))
    return {tier: tuple(items) for tier, items in schemes.items()}


def target_rows_in_force(year: int, quarter: int) -> dict[tuple[str, str], Target]:
    """(tier, source) → the Target row of the quarter (1–4) or the year (0) in force in `year`: the latest
    effective by then (of two from the same year, the later one)."""
    found: dict[tuple[str, str], Target] = {}
    for row in Target.objects.filter(quarter=quarter, effective_from__lte=year).order_by(
        "effective_from", "id"
    ):
        found[(row.tier, row.source)] = row
    return found


def targets_in_force(year: int, quarter: int) -> dict[tuple[str, str], int]:
    """(tier, source) → the target of the quarter (1–4) or the year (0) in force in `year`."""
    return {key: row.value for key, row in target_rows_in_force(year, quarter).items()}


def _unit_parties(project_ids: list[int] | None = None) -> dict[int, tuple[str, ...]]:
    """Project id → its cooperating units' codes (the unit parties of its agreement)."""
    rows = AgreementParty.objects.filter(unit__isnull=False)
    if project_ids is not None:
        rows = rows.filter(agreement__project_id__in=project_ids)
    out: dict[int, list[str]] = defaultdict(list)
    for project_id, code in rows.values_list("agreement__project_id", "unit__code").order_by():
        out[project_id].append(code)
    return {pid: tuple(sorted(codes)) for pid, codes in out.items()}


def contributions(period: periods.Period) -> dict[Key, Contribs]:
    """Every unit's contributions to every source in the period."""
    out: dict[Key, Contribs] = defaultdict(dict)

    def add(code: str, source: str, project_id: int, month: dt.date, amount: int) -> None:
        if amount:
            cell = out[(code, source)]
            cell[(project_id, month)] = cell.get((project_id, month), 0) + amount

    recognised = Project.objects.filter(
        status=Status.RECOGNISED, recognised_on__gte=period.start, recognised_on__lte=period.end
    ).values_list("pk", "recognised_on", "planned_investment_fen")
    recognised = list(recognised)
    parties = _unit_parties([pk for pk, _d, _p in recognised])
    for pk, on, planned in recognised:
        for code in parties.get(pk, ()):
            add(code, Source.PROJECTS, pk, on.replace(day=1), 1)
            add(code, Source.PLANNED, pk, on.replace(day=1), planned)

    # Accounted indicators, month by month, through the double-accounting rules.
    fields = accounting.FIELDS
    monthly: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(fields, 0))
    for row in MonthlyReport.objects.filter(month__gte=period.start, month__lte=period.end).values(
        "project_id", "month", *fields
    ):
        cell = monthly[(row["project_id"], row["month"])]
        for f in fields:
            cell[f] += row[f]
    for project_id, month, target, amount in Adjustment.objects.filter(
        month__gte=period.start, month__lte=period.end, target__in=fields
    ).values_list("project_id", "month", "target", "amount_fen"):
        monthly[(project_id, month)][target] += amount
    parties = _unit_parties(sorted({pid for pid, _m in monthly}))
    for (project_id, month), values in sorted(monthly.items()):
        project = accounting.ProjectIndicators(project_id, parties.get(project_id, ()), "", values)
        for credit in accounting.credits(project):
            if credit.place_kind != "unit":
                continue
            for source, source_fields in ACCOUNTED.items():
                if credit.field in source_fields:
                    add(credit.place_code, source, project_id, month, credit.amount_fen)

    for code, project_id, month, amount in SettlementShare.objects.filter(
        unit__isnull=False, line__month__gte=period.start, line__month__lte=period.end
    ).values_list("party_code", "line__project_id", "line__month", "amount_fen"):
        add(code, Source.SHARED_TAX, project_id, month, amount)
    return dict(out)


def load(period: periods.Period) -> Inputs:
    kind = period_kind(period)
    year = period.start.year
    quarter = 0 if kind == "year" else periods.quarter_of(period.start)
    # A unit is assessed in the tier it had when the period began (its targets were known by then); a later
    # move leaves earlier periods, and their fingerprints, as they were.
    tiers = unit_tiers_on(period.start)
    units = tuple(
        UnitRow(u.code, tiers[u.pk], u.sort_order)
        for u in Unit.objects.filter(is_active=True).order_by("sort_order", "code")
    )
    deductions: dict[str, tuple[int, bool]] = {}
    for code, kind_, centi in Deduction.objects.filter(period=period.label).values_list(
        "unit__code", "kind", "points_centi"
    ):
        points, vetoed = deductions.get(code, (0, False))
        deductions[code] = (
            points + (centi if kind_ == Deduction.DEDUCT else 0),
            vetoed or kind_ == Deduction.VETO,
        )
    bonus = {}
    if kind == "year":
        bonus = dict(
            BonusProposal.objects.filter(year=year, final_centi__isnull=False)
            .exclude(status=BonusProposal.DRAFTED)
            .values_list("unit__code", "final_centi")
        )
    months = months_between(period.start, period.end)
    closed = ClosedMonth.objects.filter(month__in=months).count() == len(months)
    return Inputs(
        period=period,
        kind=kind,
        units=units,
        contributions=contributions(period),
        schemes=schemes_in_force(year, kind),
        targets=targets_in_force(year, quarter),
        deductions=deductions,
        bonus={c: p for c, p in bonus.items() if p},
        closed=closed,
    )
