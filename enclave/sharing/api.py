"""API of the accounting mechanism: post monthly reports, run and close settlements, read statements.

Money is integer fen; reads go through sharing.queries (scoped), writes through sharing.services.
"""

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from enclave.accounts.scope import scope_of
from enclave.api_schemas import (
    MAX_FEN,
    Code,
    Fen,
    InputSchema,
    Month,
    ObjectId,
    QueryPeriod,
    QueryYear,
    Text,
    responses,
)
from enclave.lib import periods
from enclave.projects.queries import projects_visible_to
from enclave.sharing import basis, queries, services
from enclave.sharing.models import (
    INDICATORS,
    Adjustment,
    AdjustmentTarget,
    MonthlyReport,
    SettlementRun,
    TrueUpStatement,
)

router = Router(tags=["结算与核算"])
INDICATOR_FIELDS = [f for f, _n, _b in INDICATORS]
PeriodText = Text(10, 4)
# Which ledger indicator figures are from (sharing/basis.py); documented in the schema, never a renamed field.
Basis = Literal["assessment", "in_place"]


def basis_field(default: str) -> Any:
    return Field(default, description=basis.API_DESCRIPTION)


class ReportIn(InputSchema):
    project_code: Code
    month: Month
    taxes: dict[Code, Fen] = Field(default_factory=dict, description="税种代码 → 实缴税额（分）")
    rebates_fen: Fen = 0
    fixed_asset_investment_fen: Fen = 0
    industrial_output_fen: Fen = 0
    trade_sales_fen: Fen = 0
    services_revenue_fen: Fen = 0
    out_of_province_funds_fen: Fen = 0
    foreign_capital_fen: Fen = 0


class ReportPatch(InputSchema):
    taxes: dict[Code, Fen] = Field(default_factory=dict)
    rebates_fen: Fen | None = None
    fixed_asset_investment_fen: Fen | None = None
    industrial_output_fen: Fen | None = None
    trade_sales_fen: Fen | None = None
    services_revenue_fen: Fen | None = None
    out_of_province_funds_fen: Fen | None = None
    foreign_capital_fen: Fen | None = None


class ReportOut(Schema):
    id: int
    project_code: str
    month: dt.date
    taxes: dict[str, int]
    rebates_fen: int
    fixed_asset_investment_fen: int
    industrial_output_fen: int
    trade_sales_fen: int
    services_revenue_fen: int
    out_of_province_funds_fen: int
    foreign_capital_fen: int
    tax_status: str
    indicator_status: str
    basis: Basis = basis_field(basis.IN_PLACE)  # one project-month's own figures: counted once, where it is


class ReportPage(Schema):
    count: int
    items: list[ReportOut]


class ReportFilters(Schema):
    period: QueryPeriod | None = None
    project_code: Code | None = None
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**9)


class ConfirmIn(InputSchema):
    what: str = Field(pattern="^(tax|indicators)$", description="tax（税收）或 indicators（指标）")


class PeriodIn(InputSchema):
    period: PeriodText


class PartyTotal(Schema):
    code: str
    name: str
    share_fen: int


class RunOut(Schema):
    period: str
    created: bool
    retained_fen: int
    input_digest: str
    rules_digest: str
    engine_version: str
    parties: list[PartyTotal]


class StatementLineOut(Schema):
    project_id: int
    project_code: str
    project_name: str
    months: int
    retained_fen: int
    share_fen: int


class StatementOut(Schema):
    period: str
    party_code: str
    party_name: str
    closed: bool
    retained_fen: int
    share_fen: int
    lines: list[StatementLineOut]


def _report_out(report: MonthlyReport) -> dict[str, Any]:
    data = {f: getattr(report, f) for f in ["rebates_fen", *INDICATOR_FIELDS]}
    data.update(
        id=report.pk,
        project_code=report.project.code,
        month=report.month,
        taxes={t.tax_type.code: t.paid_fen for t in report.taxes.select_related("tax_type")},
        tax_status=report.tax_status,
        indicator_status=report.indicator_status,
    )
    return data


def _period(text: str) -> periods.Period:
    try:
        return periods.parse(text)
    except ValueError as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError({"period": str(exc)}) from exc


@router.get("/reports", response=responses(ReportPage))
def report_list(request, filters: Query[ReportFilters]):
    """Monthly reports the user may read (another unit's tax figures never appear)."""
    qs = queries.reports_visible_to(request.user).order_by("-month", "project__code")
    if filters.period:
        span = _period(filters.period)
        qs = qs.filter(month__gte=span.start, month__lte=span.end)
    if filters.project_code:
        qs = qs.filter(project__code=filters.project_code)
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [_report_out(r) for r in items]}


