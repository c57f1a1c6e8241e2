"""Lead and site-visit pages: lists with filters, paging and Excel export, detail, forms and stage changes.

Thin views: the scoped object comes from queries.py, a form reads the typed text, one service writes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enclave import query_params as qp
from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.excel import export as excel_export
from enclave.i18n import chinese_documents
from enclave.leads import excel, services
from enclave.leads.filters import LeadFilter, VisitFilter
from enclave.leads.forms import (
    ORIGINS,
    FactForm,
    FileForm,
    LeadFilterForm,
    LeadForm,
    MoveForm,
    ShareForm,
    VisitForm,
)
from enclave.leads.models import Lead
from enclave.leads.pipeline import EventKind, Stage, StageError, missing_for, moves_available
from enclave.leads.queries import (
    lead_for_user_or_404,
    leads_visible_to,
    visit_for_user_or_404,
    visits_visible_to,
)
from enclave.leads.services import project_kind_for
from enclave.query_params import page_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def errors_attach(
    form: Form, exc: ValidationError | StageError, mapping: dict[str, str] | None = None
) -> None:
    """A service's errors at their field when the form has it, otherwise above the form."""
    if isinstance(exc, StageError) or not hasattr(exc, "error_dict"):
        form.add_error(None, [str(exc)] if isinstance(exc, StageError) else exc.messages)
        return
    for key, texts in exc.message_dict.items():
        field = (mapping or {}).get(key, key)
        if field in form.fields and not form.has_error(field):
            form.add_error(field, texts)
        else:
            form.add_error(None, texts)


def is_unit(user: Any) -> bool:
    return scope_of(user).role == Role.UNIT


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _leads(request: HttpRequest) -> tuple[LeadFilter, Any]:
    lead_filter = LeadFilter.from_params(request.GET)
    qs = lead_filter.apply(leads_visible_to(request.user), today=timezone.localdate())
    return lead_filter, qs.order_by("-contacted_on", "-pk")


