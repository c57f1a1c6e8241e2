"""Settlement and accounting pages: thin views over sharing.queries (reads) and sharing.services (writes)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enclave import query_params as qp
from enclave.accounts.models import Role
from enclave.accounts.scope import may_confirm_indicators, may_confirm_tax, scope_of
from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.excel.export import MONEY, Column, xlsx_table
from enclave.excel.services import export_record
from enclave.i18n import chinese_documents, xlsx_requested
from enclave.jobs.services import job_start
from enclave.lib import params as parse
from enclave.lib import periods
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YUAN, fen_to_decimal
from enclave.parks.models import Park
from enclave.projects import services as project_services
from enclave.projects.models import SharingPolicy
from enclave.projects.queries import project_for_user_or_404
from enclave.query_params import page_number, param
from enclave.sharing import accounting, basis, queries, services
from enclave.sharing import excel as sharing_excel
from enclave.sharing.confirm_views import filter_from
from enclave.sharing.confirmation import reports_filter
from enclave.sharing.forms import AdjustmentForm, PolicyChangeForm, RateChangeForm, RateForm, ReportForm
from enclave.sharing.models import (
    INDICATORS,
    Adjustment,
    ClosedMonth,
    DataStatus,
    MonthlyReport,
    SettlementRun,
    TaxType,
    TrueUpStatement,
)


def _period(request: HttpRequest) -> periods.Period:
    """The period of a page: from the link (`?period=`, a bad one is a 400 naming it), else from the form
    sent (a bad one shows a message and the latest quarter), else the latest quarter."""
    linked = qp.param(request.GET, "period", parse.period)
    if linked is not None:
        return linked
    text = request.POST.get("period") or ""
    try:
        return parse.period(text) if text else queries.latest_period()
    except ValueError:
        messages.error(request, _("无法识别的期间“%(text)s”，已显示最近一个季度") % {"text": text[:20]})
        return queries.latest_period()


def _xlsx(
    title: str, columns: tuple[Column, ...], rows: list[list], filename: str, sheet: str
) -> HttpResponse:
    return xlsx_table(what=title, columns=columns, rows=rows, sheet=sheet, stem=filename)


def _yuan(fen: int) -> Decimal:
    return fen_to_decimal(fen, FEN_PER_YUAN)


def _wan(fen: int) -> Decimal:
    return fen_to_decimal(fen, FEN_PER_WAN)


def _export_audit(request: HttpRequest, what: str, period: periods.Period) -> None:
    event_record(
        actor=request.user,
        verb=Verb.EXPORT,
        object_type=what,
        object_repr=period.label,
        after={"period": period.label},
    )


OVERVIEW_COLUMNS = (
    Column("代码", 12),
    Column("单位/园区", 28),
    Column("类别", 10),
    Column("分成合计（元）", 18, MONEY),
)


@login_required
@chinese_documents(when=xlsx_requested)
def overview(request: HttpRequest) -> HttpResponse:
    """Every visible party's share in the period, the state of its months, and (city) run and close."""
    period = _period(request)
    rows = queries.overview(period, request.user)
    if request.GET.get("format") == "xlsx":
        _export_audit(request, "sharing.overview", period)
        data = [
            [p.code, p.name, "承载地" if p.kind == "park" else "协作地", _yuan(amount)] for p, amount in rows
        ]
        data.append(["合计", "", "", _yuan(sum(amount for _p, amount in rows))])
        return _xlsx(
            f"{period.label} 利益分享结算汇总", OVERVIEW_COLUMNS, data, f"结算汇总-{period.label}", "结算汇总"
        )
    months = periods_months(period)
    closed = ClosedMonth.objects.filter(month__in=months).count()
    runs = SettlementRun.objects.filter(period=period.label)[:5] if scope_of(request.user).is_city else []
    provisional = queries.provisional_for(period)
    # Only reports the user may read: another district's estimates are its business (check 9, aggregates).
    estimated = (
        queries.reports_visible_to(request.user)
        .filter(month__in=months, tax_status=DataStatus.ESTIMATED)
        .count()
    )
    return render(
        request,
        "sharing/overview.html",
        {
            "period": period,
            "rows": rows,
            "total": sum(amount for _p, amount in rows),
            "closed": closed,
            "months": len(months),
            "runs": runs,
            "estimated": estimated,
            "may_run": request.user.role == Role.CITY_ADMIN,
            "provisional": provisional,
            "may_issue_provisional": request.user.role == Role.CITY_ADMIN and "Q" in period.label
            and provisional is None and closed == 0,
        },
    )