@router.post("/reports", response=responses(ReportOut, 201))
def report_create(request, payload: ReportIn):
    project = get_object_or_404(projects_visible_to(request.user), code=payload.project_code)
    report = services.report_create(
        actor=request.user,
        project=project,
        month=payload.month,
        taxes=payload.taxes,
        values={f: getattr(payload, f) for f in ["rebates_fen", *INDICATOR_FIELDS]},
    )
    return HttpStatus(201, _report_out(report))


class ReportBulkIn(InputSchema):
    reports: list[ReportIn] = Field(min_length=1, max_length=5000)


class ReportBulkOut(Schema):
    created: int


@router.post("/reports/bulk", response=responses(ReportBulkOut, 201))
def report_bulk_create(request, payload: ReportBulkIn):
    """Many project-months at once, all or nothing: every problem is reported with its item's index
    (`reports.3.month`), and nothing is written unless every item is valid."""
    errors: dict[str, list[str]] = {}
    visible = {p.code: p for p in projects_visible_to(request.user).filter(
        code__in=[item.project_code for item in payload.reports])}  # fmt: skip
    with transaction.atomic():
        for index, item in enumerate(payload.reports):
            project = visible.get(item.project_code)
            if project is None:
                errors[f"reports.{index}.project_code"] = ["项目不存在"]
                continue
            try:
                with transaction.atomic():
                    services.report_create(
                        actor=request.user,
                        project=project,
                        month=item.month,
                        taxes=item.taxes,
                        values={f: getattr(item, f) for f in ["rebates_fen", *INDICATOR_FIELDS]},
                    )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors.setdefault(f"reports.{index}.{field}", []).extend(messages)
        if errors:
            transaction.set_rollback(True)
            raise ValidationError(errors)
    return HttpStatus(201, {"created": len(payload.reports)})


@router.patch("/reports/{report_id}", response=responses(ReportOut))
def report_update(request, report_id: ObjectId, payload: ReportPatch):
    report = get_object_or_404(queries.reports_visible_to(request.user), pk=report_id)
    values = {f: v for f in ["rebates_fen", *INDICATOR_FIELDS] if (v := getattr(payload, f)) is not None}
    return _report_out(
        services.report_update(actor=request.user, report=report, taxes=payload.taxes, values=values)
    )


@router.post("/reports/{report_id}/confirm", response=responses(ReportOut))
def report_confirm(request, report_id: ObjectId, payload: ConfirmIn):
    report = get_object_or_404(queries.reports_visible_to(request.user), pk=report_id)
    return _report_out(services.report_confirm(actor=request.user, report=report, what=payload.what))


def _run_out(result: services.RunResult) -> dict[str, Any]:
    names = {p.code: p.name for p in queries.all_parties()}
    return {
        "period": result.run.period,
        "created": result.created,
        "retained_fen": result.run.retained_fen,
        "input_digest": result.run.input_digest,
        "rules_digest": result.run.rules_digest,
        "engine_version": result.run.engine_version,
        "parties": [{"code": c, "name": names.get(c, c), "share_fen": a} for c, a in result.totals],
    }


@router.post("/settlements/run", response=responses(RunOut))
def settlement_run(request, payload: PeriodIn):
    """Settle a period (city administrator). The same inputs give the same run: safe to repeat."""
    return _run_out(services.settlement_run(actor=request.user, period=payload.period))


@router.post("/settlements/close", response=responses(RunOut))
def settlement_close(request, payload: PeriodIn):
    """Close a period: settle from confirmed tax figures and freeze its months."""
    return _run_out(services.settlement_close(actor=request.user, period=payload.period))


# ---------------------------------------------------------------- provisional quarters and the annual true-up


class ProvisionalOut(Schema):
    period: str = Field(description="季度，如 2025Q1")
    provisional: bool = Field(True, description="季度预结算为暂定结果，年终体制结算时清算差额")
    run_id: int
    issued_at: dt.datetime
    retained_fen: int
    output_digest: str
    parties: list[PartyTotal] = Field(description="可查看的各方预结算金额（分）")


class YearIn(InputSchema):
    year: int = Field(ge=2000, le=2100, description="年度，如 2025")


class ProvisionalFilters(Schema):
    year: QueryYear | None = None


