"""Assessment pages: thin views over assessment.queries (reads) and assessment.services (writes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl import Workbook

from enclave import query_params as qp
from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.assessment import excel, fetch, queries, services
from enclave.assessment.forms import ConfirmForm, DeductionForm, RemarkForm, RunForm, TargetForm, TierForm
from enclave.assessment.models import COUNT_SOURCES, AssessmentRun, BonusRule, ScoringItem, Source
from enclave.audit.models import Event, Verb
from enclave.audit.services import event_record
from enclave.excel.export import (
    Column,
    export_filename,
    export_title,
    sheet_fill,
    workbook_bytes,
    xlsx_response,
    xlsx_table,
)
from enclave.excel.services import export_record
from enclave.i18n import chinese_documents, xlsx_requested
from enclave.lib import params as parse
from enclave.lib.money import FEN_PER_WAN, fen_to_decimal
from enclave.parks.models import Park, Unit
from enclave.query_params import page_number, param
from enclave.sharing import basis


def _export_audit(request: HttpRequest, what: str, description: str) -> None:
    actor = request.user if request.user.is_authenticated else None
    event_record(actor=actor, verb=Verb.EXPORT, object_type=what, object_repr=description[:200],
                 after={"filter": description})  # fmt: skip


def _points(centi: int | None) -> Decimal | None:
    return None if centi is None else Decimal(centi) / 100


def _errors_attach(form: Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _require_city(request: HttpRequest) -> None:
    if not scope_of(request.user).is_city:
        raise PermissionDenied(_("该页面仅市级用户可见"))


def _runs(request: HttpRequest) -> tuple[str, Any]:
    """The runs the user may see, newest first, filtered by the page's period."""
    runs = queries.runs_visible_to(request.user)
    period = getattr(param(request.GET, "period", parse.period), "label", "")
    if period:
        runs = runs.filter(period=period)
    return period, runs.order_by("-period", "-created_at", "-id")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Runs the user may see, newest first, filtered by period; the city administrator starts a run here."""
    period, runs = _runs(request)
    page = Paginator(runs, 20).get_page(page_number(request))
    may_run = request.user.role == Role.CITY_ADMIN
    return render(
        request,
        "assessment/index.html",
        {"page_obj": page, "period": period, "form": RunForm() if may_run else None, "may_run": may_run,
         "export_query": urlencode({"period": period} if period else {})},
    )  # fmt: skip


@login_required
@require_safe
@chinese_documents()
def runs_export(request: HttpRequest) -> HttpResponse:
    """Every run of the filtered list (all pages), as the list shows them to this user."""
    period, runs = _runs(request)
    rows = [excel.run_row(r) for r in runs]
    description = f"期间：{period}" if period else "全部"
    export_record(actor=request.user, what="assessment.run", filters={"period": period} if period else {},
                  description=description, rows=len(rows))  # fmt: skip
    return xlsx_table(what="考核运行", columns=excel.RUN_COLUMNS, rows=rows, sheet="考核运行",
                      stem="考核运行", description=description)  # fmt: skip


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Compute a run (a few hundred units at most: done in the request, no job needed)."""
    if request.user.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市发展改革委（市级管理员）可以运行考核"))
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            outcome = services.assessment_run(
                actor=request.user,
                period=form.cleaned_data["period"],
                provisional=form.cleaned_data["provisional"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _errors_attach(form, exc)
        else:
            if outcome.created:
                messages.success(request, _("已完成 %(period)s 考核") % {"period": outcome.run.period})
            else:
                messages.info(request, _("输入未变化，沿用已有的考核结果"))
            return redirect("assessment:run", pk=outcome.run.pk)
    page = Paginator(queries.runs_visible_to(request.user), 20).get_page(1)
    return render(
        request,
        "assessment/index.html",
        {"page_obj": page, "period": "", "form": form, "may_run": True},
    )


@login_required
@chinese_documents(when=xlsx_requested)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Ranking tables per tier and city-wide, with each unit's scores of past quarters as sparklines."""
    run = queries.run_for_user_or_404(request.user, pk)
    rows = queries.results(run)
    if request.GET.get("format") == "xlsx":
        event_record(actor=request.user, verb=Verb.EXPORT, target=run, after={"period": run.period})
        stamp = timezone.localtime()
        response = HttpResponse(
            excel.run_workbook(
                run, rows, hide=set() if scope_of(request.user).is_city else {Source.SHARED_TAX}
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''assessment-{run.period}-{run.pk}-{stamp:%Y%m%d-%H%M}.xlsx"
        )
        return response
    labels, series = queries.history(request.user, run)
    tiers = [(tier, [r for r in rows if r.tier == tier.value]) for tier in Unit.Tier]
    tiers = [
        (tier, sorted(rs, key=lambda r: (r.rank_in_tier, r.unit.sort_order))) for tier, rs in tiers if rs
    ]
    scope = scope_of(request.user)
    return render(
        request,
        "assessment/run.html",
        {
            "run": run,
            "rows": rows,
            "tiers": tiers,
            "sparklines": {"labels": labels, "series": series},
            "may_publish": request.user.role == Role.CITY_ADMIN
            and run.status == AssessmentRun.DRAFT
            and not run.provisional,
            "detail_for": {r.unit.code for r in rows if queries.may_see_details(request.user, r.unit)},
            "is_city": scope.is_city,
        },
    )


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = queries.run_for_user_or_404(request.user, pk)
    if request.user.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市发展改革委（市级管理员）可以发布考核结果"))
    try:
        services.assessment_publish(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
    else:
        messages.success(request, _("已发布 %(period)s 考核结果") % {"period": run.period})
    return redirect("assessment:run", pk=run.pk)


@login_required
def unit_result(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A unit's result: what it achieved, what is missing to each target, and the project-months behind it."""
    run = queries.run_for_user_or_404(request.user, pk)
    result = queries.unit_result_for_user_or_404(request.user, run, code)
    indicators = list(result.indicators.all())
    contributions = queries.drilldown(result)
    return render(
        request,
        "assessment/unit.html",
        {
            "run": run,
            "result": result,
            "rows": [(ind, contributions.get(ind.pk, [])) for ind in indicators],
            "deductions": queries.deductions_visible_to(request.user).filter(
                unit=result.unit, period=run.period
            ),
            "basis_label": basis.ASSESSMENT_LABEL,
        },
    )


@login_required
@require_safe
@chinese_documents()
def unit_export(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One unit's result as its page shows it: the indicators with their gaps and the scores (one sheet),
    the project-months behind each indicator (another). Only for whom the page is (same 404s)."""
    run = queries.run_for_user_or_404(request.user, pk)
    result = queries.unit_result_for_user_or_404(request.user, run, code)
    indicators = list(result.indicators.all())
    rows = excel.result_rows(result, indicators)
    details = excel.contribution_rows(indicators, queries.drilldown(result))
    state = run.get_status_display() + ("·临时结果" if run.provisional else "")
    description = (f"单位：{result.unit.name}；期间：{run.period}；{state}；第{run.pk}次运行；"
                   f"全市排名 {result.rank}，类内排名 {result.rank_in_tier}")  # fmt: skip
    now = timezone.now()
    wb = Workbook()
    wb.active.title = "完成情况与差距"
    sheet_fill(wb.active, title=export_title(f"考核结果（{basis.ASSESSMENT_LABEL}）", description=description, exported_at=now),
               columns=excel.RESULT_COLUMNS, rows=rows)  # fmt: skip
    sheet_fill(wb.create_sheet("指标明细"), title=export_title(f"指标明细：项目与月份（{basis.ASSESSMENT_LABEL}）", description=description,
               exported_at=now), columns=excel.CONTRIBUTION_COLUMNS, rows=details)  # fmt: skip
    export_record(actor=request.user, what="assessment.unitresult", filters={"run": str(run.pk), "unit": code},
                  description=description, rows=len(rows) + len(details))  # fmt: skip
    return xlsx_response(
        workbook_bytes(wb), export_filename(f"考核结果-{result.unit.short_name}-{run.period}", now)
    )


def _target_year(request: HttpRequest) -> int:
    return param(request.GET, "year", parse.year, default=timezone.localdate().year)


def _target_tables(year: int) -> list[tuple[Any, str, tuple[int, ...], list[Any], int]]:
    """Per tier and kind (quarter, year): the scoring items in force with their targets, defaults marked."""
    schemes = {kind: fetch.schemes_in_force(year, kind) for kind in ("quarter", "year")}
    item_default: dict[tuple[str, str, str], bool] = {}
    for tier_, kind_, source_, is_default in (
        ScoringItem.objects.filter(effective_from__lte=year)
        .order_by("effective_from", "id")
        .values_list("tier", "period_kind", "source", "is_default")
    ):
        item_default[(tier_, kind_, source_)] = is_default  # the row in force decides
    target_rows = {q: fetch.target_rows_in_force(year, q) for q in range(5)}
    tables = []
    for tier in Unit.Tier:
        for kind, quarters in (("quarter", (1, 2, 3, 4)), ("year", (0,))):
            items = schemes[kind].get(tier.value, ())
            lines = []
            for item in items:
                cells = [target_rows[q].get((tier.value, item.source)) for q in quarters]
                is_default = item_default.get((tier.value, kind, item.source), False) or any(
                    c is not None and c.is_default for c in cells
                )
                lines.append((item, Source(item.source).label, cells, is_default))
            tables.append((tier, kind, quarters, lines, sum(i.weight for i in items)))
    return tables


def _targets_page(request: HttpRequest, year: int, form: TargetForm | None = None) -> HttpResponse:
    may_change = request.user.role == Role.CITY_ADMIN
    if may_change and form is None:
        form = TargetForm(initial={"effective_from": year})
    return render(
        request,
        "assessment/targets.html",
        {
            "year": year,
            "tables": _target_tables(year),
            "form": form if may_change else None,
            "may_edit": may_change and request.user.is_staff,
        },
    )


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """Scoring items and targets in force for a year, defaults marked; the city administrator changes a
    target here (a new row from a year on, with its reason)."""
    return _targets_page(request, _target_year(request))


@login_required
@require_safe
@chinese_documents()
def targets_export(request: HttpRequest) -> HttpResponse:
    """The year's scoring items and targets (published policy: the same for every signed-in user)."""
    year = _target_year(request)
    rows = excel.target_rows(_target_tables(year))
    description = f"{year}年度"
    export_record(actor=request.user, what="assessment.target", filters={"year": str(year)},
                  description=description, rows=len(rows))  # fmt: skip
    return xlsx_table(what="考核指标与目标", columns=excel.TARGET_COLUMNS, rows=rows, sheet="考核指标与目标",
                      stem=f"考核指标与目标-{year}", description=description)  # fmt: skip


@login_required
@require_POST
def target_change(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市发展改革委（市级管理员）可以调整考核目标"))
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.target_change(
                actor=request.user, tier=data["tier"], source=data["source"], quarter=data["quarter"],
                effective_from=data["effective_from"], value=data["value"], reason=data["reason"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors_attach(form, exc)
        else:
            messages.success(
                request,
                _("已调整考核目标，自%(year)s年起生效；原目标保留在调整记录中")
                % {"year": row.effective_from},
            )
            return redirect(f"{_url('assessment:targets')}?year={row.effective_from}")
    year = form.cleaned_data.get("effective_from") if hasattr(form, "cleaned_data") else None
    return _targets_page(request, year if isinstance(year, int) else timezone.localdate().year, form)


TARGET_HISTORY_COLUMNS = (
    Column("考核分类", 20), Column("指标", 30), Column("期间", 8), Column("起始年度", 10, "0"),
    Column("目标值（个或万元）", 16, "#,##0.00"), Column("来源", 14), Column("调整原因或说明", 40), Column("调整人", 14),
    Column("调整时间", 18, "yyyy-mm-dd hh:mm"),
)  # fmt: skip


@login_required
@chinese_documents(when=xlsx_requested)
def target_history(request: HttpRequest) -> HttpResponse:
    """Every target row, defaults and the city's changes with who, when and why (nothing is overwritten)."""
    tier = qp.choice(request.GET, "tier", Unit.Tier.values)
    source = qp.choice(request.GET, "source", Source.values)
    quarter = str(param(request.GET, "quarter", parse.quarter, default=""))
    rows = queries.target_history(tier=tier, source=source, quarter=quarter)
    if request.GET.get("format") == "xlsx":
        description = "、".join(f for f in (tier, source, quarter) if f) or "全部"
        data = [[t.get_tier_display(), t.get_source_display(), t.get_quarter_display(), t.effective_from,
                 t.value if t.source in COUNT_SOURCES else fen_to_decimal(t.value, FEN_PER_WAN),
                 "系统默认值" if t.is_default else "市发展改革委调整", t.reason or t.note,
                 str(t.created_by or ""), t.created_at] for t in rows]  # fmt: skip
        export_record(actor=request.user, what="assessment.target", filters={"tier": tier, "source": source,
                      "quarter": quarter}, description=description, rows=len(data))  # fmt: skip
        return xlsx_table(what="考核目标调整记录", columns=TARGET_HISTORY_COLUMNS, rows=data, sheet="目标调整记录",
                          stem="考核目标调整记录", description=description)  # fmt: skip
    page = Paginator(rows, 50).get_page(page_number(request))
    return render(
        request,
        "assessment/target_history.html",
        {"page_obj": page, "tier": tier, "source": source, "quarter": quarter, "tiers": Unit.Tier.choices,
         "sources": Source.choices},
    )  # fmt: skip


TIER_HISTORY_COLUMNS = (
    Column("单位", 24), Column("考核分类", 24), Column("生效日期", 12, "yyyy-mm-dd"), Column("来源", 14),
    Column("调整原因", 40), Column("调整人", 14), Column("调整时间", 18, "yyyy-mm-dd hh:mm"),
)  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@chinese_documents(when=xlsx_requested)
def tiers(request: HttpRequest) -> HttpResponse:
    """Units' tiers on a day and every dated change; the city administrator moves a unit from a quarter on."""
    may_change = request.user.role == Role.CITY_ADMIN
    form = TierForm(request.POST or None) if may_change else None
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(_("只有市发展改革委（市级管理员）可以调整单位的考核分类"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.unit_tier_change(
                    actor=request.user, unit=data["unit"], tier=data["tier"], valid_from=data["valid_from"],
                    reason=data["reason"],
                )  # fmt: skip
            except ValidationError as exc:
                _errors_attach(form, exc)
            else:
                messages.success(request, _("已调整考核分类；此前的期间仍按原分类考核"))
                return redirect("assessment:tiers")
    day = param(request.GET, "on", parse.day, default=timezone.localdate())
    unit = param(request.GET, "unit", parse.code, default="")
    history = queries.tier_history(unit=unit)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        data = [[r.unit.name, str(r.get_tier_display()), r.valid_from, "系统默认值" if r.is_default else "市发展改革委调整",
                 r.reason, str(r.created_by or ""), r.created_at] for r in history]  # fmt: skip
        export_record(actor=request.user, what="parks.unittier", filters={"unit": unit}, description=unit or "全部",
                      rows=len(data))  # fmt: skip
        return xlsx_table(what="单位考核分类调整记录", columns=TIER_HISTORY_COLUMNS, rows=data, sheet="分类调整记录",
                          stem="单位考核分类调整记录", description=unit or "全部")  # fmt: skip
    page = Paginator(history, 50).get_page(page_number(request))
    return render(
        request,
        "assessment/tiers.html",
        {"day": day, "lines": queries.tiers_on(day), "page_obj": page, "unit": unit, "form": form,
         "units": Unit.objects.filter(is_active=True)},
    )  # fmt: skip


DEDUCTION_COLUMNS = (
    Column("期间", 10), Column("单位", 20), Column("类型", 10), Column("扣分", 8, "0.00"), Column("原因", 40),
    Column("录入人", 14), Column("录入时间", 18, "yyyy-mm-dd hh:mm"),
)  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@chinese_documents(when=xlsx_requested)
def deductions(request: HttpRequest) -> HttpResponse:
    """Deductions and vetoes (扣分及否决事项): the city reads them, the city administrator records them."""
    _require_city(request)
    period = getattr(param(request.GET, "period", parse.period), "label", "")
    rows = queries.deductions_visible_to(request.user).order_by("-created_at")
    if period:
        rows = rows.filter(period=period)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        _export_audit(request, "assessment.deduction", period or "全部")
        data = [[d.period, d.unit.name, d.get_kind_display(), _points(d.points_centi), d.reason, str(d.created_by),
                 d.created_at] for d in rows]  # fmt: skip
        return xlsx_table(what="扣分及否决事项", columns=DEDUCTION_COLUMNS, rows=data, sheet="扣分及否决",
                          stem="扣分及否决事项", description=period or "全部")  # fmt: skip
    form = DeductionForm(request.POST or None)
    if request.method == "POST":
        if request.user.role != Role.CITY_ADMIN:
            raise PermissionDenied(_("只有市发展改革委（市级管理员）可以录入扣分或否决事项"))
        if form.is_valid():
            try:
                services.deduction_create(
                    actor=request.user, unit=form.cleaned_data["unit"], period=form.cleaned_data["period"],
                    kind=form.cleaned_data["kind"], points_centi=form.points_centi(), reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except ValidationError as exc:
                _errors_attach(form, exc)
            else:
                messages.success(request, _("已录入；重新运行该期间的考核后生效"))
                return redirect("assessment:deductions")
    page = Paginator(rows, 20).get_page(page_number(request))
    return render(
        request,
        "assessment/deductions.html",
        {"form": form, "page_obj": page, "period": period, "may_edit": request.user.role == Role.CITY_ADMIN},
    )


def _year(request: HttpRequest) -> int:
    query = request.GET if request.GET.get("year") else request.POST
    return param(query, "year", parse.year, default=timezone.localdate().year - 1)


BONUS_COLUMNS = (
    Column("单位", 20), Column("认定项目数", 10, "0"), Column("建议加分", 10, "0.00"), Column("确认加分", 10, "0.00"),
    Column("状态", 10), Column("调整原因", 30), Column("行业主管部门意见", 40),
)  # fmt: skip


@login_required
@chinese_documents(when=xlsx_requested)
def bonus_list(request: HttpRequest) -> HttpResponse:
    """The year's bonus proposals and their state; the DRC drafts them from here."""
    _require_city(request)
    year = _year(request)
    proposals = queries.proposals_visible_to(request.user).filter(year=year).prefetch_related("remarks")
    if request.GET.get("format") == "xlsx":
        _export_audit(request, "assessment.bonusproposal", str(year))
        data = [[p.unit.name, len(p.basis), _points(p.drafted_centi), _points(p.final_centi), p.get_status_display(),
                 p.decision_reason, "；".join(f"{r.bureau}：{r.text}" for r in p.remarks.all())]
                for p in proposals]  # fmt: skip
        return xlsx_table(what=f"{year}年度加分建议", columns=BONUS_COLUMNS, rows=data, sheet="加分建议",
                          stem=f"加分建议-{year}")  # fmt: skip
    return render(
        request,
        "assessment/bonus_list.html",
        {"year": year, "proposals": proposals, "may_draft": request.user.role == Role.CITY_ADMIN,
         "rule": BonusRule.objects.filter(effective_from__lte=year).order_by("-effective_from").first()},
    )  # fmt: skip


@login_required
@require_POST
def bonus_draft(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.CITY_ADMIN:
        raise PermissionDenied(_("只有市发展改革委（市级管理员）可以提出加分建议"))
    year = _year(request)
    try:
        drafted = services.bonus_draft(actor=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
    else:
        messages.success(request, _("已按加分规则生成 %(n)s 个单位的加分建议") % {"n": len(drafted)})
    return redirect(f"{_url('assessment:bonus')}?year={year}")


def _url(name: str, **kwargs: object) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bonus_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One proposal: its basis, the bureaus' remarks, the office's decision — and the forms for each step."""
    proposal = get_object_or_404(queries.proposals_visible_to(request.user), pk=pk)
    remark_form, confirm_form = RemarkForm(), ConfirmForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "remark":
                remark_form = RemarkForm(request.POST)
                if remark_form.is_valid():
                    services.bonus_remark(
                        actor=request.user, proposal=proposal, text=remark_form.cleaned_data["text"]
                    )
                    messages.success(request, _("已提交意见"))
                    return redirect("assessment:bonus_detail", pk=pk)
            elif action == "confirm":
                confirm_form = ConfirmForm(request.POST)
                if confirm_form.is_valid():
                    services.bonus_confirm(
                        actor=request.user, proposal=proposal, points_centi=confirm_form.points_centi(),
                        reason=confirm_form.cleaned_data["reason"],
                    )  # fmt: skip
                    messages.success(request, _("已确认加分"))
                    return redirect("assessment:bonus_detail", pk=pk)
            else:
                raise PermissionDenied(_("未知的操作"))
        except ValidationError as exc:
            _errors_attach(remark_form if action == "remark" else confirm_form, exc)
    user = request.user
    return render(
        request,
        "assessment/bonus_detail.html",
        {
            "proposal": proposal,
            "remarks": proposal.remarks.select_related("author"),
            "trail": Event.objects.filter(object_type="assessment.bonusproposal", object_id=str(proposal.pk))
            .select_related("actor")
            .order_by("at", "id"),
            "remark_form": remark_form,
            "confirm_form": confirm_form,
            "may_remark": not proposal.is_decided and user.has_perm("assessment.remark_bonus"),
            "may_confirm": not proposal.is_decided
            and user.has_perm("assessment.confirm_bonus")
            and proposal.drafted_by_id != user.pk,
        },
    )


# ---------------------------------------------------------------- public page (no login)


PUBLIC_COLUMNS = (
    Column("企业", 30), Column("项目名称", 30), Column("承载园区", 20), Column("协作地单位", 24), Column("所属行业", 24),
    Column("计划总投资（万元）", 16, "#,##0.00"), Column("认定日期", 12, "yyyy-mm-dd"),
)  # fmt: skip


@chinese_documents(when=xlsx_requested)
def public_results(request: HttpRequest) -> HttpResponse:
    """Recognised cooperation projects (public fields) and published assessment results (公开透明).

    Open to everyone, signed in or not. A unit's shared-tax figure is left out when any of its unit–park cells
    of the period has fewer than three enterprises (it would reveal one enterprise's tax)."""
    park = param(request.GET, "park", parse.code, default="")
    unit = param(request.GET, "unit", parse.code, default="")
    year = param(request.GET, "year", parse.year)
    projects = queries.public_filter(queries.public_projects(), park=park, unit=unit, year=year)
    if request.GET.get("format") == "xlsx":
        description = "、".join(str(f) for f in (park, unit, year) if f) or "全部"
        _export_audit(request, "public.projects", description)
        data = [[p.enterprise.name, p.name, p.park.short_name,
                 "、".join([p.filing_unit.name, *(u.name for u in p.partner_units.all())]),
                 f"{p.industry.code} {p.industry.name}", fen_to_decimal(p.planned_investment_fen, FEN_PER_WAN),
                 p.recognised_on] for p in projects]  # fmt: skip
        return xlsx_table(what="已认定协作项目（公开）", columns=PUBLIC_COLUMNS, rows=data, sheet="已认定协作项目",
                          stem="已认定协作项目", description=description)  # fmt: skip
    page = Paginator(projects, 20).get_page(page_number(request))
    published = list(queries.published_runs())
    chosen = getattr(param(request.GET, "period", parse.period), "label", "")
    run = next((r for r in published if r.period == chosen), published[0] if published else None)
    public_rows, tax_parks = [], []
    if run is not None:
        cells = queries.tax_cells(run.period)
        publishable = queries.tax_publishable(cells)
        by_cell = {(c.unit_code, c.park_code): c for c in cells}
        tax_parks = list(Park.objects.filter(code__in={c.park_code for c in cells}))
        for result in queries.results(run):
            code = result.unit.code
            tax = (
                sum(c.amount_fen for c in cells if c.unit_code == code)
                if any(c.unit_code == code for c in cells)
                else None
            )
            public_rows.append(
                {
                    "result": result,
                    "tax": tax,
                    "tax_hidden": not publishable.get(code, True),
                    "cells": [by_cell.get((code, p.code)) for p in tax_parks],
                }
            )
    return render(
        request,
        "assessment/public.html",
        {
            "page_obj": page,
            "park": park,
            "unit": unit,
            "year": year or "",
            "parks": Park.objects.filter(is_active=True),
            "units": Unit.objects.filter(is_active=True),
            "published": published,
            "run": run,
            "public_rows": public_rows,
            "tax_parks": tax_parks,
        },
    )