def periods_months(period: periods.Period) -> list:
    from enclave.sharing.fetch import months_between

    return months_between(period.start, period.end)


def _start(request: HttpRequest, kind: str) -> HttpResponse:
    """Queue a settlement job and show its progress page; only the city administrator may."""
    if request.user.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市级管理员可以运行结算或关账"))
    period = request.POST.get("period", "")
    try:
        label = periods.parse(period).label
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("sharing:overview")
    job = job_start(actor=request.user, kind=kind, params={"period": label})
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    return _start(request, "settle")


@login_required
@require_POST
def close(request: HttpRequest) -> HttpResponse:
    return _start(request, "settle_close")


STATEMENT_COLUMNS = (
    Column("项目编号", 15),
    Column("项目名称", 32),
    Column("结算月数", 10),
    Column("县级留成（元）", 18, MONEY),
    Column("本方分成（元）", 18, MONEY),
)


@login_required
@chinese_documents(when=xlsx_requested)
def statement(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's or park's statement (结算单): each project's retained amount and the party's share."""
    party = queries.party_for_user_or_403(request.user, code)
    period = _period(request)
    st = queries.statement(period, party)
    if request.GET.get("format") == "xlsx":
        _export_audit(request, "sharing.statement", period)
        rows = [[line.project_code, line.project_name, line.months, _yuan(line.retained_fen), _yuan(line.share_fen)]
                for line in st.lines]  # fmt: skip
        rows.append(["合计", "", "", _yuan(st.retained_fen), _yuan(st.share_fen)])
        return _xlsx(
            f"{party.name} {period.label} 利益分享结算单"
            + ("（季度预结算，暂定，年终体制结算时清算差额）" if queries.provisional_for(period) and not st.is_closed else ""),
            STATEMENT_COLUMNS,
            rows,
            f"结算单-{party.code}-{period.label}",
            "结算单",
        )
    return render(request, "sharing/statement.html",
                  {"period": period, "party": party, "st": st, "provisional": queries.provisional_for(period)})  # fmt: skip


@login_required
@chinese_documents(when=xlsx_requested)
def drilldown(request: HttpRequest, code: str, project_id: int) -> HttpResponse:
    """The project-months behind one statement line, with the county parts, rebates and adjustments."""
    party = queries.party_for_user_or_403(request.user, code)
    access = project_for_user_or_404(request.user, project_id)
    period = _period(request)
    lines = queries.line_drilldown(access.project.pk, period)
    if not any(share.party_code == party.code for line in lines for share in line.shares.all()):
        raise Http404(_("该项目在此期间与该单位无结算记录"))
    reports = {
        r.month: r
        for r in MonthlyReport.objects.filter(
            project=access.project, month__in=[line.month for line in lines]
        )
    }
    rows = [(line, reports.get(line.month), next((s.amount_fen for s in line.shares.all() if s.party_code == party.code), 0))
            for line in lines]  # fmt: skip
    adjustments = Adjustment.objects.filter(
        project=access.project, month__gte=period.start, month__lte=period.end
    )
    if request.GET.get("format") == "xlsx":
        _export_audit(request, "sharing.drilldown", period)
        return _drilldown_xlsx(party, access.project, period, rows, adjustments)
    return render(
        request,
        "sharing/drilldown.html",
        {
            "period": period,
            "party": party,
            "project": access.project,
            "rows": rows,
            "adjustments": adjustments,
        },
    )


def _drilldown_xlsx(party, project, period, rows, adjustments) -> HttpResponse:
    """The drill-down as a table: one row per project-month, each tax type's county part in its column."""
    from enclave.sharing.models import TaxType

    codes = [c for c in TaxType.objects.order_by("sort_order", "code").values_list("code", "name")]
    seen = {c for line, _r, _s in rows for c in line.county_parts}
    codes = [(c, n) for c, n in codes if c in seen] + [(c, c) for c in sorted(seen - {c for c, _n in codes})]
    columns = (
        Column("月份", 10),
        *(Column(f"{name}县级部分（元）", 18, MONEY) for _c, name in codes),
        Column("优惠返还（元）", 16, MONEY),
        Column("调整（元）", 14, MONEY),
        Column("县级留成（元）", 18, MONEY),
        Column("本方分成（元）", 18, MONEY),
        Column("数据状态", 10),
    )
    data = [
        [f"{line.month:%Y-%m}", *(_yuan(line.county_parts.get(c, 0)) for c, _n in codes), _yuan(line.rebates_fen),
         _yuan(line.adjustments_fen), _yuan(line.retained_fen), _yuan(share),
         report.get_tax_status_display() if report else "仅调整"]
        for line, report, share in rows
    ]  # fmt: skip
    data.append(["合计", *(_yuan(sum(line.county_parts.get(c, 0) for line, _r, _s in rows)) for c, _n in codes),
                 _yuan(sum(line.rebates_fen for line, _r, _s in rows)),
                 _yuan(sum(line.adjustments_fen for line, _r, _s in rows)),
                 _yuan(sum(line.retained_fen for line, _r, _s in rows)), _yuan(sum(s for _l, _r, s in rows)), ""])  # fmt: skip
    for a in adjustments:
        data.append([f"{a.month:%Y-%m}", *([None] * len(codes)), None, _yuan(a.amount_fen), None, None,
                     f"调整：{a.get_target_display()}（更正 {a.concerns_month:%Y-%m}）{a.reason}"])  # fmt: skip
    return _xlsx(
        f"{project.code} {project.name} · {party.name} · {period.label} 结算明细",
        columns,
        data,
        f"结算明细-{project.code}-{party.code}-{period.label}",
        "结算明细",
    )


@login_required
@chinese_documents(when=xlsx_requested)
def accounting_table(request: HttpRequest) -> HttpResponse:
    """Double-accounting table (双核算): places count in full, the city counts each project once.

    The places' figures are the assessment ledger (考核口径); the city total is the count-once (在地) total,
    and the gap between the two is explained per indicator (sharing/basis.py)."""
    period = _period(request)
    table, parties = queries.accounting_table(period, request.user)
    is_city = scope_of(request.user).is_city
    rows = [(p, table.by_place.get((p.kind, p.code), dict.fromkeys(accounting.FIELDS, 0))) for p in parties]
    fields = [(f, accounting.NAMES[f], f in accounting.BOTH) for f in accounting.FIELDS]
    differences = (
        [basis.difference_sentence(str(n), table.places_sum[f], table.city[f]) for f, n, _b in fields
         if table.double_counted(f)]
        if is_city else []
    )  # fmt: skip
    if request.GET.get("format") == "xlsx":
        _export_audit(request, "sharing.accounting", period)
        columns = (Column("单位/园区", 24), Column("类别", 10)) + tuple(
            Column(f"{n}（万元）", 16, MONEY) for _f, n, _b in fields
        )
        data = [
            [p.name, "协作地" if p.kind == "unit" else "承载地", *(_wan(v[f]) for f, _n, _b in fields)]
            for p, v in rows
        ]
        if is_city:
            data.append(
                [
                    f"各地合计（{basis.ASSESSMENT_SHORT}）",
                    "",
                    *(_wan(table.places_sum[f]) for f, _n, _b in fields),
                ]
            )
            data.append([f"全市合计（{basis.IN_PLACE_SHORT}，每个项目只计一次）", "",
                         *(_wan(table.city[f]) for f, _n, _b in fields)])  # fmt: skip
        notes = [str(basis.ASSESSMENT_LABEL), *differences]
        data.extend([note, *([None] * (len(columns) - 1))] for note in notes)
        return _xlsx(
            f"{period.label} 统计指标双核算表（{basis.ASSESSMENT_SHORT}）",
            columns,
            data,
            f"双核算表-{period.label}",
            "双核算",
        )
    return render(
        request,
        "sharing/accounting.html",
        {
            "period": period,
            "rows": rows,
            "fields": fields,
            "city": table.city if is_city else None,
            "double": {f: table.double_counted(f) for f in accounting.FIELDS} if is_city else None,
            "places_sum": table.places_sum if is_city else None,
            "basis_label": basis.ASSESSMENT_LABEL,
            "differences": differences,
        },
    )


@login_required
@chinese_documents(when=xlsx_requested)
def reports(request: HttpRequest) -> HttpResponse:
    """Monthly reports visible to the user, filtered by period, park, project and data status; paged;
    exportable; the finance bureau confirms the estimated taxes of the whole filter (confirm_views)."""
    from django.db.models import Sum

    flt = filter_from(request)
    qs = queries.reports_visible_to(request.user).annotate(tax_total=Sum("taxes__paid_fen"))
    qs = reports_filter(qs, flt).order_by("-month", "project__code")
    period_text, q, status = flt.period, flt.q, flt.status
    if request.GET.get("format") == "xlsx":
        _export_audit(request, "sharing.reports", periods.Period(None, None, period_text or "全部"))  # type: ignore[arg-type]
        rows = sharing_excel.report_rows(qs.prefetch_related("taxes"))
        return _xlsx(
            f"项目月度报表（{period_text or '全部期间'}）",
            sharing_excel.export_columns(),
            rows,
            "月度报表",
            "月度报表",
        )
    page = Paginator(qs, 20).get_page(page_number(request))
    role = request.user.role
    return render(
        request,
        "sharing/reports.html",
        {"page_obj": page, "period_text": period_text, "q": q, "status": status, "park": flt.park,
         "parks": Park.objects.order_by("code").only("code", "short_name"),
         "may_enter": role in (Role.CITY_ADMIN, Role.PARK), "may_confirm_tax": may_confirm_tax(request.user),
         "may_confirm_indicators": may_confirm_indicators(request.user)},
    )  # fmt: skip


def _report_form_submit(
    request: HttpRequest, form: ReportForm, report: MonthlyReport | None
) -> MonthlyReport | None:
    if not form.is_valid():
        return None
    try:
        if report is None:
            return services.report_create(
                actor=request.user, project=form.cleaned_data["project_code"], month=form.cleaned_data["month"],
                taxes=form.taxes(), values=form.values(),
            )  # fmt: skip
        return services.report_update(
            actor=request.user, report=report, taxes=form.taxes(), values=form.values()
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else ("month" if field == "month" else None)
            if field == "project":
                target = "project_code"
            for error in errors:
                form.add_error(target if target in form.fields else None, error)
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    if request.user.role not in (Role.CITY_ADMIN, Role.PARK):
        raise PermissionDenied(_("只有承载园区或市级管理员可以填报月度数据"))
    form = ReportForm(request.POST or None, initial={"project_code": request.GET.get("project", "")})
    if request.method == "POST":
        report = _report_form_submit(request, form, None)
        if report is not None:
            messages.success(
                request, _("已保存 %(report)s（预估值，待财政/统计部门确认）") % {"report": report}
            )
            return redirect("sharing:reports")
    return render(request, "sharing/report_form.html", {"form": form, "report": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(queries.reports_visible_to(request.user), pk=pk)
    if request.user.role not in (Role.CITY_ADMIN, Role.PARK):
        raise PermissionDenied(_("只有承载园区或市级管理员可以修改月度数据"))
    initial = {"project_code": report.project.code, "month": report.month.strftime("%Y-%m")}
    initial.update(
        {f"tax_{t.tax_type.code}": _yuan(t.paid_fen) for t in report.taxes.select_related("tax_type")}
    )
    initial["rebates_fen"] = _yuan(report.rebates_fen)
    initial.update({f: _wan(getattr(report, f)) for f, _n, _b in INDICATORS})
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["project_code"], data["month"] = initial["project_code"], initial["month"]
    form = ReportForm(data, initial=initial, fixed_project=report.project)
    if request.method == "POST":
        saved = _report_form_submit(request, form, report)
        if saved is not None:
            messages.success(request, _("已更新 %(report)s") % {"report": saved})
            return redirect("sharing:reports")
    return render(request, "sharing/report_form.html", {"form": form, "report": report})


@login_required
@require_POST
def report_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(queries.reports_visible_to(request.user), pk=pk)
    try:
        services.report_confirm(actor=request.user, report=report, what=request.POST.get("what", ""))
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
    else:
        messages.success(request, _("已确认 %(report)s") % {"report": report})
    back = request.POST.get("next") or ""
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("sharing:reports")  # only a path on this site: never an open redirect
    return HttpResponseRedirect(back)


ADJUSTMENT_COLUMNS = (
    Column("编号", 8, "0"), Column("项目编号", 15), Column("项目名称", 30), Column("计入月份", 10), Column("更正月份", 10),
    Column("调整对象", 16), Column("金额（元）", 16, MONEY), Column("原因", 40), Column("状态", 24),
    Column("录入人", 12), Column("录入时间", 18, "yyyy-mm-dd hh:mm"),
)  # fmt: skip


def _adjustment_state(a: Adjustment) -> str:
    """有效, 已作废 (by which reversal) or 作废冲销 (of which adjustment), as the page and export show it."""
    if a.reverses_id is not None:
        return _("作废 #%(id)s 的冲销记录") % {"id": a.reverses_id}
    reversal = getattr(a, "reversal", None)
    if reversal is not None:
        return _("已作废（冲销记录 #%(id)s，计入 %(month)s）") % {"id": reversal.pk, "month": f"{reversal.month:%Y-%m}"}
    return _("有效")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@chinese_documents(when=xlsx_requested)
def adjustments(request: HttpRequest) -> HttpResponse:
    """Corrections of closed months (调整记录): list for the city, form for the city administrator."""
    if not scope_of(request.user).is_city:
        raise PermissionDenied(_("调整记录仅市级可见"))
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST":
        if request.user.role != Role.CITY_ADMIN:
            raise PermissionDenied(_("只有市级管理员可以录入调整记录"))
        if form.is_valid():
            try:
                adj = services.adjustment_create(
                    actor=request.user, project=form.cleaned_data["project_code"],
                    concerns_month=form.cleaned_data["concerns_month"], target=form.cleaned_data["target"],
                    amount_fen=form.cleaned_data["amount_fen"], reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("已录入调整，计入 %(month)s") % {"month": f"{adj.month:%Y-%m}"})
                return redirect("sharing:adjustments")
    flt = queries.AdjustmentFilter(
        q=qp.text(request.GET, "q", 60),
        period=qp.param(request.GET, "period", parse.period),
        concerns=qp.param(request.GET, "concerns", parse.period),
        state=qp.choice(request.GET, "state", queries.ADJUSTMENT_STATES),
    )
    listed = flt.apply(Adjustment.objects.select_related("project", "created_by", "reversal")).order_by(
        "-created_at", "-id"
    )
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        event_record(actor=request.user, verb=Verb.EXPORT, object_type="sharing.adjustment",
                     object_repr="调整记录", reason=flt.describe(),
                     after={"rows": listed.count(), "filters": flt.as_params()})  # fmt: skip
        data = [
            [a.pk, a.project.code, a.project.name, f"{a.month:%Y-%m}", f"{a.concerns_month:%Y-%m}",
             a.get_target_display(), _yuan(a.amount_fen), a.reason, _adjustment_state(a), str(a.created_by),
             a.created_at]
            for a in listed
        ]  # fmt: skip
        return xlsx_table(what="调整记录", columns=ADJUSTMENT_COLUMNS, rows=data, sheet="调整记录", stem="调整记录",
                          description=flt.describe())  # fmt: skip
    page = Paginator(listed, 20).get_page(page_number(request))
    for a in page:
        a.state = _adjustment_state(a)
        a.may_void = services.adjustment_void_refusal(
            is_reversal=a.reverses_id is not None, is_voided=getattr(a, "reversal", None) is not None
        ) is None
    return render(request, "sharing/adjustments.html",
                  {"form": form, "page_obj": page, "filter": flt, "states": queries.ADJUSTMENT_STATES,
                   "export_query": urlencode({**flt.as_params(), "format": "xlsx"})})  # fmt: skip


@login_required
@require_POST
def adjustment_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void (作废) an adjustment with a reason: its reversal settles in the first open month."""
    if not scope_of(request.user).is_city:
        raise PermissionDenied(_("调整记录仅市级可见"))
    adjustment = get_object_or_404(Adjustment, pk=pk)
    if request.user.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市级管理员可以作废调整记录"))
    try:
        reversal = services.adjustment_void(
            actor=request.user, adjustment=adjustment, reason=request.POST.get("reason", "")[:2000]
        )
    except ValidationError as exc:
        messages.error(request, _("未作废调整 #%(id)s：%(errors)s") % {"id": pk, "errors": _("；").join(exc.messages)})
    else:
        messages.success(
            request,
            _("已作废调整 #%(id)s：冲销记录 #%(reversal)s 计入 %(month)s")
            % {"id": pk, "reversal": reversal.pk, "month": f"{reversal.month:%Y-%m}"},
        )
    return redirect("sharing:adjustments")


RATE_COLUMNS = (
    Column("税种", 14), Column("生效月份", 10), Column("失效月份（含）", 12), Column("县级留成比例（%）", 16, "0.00"),
    Column("默认值（待财政确认）", 12), Column("说明", 40),
)  # fmt: skip


def _rate_post(request: HttpRequest, form: RateForm | RateChangeForm) -> bool:
    """Add a row (RateForm) or change a running rate from a month on (RateChangeForm); True when saved."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if isinstance(form, RateChangeForm):
            row = services.rate_change(actor=request.user, tax_type=data["tax_type"], from_month=data["from_month"],
                                       rate_bp=form.rate_bp(), reason=data["reason"])  # fmt: skip
            messages.success(request, _("已调整：%(rate)s 自 %(month)s 起生效，原比例在前一个月结束")
                             % {"rate": str(row), "month": f"{row.effective_from:%Y-%m}"})  # fmt: skip
        else:
            services.rate_save(actor=request.user, tax_type=data["tax_type"], effective_from=data["effective_from"],
                               effective_to=data["effective_to"], rate_bp=form.rate_bp(), note=data["note"])  # fmt: skip
            messages.success(request, _("已添加留成比例"))
    except ValidationError as exc:
        _errors_attach(form, exc, {"rate_bp": "rate_percent"})
        return False
    return True


def _errors_attach(form: forms.Form, exc: ValidationError, mapping: dict[str, str]) -> None:
    """A rule service's refusal at the form's field (renamed by `mapping`), or above the form."""
    for key, errors in exc.message_dict.items():
        field = mapping.get(key, key)
        form.add_error(field if field in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@chinese_documents(when=xlsx_requested)
def rates(request: HttpRequest) -> HttpResponse:
    """Retained rates per tax type (县级留成比例), effective-dated: the city administrator changes a running
    rate from a month on (or adds a row for a month no row covers); everyone reads the history."""
    changing = request.POST.get("action") == "change"
    form = RateForm(request.POST if request.method == "POST" and not changing else None)
    change_form = RateChangeForm(request.POST if changing else None, prefix="change")
    if request.method == "POST":
        if not scope_of(request.user).can_change_rules:
            raise PermissionDenied(_("只有市级管理员可以修改县级留成比例"))
        if _rate_post(request, change_form if changing else form):
            return redirect("sharing:rates")
    tax = qp.choice(request.GET, "tax", TaxType.objects.values_list("code", flat=True))
    listed = queries.rates_listed(tax_code=tax)
    tax_type = TaxType.objects.filter(code=tax).first() if tax else None
    description = tax_type.name if tax_type else _("全部税种")
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        export_record(actor=request.user, what="sharing.retentionrate", filters={"tax": tax} if tax else {},
                      description=description, rows=listed.count())  # fmt: skip
        data = [
            [r.tax_type.name, f"{r.effective_from:%Y-%m}", f"{r.effective_to:%Y-%m}" if r.effective_to else "长期",
             Decimal(r.rate_bp) / 100, "是" if r.is_default else "否", r.note]
            for r in listed
        ]  # fmt: skip
        return xlsx_table(what="县级留成比例", columns=RATE_COLUMNS, rows=data, sheet="留成比例",
                          stem="县级留成比例", description=description)  # fmt: skip
    page = Paginator(listed, settings.ENCLAVE_PAGE_SIZE).get_page(qp.page_number(request))
    this_month = timezone.localdate().replace(day=1)
    in_force = {r.pk for r in page if r.effective_from <= this_month and (r.effective_to or this_month) >= this_month}
    return render(
        request,
        "sharing/rates.html",
        {"page_obj": page, "in_force": in_force, "form": form, "change_form": change_form,
         "may_edit": scope_of(request.user).can_change_rules, "tax_types": TaxType.objects.all(), "tax": tax},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def policy_change(request: HttpRequest) -> HttpResponse:
    """Change a sharing default (利益分享默认比例) from a day on; the rows are listed and exported on /parks/."""
    if not scope_of(request.user).can_change_rules:
        raise PermissionDenied(_("只有市级管理员可以调整利益分享默认比例"))
    # Key kind:class, with :contribution where the policy distinguishes the host's input.
    latest = {":".join(filter(None, (p.kind, p.relocation_class or "", p.host_contribution))) if p.host_contribution
              else f"{p.kind}:{p.relocation_class}": p
              for p in SharingPolicy.objects.order_by("effective_from", "pk")}  # fmt: skip
    form = PolicyChangeForm(request.POST or None, rules=[(key, str(p)) for key, p in sorted(latest.items())])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = project_services.policy_change(actor=request.user, policy=latest[data["rule"]],
                                                 from_date=data["from_date"], values=form.values(),
                                                 reason=data["reason"])  # fmt: skip
        except ValidationError as exc:
            _errors_attach(form, exc, {"cooperating_bp": "cooperating_percent", "host_bp": "host_percent"})
        else:
            messages.success(request, _("已调整：%(policy)s，原比例在前一日结束") % {"policy": str(row)})
            return redirect("parks:index")
    return render(request, "sharing/policy_change.html", {"form": form})


# ---------------------------------------------------------------- provisional quarters and the annual true-up

TRUE_UP_COLUMNS = (
    Column("代码", 12),
    Column("单位/园区", 24),
    Column("类别", 8),
    Column("一季度预结算（元）", 18, MONEY),
    Column("二季度预结算（元）", 18, MONEY),
    Column("三季度预结算（元）", 18, MONEY),
    Column("四季度预结算（元）", 18, MONEY),
    Column("预结算合计（元）", 18, MONEY),
    Column("年度清算（元）", 18, MONEY),
    Column("应补（+）/应退（−）（元）", 20, MONEY),
)


@login_required
@require_POST
def provisional(request: HttpRequest) -> HttpResponse:
    """Issue the quarter's provisional statement (季度预结算) as a background job (city administrator)."""
    return _start(request, "settle_provisional")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@chinese_documents(when=xlsx_requested)
def true_up(request: HttpRequest) -> HttpResponse:
    """A year's true-up (年终体制结算): the provisional quarters issued, and once the year is settled on
    confirmed data, each visible party's quarters, year and difference; the city administrator starts it."""
    if request.method == "POST":
        if request.user.role != Role.CITY_ADMIN:
            raise PermissionDenied(_("只有市级管理员可以进行年终体制结算"))
        try:
            year = parse.year(request.POST.get("year", ""))
        except parse.ParamError as exc:
            messages.error(request, str(exc))
            return redirect("sharing:true_up")
        job = job_start(actor=request.user, kind="true_up", params={"year": year})
        return redirect("jobs:detail", pk=job.pk)
    year = param(request.GET, "year", parse.year, timezone.localdate().year - 1)
    statement = TrueUpStatement.objects.filter(year=year).select_related("run", "created_by").first()
    rows = queries.true_up_rows(statement, request.user) if statement else []
    if request.GET.get("format") == "xlsx":
        if statement is None:
            raise Http404(_("%(year)s 年尚未进行年终体制结算") % {"year": year})
        export_record(actor=request.user, what="sharing.trueupstatement", filters={"year": str(year)},
                      description=f"{year}年", rows=len(rows))  # fmt: skip
        data = [[r.party.code, r.party.name, "承载地" if r.party.kind == "park" else "协作地",
                 *(_yuan(q) for q in r.quarters_fen), _yuan(r.provisional_fen), _yuan(r.year_fen),
                 _yuan(r.difference_fen)] for r in rows]  # fmt: skip
        data.append(["合计", "", "", *(_yuan(sum(r.quarters_fen[i] for r in rows)) for i in range(4)),
                     _yuan(sum(r.provisional_fen for r in rows)), _yuan(sum(r.year_fen for r in rows)),
                     _yuan(sum(r.difference_fen for r in rows))])  # fmt: skip
        data.append([f"摘要（SM3）：{statement.digest}；年度结算输入摘要：{statement.run.input_digest}",
                     *([None] * (len(TRUE_UP_COLUMNS) - 1))])  # fmt: skip
        return xlsx_table(what="年终体制结算单", columns=TRUE_UP_COLUMNS, rows=data, sheet="年终体制结算",
                          stem=f"年终体制结算-{year}", description=f"{year}年")  # fmt: skip
    return render(
        request,
        "sharing/true_up.html",
        {
            "year": year,
            "statement": statement,
            "rows": rows,
            "totals": {
                "quarters": [sum(r.quarters_fen[i] for r in rows) for i in range(4)],
                "provisional": sum(r.provisional_fen for r in rows),
                "year": sum(r.year_fen for r in rows),
                "difference": sum(r.difference_fen for r in rows),
            },
            "issued": queries.provisional_statements(year),
            "may_run": request.user.role == Role.CITY_ADMIN and statement is None,
            "period": periods.year(year),
        },
    )