class TrueUpLineOut(Schema):
    code: str
    name: str
    kind: Literal["unit", "park"]
    quarters_fen: list[int] = Field(description="一至四季度预结算（分），未出具的季度为 0")
    provisional_fen: int
    year_fen: int = Field(description="按确认数据重新结算的全年金额（分）")
    difference_fen: int = Field(description="应补（正）/应退（负）= year_fen − provisional_fen")


class TrueUpOut(Schema):
    year: int
    run_id: int
    quarters: list[str] = Field(description="已出具预结算的季度，如 [\"Q1\", \"Q2\"]")
    digest: str = Field(description="年终体制结算摘要（SM3），由年度与各季度结算结果摘要及各方金额得出")
    created_at: dt.datetime
    lines: list[TrueUpLineOut]


def _provisional_out(statement: Any, user: Any) -> dict[str, Any]:
    visible = {p.code: p.name for p in queries.parties_visible_to(user)}
    return {
        "period": statement.period, "provisional": True, "run_id": statement.run_id,
        "issued_at": statement.issued_at, "retained_fen": statement.run.retained_fen,
        "output_digest": statement.run.output_digest,
        "parties": [{"code": c, "name": visible[c], "share_fen": a}
                    for c, a in statement.run.totals.values_list("party_code", "amount_fen") if c in visible],
    }  # fmt: skip


def _true_up_out(statement: Any, user: Any) -> dict[str, Any]:
    return {
        "year": statement.year, "run_id": statement.run_id, "quarters": statement.quarters,
        "digest": statement.digest, "created_at": statement.created_at,
        "lines": [{"code": r.party.code, "name": r.party.name, "kind": r.party.kind,
                   "quarters_fen": list(r.quarters_fen), "provisional_fen": r.provisional_fen,
                   "year_fen": r.year_fen, "difference_fen": r.difference_fen}
                  for r in queries.true_up_rows(statement, user)],
    }  # fmt: skip


@router.post("/settlements/provisional", response=responses(ProvisionalOut, 201))
def settlement_provisional(request, payload: PeriodIn):
    """Issue a quarter's provisional statement (季度预结算, city administrator): settled on the figures known
    now, estimates included; its months stay open; issued once; the year's true-up settles the difference."""
    statement = services.settlement_provisional(actor=request.user, period=payload.period)
    return HttpStatus(201, _provisional_out(statement, request.user))


@router.get("/settlements/provisional", response=responses(list[ProvisionalOut]))
def provisional_list(request, filters: Query[ProvisionalFilters]):
    """The provisional quarters issued (newest first), with the parties' amounts the user may read."""
    return [_provisional_out(s, request.user) for s in queries.provisional_statements(filters.year)]


@router.post("/true-ups", response=responses(TrueUpOut, 201))
def true_up_create(request, payload: YearIn):
    """The annual true-up (年终体制结算, city administrator): settle the year on confirmed tax data, close it,
    and per party the year less the provisional quarters. Once per year."""
    statement = services.settlement_true_up(actor=request.user, year=payload.year)
    return HttpStatus(201, _true_up_out(statement, request.user))


@router.get("/true-ups/{year}", response=responses(TrueUpOut))
def true_up_detail(request, year: QueryYear):
    """A year's true-up statement: the lines of the parties the user may read (a district: its own)."""
    statement = get_object_or_404(TrueUpStatement.objects.select_related("run"), year=year)
    return _true_up_out(statement, request.user)


@router.get("/statements/{party_code}", response=responses(StatementOut))
def statement(request, party_code: Code, period: PeriodText):
    """A unit's or park's statement for a period; only one's own (the city: any)."""
    party = queries.party_for_user_or_403(request.user, party_code)
    st = queries.statement(_period(period), party)
    return {
        "period": st.period.label,
        "party_code": party.code,
        "party_name": party.name,
        "closed": st.is_closed,
        "retained_fen": st.retained_fen,
        "share_fen": st.share_fen,
        "lines": [asdict(line) for line in st.lines],
    }


# ---------------------------------------------------------------- the double-accounting table and a run's lines


class IndicatorFigures(Schema):
    """The six accounted indicators in fen, with the ledger they are from."""

    basis: Basis = basis_field(basis.ASSESSMENT)
    fixed_asset_investment_fen: int
    industrial_output_fen: int
    trade_sales_fen: int
    services_revenue_fen: int
    out_of_province_funds_fen: int
    foreign_capital_fen: int