@login_required
@require_safe
def lead_list(request: HttpRequest) -> HttpResponse:
    """Leads (招商线索) the user may see: filters, one page, export of every filtered row."""
    lead_filter, leads = _leads(request)
    page = Paginator(leads, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "leads/list.html",
        {
            "filter_form": LeadFilterForm(request.GET or None),
            "filter": lead_filter,
            "page_obj": page,
            "export_query": urlencode(lead_filter.as_params()),
            "may_create": is_unit(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_safe
@chinese_documents()
def lead_export(request: HttpRequest) -> HttpResponse:
    lead_filter, leads = _leads(request)
    rows = list(leads)
    now = timezone.now()
    description = lead_filter.describe()
    content = excel.leads_xlsx(rows, description=description, exported_at=now)
    services.leads_export_record(
        actor=request.user, filters=lead_filter.as_params(), description=description, rows=len(rows)
    )
    return xlsx_response(content, excel.export_filename("招商线索", now))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lead_create(request: HttpRequest) -> HttpResponse:
    if not is_unit(request.user):
        raise PermissionDenied(_("只有协作地单位可以登记招商线索"))
    form = LeadForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"contacted_on": timezone.localdate(), "owner": str(request.user.pk)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(
                actor=request.user, data=form.service_data(), contacted_on=form.cleaned_data["contacted_on"]
            )
        except ValidationError as exc:
            errors_attach(form, exc, LeadForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("线索“%(name)s”已登记。") % {"name": lead.enterprise_name})
            return redirect("leads:detail", pk=lead.pk)
    return render(request, "leads/form.html", {"form": form, "lead": None, "origins": ORIGINS})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = lead_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有该线索的招商单位可以修改线索"))
    lead = access.lead
    if request.method == "POST":
        form = LeadForm(request.POST, user=request.user, lead=lead)
    else:
        form = LeadForm(user=request.user, lead=lead, initial=LeadForm.initial_for(lead))
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(actor=request.user, lead=lead, data=form.service_data())
        except ValidationError as exc:
            errors_attach(form, exc, LeadForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("线索已保存。"))
            return redirect("leads:detail", pk=lead.pk)
    return render(request, "leads/form.html", {"form": form, "lead": lead, "origins": ORIGINS})


def _detail_context(request: HttpRequest, lead: Lead, may_edit: bool, **forms: Form) -> dict[str, Any]:
    today = timezone.localdate()
    stages = moves_available(lead.stage)
    facts = {
        "park_id": lead.park_id,
        "industry_id": lead.industry_id,
        "expected_investment_fen": lead.expected_investment_fen,
        "enterprise_id": lead.enterprise_id,
        "origin": lead.origin,
    }
    return {
        "lead": lead,
        "may_edit": may_edit,
        "events": lead.events.select_related("actor", "visit").order_by("on", "id"),
        "visits": lead.visits.select_related("park").order_by("visited_on"),
        "move_form": forms.get("move_form")
        or (MoveForm(stages=stages, initial={"on": today}) if stages else None),
        "fact_form": forms.get("fact_form") or FactForm(initial={"on": today}),
        "may_file": lead.stage in Stage.OPEN,
        "missing_for_filing": missing_for(Stage.FILED, facts),
        "overdue": lead.is_open and lead.next_step_on is not None and lead.next_step_on < today,
        "facts_open": [k for k in EventKind.FACTS if not getattr(lead, f"{k}_on")],
        "matches": _matches(request, lead, today),
        "shared_with": list(lead.shared_with.order_by("sort_order", "code")),
        "share_form": forms.get("share_form")
        or (
            ShareForm(
                lead=lead, initial={"shared_with": list(lead.shared_with.values_list("code", flat=True))}
            )
            if may_edit
            else None
        ),
    }


def _matches(request: HttpRequest, lead: Lead, today: Any) -> list[Any]:
    """Offers of the resource library that suit an open lead (land/matching.py), with their reasons."""
    from enclave.land.queries import resource_matches_for_lead

    return resource_matches_for_lead(request.user, lead, today=today) if lead.is_open else []


@login_required
@require_safe
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = lead_for_user_or_404(request.user, pk)
    return render(request, "leads/detail.html", _detail_context(request, access.lead, access.may_edit))


@login_required
@require_POST
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a lead to a later stage or drop it (dated, audited)."""
    access = lead_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有该线索的招商单位可以变更阶段"))
    lead = access.lead
    form = MoveForm(request.POST, stages=moves_available(lead.stage))
    if form.is_valid():
        try:
            services.lead_move(
                actor=request.user,
                lead=lead,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, StageError) as exc:
            errors_attach(form, exc)
        else:
            messages.success(
                request,
                _("线索阶段已更新为“%(stage)s”。") % {"stage": Stage.LABELS[form.cleaned_data["stage"]]},
            )
            return redirect("leads:detail", pk=lead.pk)
    lead.refresh_from_db()
    return render(
        request, "leads/detail.html", _detail_context(request, lead, True, move_form=form), status=422
    )


@login_required
@require_POST
def lead_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share the lead, read-only, with other units, or stop sharing it (audited)."""
    access = lead_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有该线索的招商单位可以共享线索"))
    lead = access.lead
    form = ShareForm(request.POST, lead=lead)
    if form.is_valid():
        try:
            services.lead_share(actor=request.user, lead=lead, units=form.cleaned_data["shared_with"])
        except ValidationError as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("线索的共享范围已保存。"))
            return redirect("leads:detail", pk=lead.pk)
    return render(
        request, "leads/detail.html", _detail_context(request, lead, True, share_form=form), status=422
    )


@login_required
@require_POST
def lead_fact(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the date of the investment agreement (签约) or the company registration (注册)."""
    access = lead_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有该线索的招商单位可以登记签约或注册"))
    lead = access.lead
    form = FactForm(request.POST)
    if form.is_valid():
        try:
            services.lead_fact_record(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect("leads:detail", pk=lead.pk)
    lead.refresh_from_db()
    return render(
        request, "leads/detail.html", _detail_context(request, lead, True, fact_form=form), status=422
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lead_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the lead into a project filing (a draft in the project workflow, carrying the lead's data)."""
    access = lead_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有该线索的招商单位可以将线索转为项目报备"))
    lead = access.lead
    initial = {
        "name": _("%(name)s项目") % {"name": lead.enterprise_name},
        "kind": project_kind_for(lead.origin_kind),
        "on": timezone.localdate(),
    }
    form = FileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_file(actor=request.user, lead=lead, **form.cleaned_data)
        except (ValidationError, StageError) as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("已生成项目报备草稿，请在项目页面核对后提交报备。"))
            return redirect("projects:detail", pk=lead.project_id)
    return render(request, "leads/file.html", {"form": form, "lead": lead})


# ---------------------------------------------------------------- site visits


def _visits(request: HttpRequest) -> tuple[VisitFilter, Any]:
    visit_filter = VisitFilter.from_params(request.GET)
    qs = visit_filter.apply(visits_visible_to(request.user)).prefetch_related("leads")
    return visit_filter, qs.order_by("-visited_on", "-pk")


@login_required
@require_safe
def visit_list(request: HttpRequest) -> HttpResponse:
    visit_filter, visits = _visits(request)
    page = Paginator(visits, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "leads/visit_list.html",
        {
            "filter": visit_filter,
            "page_obj": page,
            "export_query": urlencode(visit_filter.as_params()),
            "may_create": is_unit(request.user),
            "parks": LeadFilterForm().fields["park"].choices,
        },
    )


@login_required
@require_safe
@chinese_documents()
def visit_export(request: HttpRequest) -> HttpResponse:
    visit_filter, visits = _visits(request)
    rows = list(visits)
    now = timezone.now()
    description = visit_filter.describe()
    content = excel.visits_xlsx(rows, description=description, exported_at=now)
    services.leads_export_record(
        actor=request.user,
        filters=visit_filter.as_params(),
        description=description,
        rows=len(rows),
        what="leads.visit",
    )
    return xlsx_response(content, excel.export_filename("投资考察团", now))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    if not is_unit(request.user):
        raise PermissionDenied(_("只有协作地单位可以登记投资考察团"))
    form = VisitForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_create(actor=request.user, data=form.cleaned_data)
        except (ValidationError, StageError) as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("考察团已登记，参加的线索已更新为“已考察”。"))
            return redirect("leads:visit_detail", pk=visit.pk)
    return render(request, "leads/visit_form.html", {"form": form, "visit": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = visit_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有组织单位可以修改考察团"))
    visit = access.visit
    if request.method == "POST":
        form = VisitForm(request.POST, user=request.user)
    else:
        form = VisitForm(
            user=request.user,
            initial={
                "title": visit.title,
                "visited_on": visit.visited_on,
                "park": visit.park.code,
                "subpark": str(visit.subpark_id or ""),
                "leads": [str(pk) for pk in visit.leads.values_list("pk", flat=True)],
                "outcome": visit.outcome,
            },
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_update(actor=request.user, visit=visit, data=form.cleaned_data)
        except (ValidationError, StageError) as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("考察团已保存。"))
            return redirect("leads:visit_detail", pk=visit.pk)
    return render(request, "leads/visit_form.html", {"form": form, "visit": visit})


@login_required
@require_safe
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = visit_for_user_or_404(request.user, pk)
    leads = leads_visible_to(request.user).filter(visits=access.visit).order_by("enterprise_name")
    return render(
        request,
        "leads/visit_detail.html",
        {"visit": access.visit, "may_edit": access.may_edit, "leads": leads},
    )


# ---------------------------------------------------------------- needs attention and the funnel


@login_required
@require_safe
@chinese_documents(when=lambda request: request.GET.get("format") == "xlsx")
def attention(request: HttpRequest) -> HttpResponse:
    """Overdue lead next steps and sub-park milestones the user may see (需关注事项); ?format=xlsx exports."""
    from enclave.leads import digest
    from enclave.leads.attention import attention_items

    today = timezone.localdate()
    kind = qp.choice(request.GET, "kind", ("lead", "milestone"))
    mine = qp.flag(request.GET, "mine")
    items = attention_items(request.user, today=today, kind=kind, mine=mine)
    params = {k: v for k, v in (("kind", kind), ("mine", "1" if mine else "")) if v}
    if request.GET.get("format") == "xlsx":
        content = digest.digest_xlsx(items, today=today, who=str(request.user.display_scope))
        services.leads_export_record(
            actor=request.user,
            filters=params,
            description="需关注事项",
            rows=len(items),
            what="leads.attention",
        )
        return xlsx_response(content, excel.export_filename("需关注事项", timezone.now()))
    page = Paginator(items, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "leads/attention.html",
        {
            "page_obj": page,
            "kind": kind,
            "mine": mine,
            "export_query": urlencode({**params, "format": "xlsx"}),
        },
    )


def _funnel(request: HttpRequest) -> dict[str, Any]:
    """The funnel's filters (unit, park, sub-park, period) from the query and the scoped funnel they give."""
    from enclave.leads.filters import code_param, date_param, id_param
    from enclave.leads.funnel import PAIRS
    from enclave.leads.queries import funnel_for

    unit, park = code_param(request.GET, "unit"), code_param(request.GET, "park")
    subpark = id_param(request.GET, "subpark")
    start, end = date_param(request.GET, "from"), date_param(request.GET, "to")
    result = funnel_for(
        request.user, unit_code=unit or None, park_code=park or None, subpark_id=subpark, start=start, end=end
    )
    rows = []
    for stage, label in Stage.CHOICES:
        nxt = next((f"{a}→{b}" for a, b in PAIRS if a == stage), None)
        rows.append(
            {
                "label": label,
                "count": result.counts[stage],
                "next": Stage.LABELS[nxt.split("→")[1]] if nxt else "",
                "rate": None
                if not nxt or result.conversion_bp[nxt] is None
                else result.conversion_bp[nxt] / 100,
                "rate_bp": result.conversion_bp[nxt] if nxt else None,
                "days": result.median_days[nxt] if nxt else None,
            }
        )
    params = {
        "unit": unit, "park": park, "subpark": str(subpark) if subpark else "",
        "from": start.isoformat() if start else "", "to": end.isoformat() if end else "",
    }  # fmt: skip
    return {
        "rows": rows, "funnel": result, "unit": unit, "park": park, "subpark": subpark, "start": start, "end": end,
        "params": {k: v for k, v in params.items() if v},
        "overall": result.conversion_bp["contacted→filed"], "overall_days": result.median_days["contacted→filed"],
    }  # fmt: skip


def _funnel_describe(request: HttpRequest, found: dict[str, Any]) -> str:
    from enclave.land.queries import subparks_visible_to
    from enclave.parks.models import Park, Unit

    parts = []
    if found["unit"]:
        unit = Unit.objects.filter(code=found["unit"]).first()
        parts.append(_("招商单位：%(value)s") % {"value": unit.name if unit else found["unit"]})
    if found["park"]:
        park = Park.objects.filter(code=found["park"]).first()
        parts.append(_("目标园区：%(value)s") % {"value": park.short_name if park else found["park"]})
    if found["subpark"]:
        subpark = subparks_visible_to(request.user).filter(pk=found["subpark"]).first()
        parts.append(_("目标园中园：%(value)s") % {"value": subpark.name if subpark else found["subpark"]})
    if found["start"] or found["end"]:
        parts.append(
            _("期间：%(start)s 至 %(end)s")
            % {"start": found["start"] or _("不限"), "end": found["end"] or _("不限")}
        )
    return _("；").join(parts) if parts else _("全部")


@login_required
@require_safe
def funnel(request: HttpRequest) -> HttpResponse:
    """The recruitment funnel of a unit, a park, a sub-park or the city over a period (from the stage events)."""
    from enclave.land.queries import subparks_visible_to

    found = _funnel(request)
    return render(
        request,
        "leads/funnel.html",
        {
            **found, "export_query": urlencode(found["params"]),
            "units": LeadFilterForm().fields["unit"].choices, "parks": LeadFilterForm().fields["park"].choices,
            "subparks": subparks_visible_to(request.user).order_by("name"),
        },
    )  # fmt: skip


@login_required
@require_safe
@chinese_documents()
def funnel_export(request: HttpRequest) -> HttpResponse:
    """The funnel as the page shows it (same filters, same scope): one row per stage, then the totals."""
    found = _funnel(request)
    description = _funnel_describe(request, found)
    result = found["funnel"]
    rows = [
        [str(r["label"]), r["count"], str(r["next"]), excel.percent_of_bp(r["rate_bp"]), r["days"]]
        for r in found["rows"]
    ]
    rows += [
        [
            "接洽到转项目",
            None,
            str(Stage.LABELS["filed"]),
            excel.percent_of_bp(found["overall"]),
            found["overall_days"],
        ],
        ["签订投资协议", result.counts["signed"], "", None, None],
        ["注册企业", result.counts["registered"], "", None, None],
        ["投资考察团（次）", result.visits, "", None, None],
        ["考察团参加企业（家）", result.visit_enterprises, "", None, None],
    ]
    now = timezone.now()
    title = excel_export.export_title("招商漏斗", description=description, exported_at=now)
    content = excel_export.workbook_bytes(
        excel_export.workbook_build(title=title, columns=excel.FUNNEL_COLUMNS, rows=rows, sheet="招商漏斗")
    )
    services.leads_export_record(
        actor=request.user,
        filters=found["params"],
        description=description,
        rows=len(rows),
        what="leads.funnel",
    )
    return xlsx_response(content, excel.export_filename("招商漏斗", now))