class AccountingRowOut(IndicatorFigures):
    kind: Literal["unit", "park"] = Field(description="unit = 协作地（单位），park = 承载地（园区）")
    code: str
    name: str


class AccountingDifferenceOut(Schema):
    indicator: str = Field(description="指标字段名，如 fixed_asset_investment_fen")
    places_fen: int = Field(description="各地合计（考核口径）")
    city_fen: int = Field(description="全市合计（在地口径）")
    difference_fen: int = Field(description="双核算重复计入的部分 = places_fen − city_fen")


class AccountingOut(Schema):
    period: str
    note: str = Field(description="口径说明（与页面相同）")
    rows: list[AccountingRowOut]
    places_sum: IndicatorFigures | None = Field(description="各地合计（考核口径）；仅市级用户")
    city: IndicatorFigures | None = Field(description="全市合计，每个项目只计一次（在地口径）；仅市级用户")
    differences: list[AccountingDifferenceOut]


class AccountingFilters(Schema):
    period: PeriodText | None = Field(
        None, description="季度（2024Q3）或年度（2024）；缺省为最近报表所在季度"
    )


def _figures(values: dict[str, int], which: str) -> dict[str, Any]:
    return {"basis": which, **{f: values.get(f, 0) for f in INDICATOR_FIELDS}}


@router.get("/accounting", response=responses(AccountingOut))
def accounting_table(request, filters: Query[AccountingFilters]):
    """The double-accounting table of /sharing/accounting/: per unit and park the indicators credited to it
    (考核口径), and for the city also the places' sum and the count-once city total (在地口径) with their
    difference. Same scope as the page: a unit or park sees its own row only."""
    span = _period(filters.period) if filters.period else queries.latest_period()
    table, parties = queries.accounting_table(span, request.user)
    is_city = scope_of(request.user).is_city
    empty = dict.fromkeys(INDICATOR_FIELDS, 0)
    rows = [
        {"kind": p.kind, "code": p.code, "name": p.name,
         **_figures(table.by_place.get((p.kind, p.code), empty), basis.ASSESSMENT)}
        for p in parties
    ]  # fmt: skip
    return {
        "period": span.label,
        "note": str(basis.ASSESSMENT_LABEL),
        "rows": rows,
        "places_sum": _figures(table.places_sum, basis.ASSESSMENT) if is_city else None,
        "city": _figures(table.city, basis.IN_PLACE) if is_city else None,
        "differences": [
            {"indicator": f, "places_fen": table.places_sum[f], "city_fen": table.city[f],
             "difference_fen": table.double_counted(f)}
            for f in INDICATOR_FIELDS
        ] if is_city else [],
    }  # fmt: skip


class LineShareOut(Schema):
    party_code: str
    party_kind: Literal["unit", "park"]
    party_name: str
    amount_fen: int


class SettlementLineOut(Schema):
    project_code: str
    project_name: str
    month: dt.date
    county_parts: dict[str, int] = Field(description="税种代码 → 该税种的县级部分（分）")
    rebates_fen: int
    adjustments_fen: int
    retained_fen: int
    shares: list[LineShareOut]


class SettlementLinesOut(Schema):
    run_id: int
    period: str
    count: int
    items: list[SettlementLineOut]


class SettlementLineFilters(Schema):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**9)


@router.get("/settlements/{run_id}/lines", response=responses(SettlementLinesOut))
def settlement_lines(request, run_id: ObjectId, filters: Query[SettlementLineFilters]):
    """A run's project-month lines: each tax type's county part, rebates, adjustments, the retained amount
    and every party's share. Scoped like the statements: a unit or park sees the lines of the projects it
    is a party to; the city all. Paged (limit, offset)."""
    run = get_object_or_404(SettlementRun, pk=run_id)
    lines = queries.run_lines_visible_to(request.user, run)
    parties = {p.code: p for p in queries.all_parties()}
    items = []
    for line in lines[filters.offset : filters.offset + filters.limit]:
        shares = [
            {"party_code": s.party_code, "party_kind": "unit" if s.unit_id else "park",
             "party_name": parties[s.party_code].name if s.party_code in parties else s.party_code,
             "amount_fen": s.amount_fen}
            for s in line.shares.all()
        ]  # fmt: skip
        items.append(
            {"project_code": line.project.code, "project_name": line.project.name, "month": line.month,
             "county_parts": line.county_parts, "rebates_fen": line.rebates_fen,
             "adjustments_fen": line.adjustments_fen, "retained_fen": line.retained_fen, "shares": shares}
        )  # fmt: skip
    return {"run_id": run.pk, "period": run.period, "count": lines.count(), "items": items}


# ---------------------------------------------------------------- adjustments (调整记录, issue 13)

# Signed integer fen, as every amount in this API: strict refuses 12.345, "100" and true, so an amount
# with more than two decimals of a yuan never becomes money (0 is refused by the service, in Chinese).
SignedFen = Annotated[int, Field(strict=True, ge=-MAX_FEN, le=MAX_FEN)]
AdjustmentTargetCode = Literal[tuple(AdjustmentTarget.values)]  # type: ignore[valid-type]


class AdjustmentIn(InputSchema):
    project_code: Code
    concerns_month: Month = Field(description="被更正的已关账月份（须在该项目的利益分享期限内）")
    target: AdjustmentTargetCode = Field(description="调整对象：retained（县级留成）或指标字段名")  # type: ignore[valid-type]
    amount_fen: SignedFen = Field(description="调整金额（分，冲减为负，不为0）")
    reason: Text(2000, 1) = Field(description="原因")  # type: ignore[valid-type]


class AdjustmentVoidIn(InputSchema):
    reason: Text(2000, 1) = Field(description="作废原因")  # type: ignore[valid-type]


class AdjustmentOut(Schema):
    id: int
    project_code: str
    month: dt.date = Field(description="计入（结算）月份")
    concerns_month: dt.date = Field(description="更正月份")
    target: str
    amount_fen: int
    reason: str
    reverses_id: int | None = Field(description="作废冲销记录所作废的调整；普通调整为 null")
    voided_by_id: int | None = Field(description="作废本调整的冲销记录；未作废为 null")
    created_by: str
    created_at: dt.datetime


class AdjustmentPage(Schema):
    count: int
    items: list[AdjustmentOut]


class AdjustmentFilters(Schema):
    project_code: Code | None = None
    month: Month | None = Field(None, description="计入月份")
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**9)


def _adjustments_visible_to(user: Any) -> Any:
    if not scope_of(user).is_city:
        raise PermissionDenied("调整记录仅市级可见")
    return Adjustment.objects.select_related("project", "created_by", "reversal")


def _adjustment_out(a: Adjustment) -> dict[str, Any]:
    reversal = getattr(a, "reversal", None) if a.reverses_id is None else None
    return {
        "id": a.pk, "project_code": a.project.code, "month": a.month, "concerns_month": a.concerns_month,
        "target": a.target, "amount_fen": a.amount_fen, "reason": a.reason, "reverses_id": a.reverses_id,
        "voided_by_id": reversal.pk if reversal is not None else None, "created_by": str(a.created_by),
        "created_at": a.created_at,
    }  # fmt: skip


@router.get("/adjustments", response=responses(AdjustmentPage))
def adjustment_list(request, filters: Query[AdjustmentFilters]):
    """Corrections of closed months, newest first (the city only); voided ones name their reversal."""
    qs = _adjustments_visible_to(request.user).order_by("-created_at", "-id")
    if filters.project_code:
        qs = qs.filter(project__code=filters.project_code)
    if filters.month:
        qs = qs.filter(month=filters.month.replace(day=1))
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [_adjustment_out(a) for a in items]}


@router.post("/adjustments", response=responses(AdjustmentOut, 201))
def adjustment_create(request, payload: AdjustmentIn):
    """Enter a correction of a closed month (city administrator): it settles in the first open month with
    the shares of the month it corrects; a month no agreement covers is refused."""
    _adjustments_visible_to(request.user)
    project = get_object_or_404(projects_visible_to(request.user), code=payload.project_code)
    adjustment = services.adjustment_create(
        actor=request.user, project=project, concerns_month=payload.concerns_month, target=payload.target,
        amount_fen=payload.amount_fen, reason=payload.reason,
    )  # fmt: skip
    return HttpStatus(201, _adjustment_out(adjustment))


@router.post("/adjustments/{adjustment_id}/void", response=responses(AdjustmentOut, 201))
def adjustment_void(request, adjustment_id: ObjectId, payload: AdjustmentVoidIn):
    """Void an adjustment with a reason: answers its reversal (the negated amount, settled in the first
    open month). A reversal or an adjustment already voided is refused."""
    adjustment = get_object_or_404(_adjustments_visible_to(request.user), pk=adjustment_id)
    reversal = services.adjustment_void(actor=request.user, adjustment=adjustment, reason=payload.reason)
    return HttpStatus(201, _adjustment_out(reversal))
