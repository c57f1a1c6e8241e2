"""Project pages: library, detail, filing form, review actions, recognition, conflicts, first-contact claims.

Thin views: get the scoped object from queries.py, read the form, call one service, then redirect or
render. Which rows a user sees is decided in queries.py, what may change in services.py and workflow.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, QuerySet, Sum
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.audit.models import Event, Verb
from enclave.audit.services import event_record
from enclave.excel.export import Column, xlsx_table
from enclave.i18n import chinese_documents, joined, wan, xlsx_requested, yi
from enclave.projects import excel, queries, services
from enclave.projects.filters import ProjectFilter
from enclave.projects.forms import (
    EVIDENCE_TYPES,
    ORIGINS,
    ActionForm,
    ClaimForm,
    ConflictResolveForm,
    LibraryFilterForm,
    ProjectForm,
    RecogniseForm,
)
from enclave.projects.history import event_rows
from enclave.projects.models import Agreement, Conflict, Project
from enclave.projects.workflow import TRANSITIONS, Status, TransitionError, actions_available
from enclave.query_params import page_number
from enclave.sharing.fetch import agreement_months
from enclave.sharing.queries import investment_progress

# Pending work first (not yet recognised, newest filing first), then recognised projects, newest first.
LIBRARY_ORDER = (F("recognised_on").desc(nulls_first=True), F("filed_on").desc(nulls_first=True), "-id")
REVIEW_ACTIONS = {
    "start_review": services.project_start_review,
    "return": services.project_return,
    "reject": services.project_reject,
    "close": services.project_close,
}


def _errors_attach(form: Form, exc: ValidationError, mapping: dict[str, str] | None = None) -> None:
    """Put a service's errors on the form: known keys at their field, anything else above the form.

    A field that already shows an error (it could not even be read) keeps that one.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, texts in exc.message_dict.items():
        field = (mapping or {}).get(key, key)
        if field not in form.fields:
            form.add_error(None, texts)
        elif not form.has_error(field):
            form.add_error(field, texts)


def _messages_text(exc: ValidationError) -> str:
    return _("；").join(exc.messages)


def _may_take(user: Any, project: Project, action: str) -> bool:
    """The workflow table allows the action for the role and status, and the project is in the user's remit."""
    role = scope_of(user).role
    allowed = {t.action for t in actions_available(status=project.status, role=role)}
    return action in allowed and queries.project_may_act(user, project, action)


def _unit_user_or_403(user: Any) -> None:
    if scope_of(user).role != Role.UNIT:
        raise PermissionDenied(_("只有协作地单位可以报备项目或登记首谈"))


# ---------------------------------------------------------------- library and export


def _library_queryset(request: HttpRequest) -> tuple[ProjectFilter, QuerySet[Project]]:
    project_filter = ProjectFilter.from_params(request.GET)
    projects = project_filter.apply(queries.projects_visible_to(request.user))
    return project_filter, projects


def _full_ids(user: Any, projects: QuerySet[Project] | list[Project]) -> set[int]:
    ids = [p.pk for p in projects] if isinstance(projects, list) else projects.values("pk")
    return set(queries.projects_full_access(user).filter(pk__in=ids).values_list("pk", flat=True))


@login_required
@require_safe
def library(request: HttpRequest) -> HttpResponse:
    """The project library (项目库): filters, totals, one page of projects, export of every filtered row."""
    project_filter, projects = _library_queryset(request)
    totals = projects.order_by().aggregate(count=Count("pk"), planned=Sum("planned_investment_fen"))
    paginator = Paginator(
        projects.order_by(*LIBRARY_ORDER).prefetch_related("partner_units"), settings.ENCLAVE_PAGE_SIZE
    )
    page = paginator.get_page(page_number(request))
    rows = list(page.object_list)
    full_ids = _full_ids(request.user, rows)
    context = {
        "filter_form": LibraryFilterForm(request.GET or None),
        "filter": project_filter,
        "rows": [(p, p.pk in full_ids) for p in rows],
        "page_obj": page,
        "total_count": totals["count"] or 0,
        "total_planned": yi(int(totals["planned"] or 0)),
        "export_query": urlencode(project_filter.as_params()),
        "origins": ORIGINS,
        "may_file": scope_of(request.user).role == Role.UNIT,
    }
    return render(request, "projects/library.html", context)


@login_required
@require_safe
@chinese_documents()
def export(request: HttpRequest) -> HttpResponse:
    """Every row of the filtered library (all pages) as an .xlsx; the export itself is audited."""
    project_filter, projects = _library_queryset(request)
    rows = list(projects.order_by(*LIBRARY_ORDER).prefetch_related("partner_units"))
    now = timezone.now()
    description = project_filter.describe()
    body = excel.projects_xlsx(
        rows, description=description, full_ids=_full_ids(request.user, rows), exported_at=now
    )
    services.projects_export_record(
        actor=request.user, filters=project_filter.as_params(), description=description, rows=len(rows)
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, excel.export_filename_for(now))
    return response


# ---------------------------------------------------------------- detail


PUBLIC_FACTS = (
    "code", "name", "enterprise", "filing_unit", "partner_units", "park", "kind", "industry",
    "planned_investment_fen", "origin", "status", "recognised_on",
)  # fmt: skip
FULL_FACTS = (
    "code", "name", "enterprise", "credit_code", "filing_unit", "partner_units", "park", "park_area", "subpark",
    "kind", "relocation_class", "nature", "industry", "planned_investment_fen", "origin", "investment_code",
    "status", "status_reason", "signed_on", "registered_on", "filed_on", "reviewed_on", "recognised_on",
    "construction_started_on", "operating_on", "moved_on", "move_evidence", "description", "created_by",
    "created_at", "updated_at",
)  # fmt: skip


def _facts(project: Project, *, full: bool) -> list[tuple[str, Any]]:
    """(Chinese label, display value) for each field the user may see; empty optional fields are left out."""
    meta = Project._meta
    values: dict[str, tuple[str, Any]] = {
        "credit_code": (_("统一社会信用代码"), project.enterprise.credit_code),
        "partner_units": (
            meta.get_field("partner_units").verbose_name,
            joined(u.name for u in project.partner_units.all()),
        ),
        "planned_investment_fen": (
            _("计划总投资"),
            _("%(wan)s（%(yi)s）")
            % {"wan": wan(project.planned_investment_fen), "yi": yi(project.planned_investment_fen)},
        ),
        "code": (meta.get_field("code").verbose_name, project.display_code),
        "status": (meta.get_field("status").verbose_name, project.status_label),
    }
    facts: list[tuple[str, Any]] = []
    for name in FULL_FACTS if full else PUBLIC_FACTS:
        if name in values:
            label, value = values[name]
        else:
            field = meta.get_field(name)
            label = field.verbose_name
            value = getattr(project, f"get_{name}_display")() if field.choices else getattr(project, name)
            if name == "industry":
                value = _("%(code)s %(name)s（%(section)s）") % {
                    "code": project.industry.code,
                    "name": project.industry.name,
                    "section": project.industry.section,
                }
        if value in (None, ""):
            continue
        if isinstance(value, dt.datetime):
            value = f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        facts.append((str(label), value))
    return facts


def _review_transitions(user: Any, project: Project) -> list[Any]:
    """The review steps (审查、退回、否决、关闭) this user may take on this project now."""
    return [
        t
        for t in actions_available(status=project.status, role=scope_of(user).role)
        if t.action in REVIEW_ACTIONS and queries.project_may_act(user, project, t.action)
    ]


def _detail_context(request: HttpRequest, access: queries.ProjectAccess, **extra: Any) -> dict[str, Any]:
    project, user = access.project, request.user
    agreement = (
        Agreement.objects.filter(project=project).prefetch_related("parties__unit", "parties__park").first()
    )
    context: dict[str, Any] = {
        "project": project,
        "access": access,
        "facts": _facts(project, full=access.full),
        "agreement": agreement,
        "agreement_months": agreement_months(agreement) if agreement is not None else None,
        "conflicts": queries.conflicts_visible_to(user).filter(projects=project),
        "review_transitions": _review_transitions(user, project),
        "action_form": extra.pop("action_form", None) or ActionForm(),
        "may_file": _may_take(user, project, "file") or _may_take(user, project, "refile"),
        "file_label": TRANSITIONS["refile" if project.status == Status.RETURNED else "file"].label,
        "may_recognise": _may_take(user, project, "recognise"),
        "timeline": [],
        "events": [],
        "progress": None,
    }
    if access.full:
        context["timeline"] = [
            (change, TRANSITIONS[change.action].label if change.action in TRANSITIONS else change.action)
            for change in project.status_changes.select_related("actor")
        ]
        events = Event.objects.filter(
            object_type="projects.project", object_id=str(project.pk)
        ).select_related("actor")
        context["events"] = event_rows(events)
        context["progress"] = investment_progress(project)
    context.update(extra)
    return context


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = queries.project_for_user_or_404(request.user, pk)
    return render(request, "projects/detail.html", _detail_context(request, access))


# ---------------------------------------------------------------- filing (unit users)


def _form_context(form: ProjectForm, project: Project | None) -> dict[str, Any]:
    return {"form": form, "project": project, "origins": ORIGINS}


def _check_remaining(form: ProjectForm, user: Any, project: Project | None) -> None:
    """When some fields could not be read, still report the service's verdict on the others (all at once)."""
    try:
        services.project_content_check(actor=user, data=form.service_data(), project=project)
    except ValidationError as exc:
        _errors_attach(form, exc, ProjectForm.SERVICE_FIELDS)


def _saved(request: HttpRequest, project: Project) -> HttpResponse:
    """After saving: either stop at the draft, or file it; a refused filing leaves the draft saved."""
    if request.POST.get("submit") != "file":
        messages.success(request, _("已保存。"))
        return redirect("projects:detail", pk=project.pk)
    try:
        project = services.project_file(actor=request.user, project=project)
    except ValidationError as exc:
        messages.error(
            request, _("内容已保存为草稿，但未能提交报备：%(reason)s") % {"reason": _messages_text(exc)}
        )
        return redirect("projects:edit", pk=project.pk)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("projects:detail", pk=project.pk)
    messages.success(request, _("已提交报备，项目编号 %(code)s。") % {"code": project.code})
    return redirect("projects:detail", pk=project.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """A unit starts a filing (项目报备)."""
    _unit_user_or_403(request.user)
    unit = request.user.unit
    form = ProjectForm(request.POST or None, filing_unit=unit)
    if request.method == "POST":
        if form.is_valid():
            try:
                project = services.project_create(actor=request.user, data=form.service_data())
            except ValidationError as exc:
                _errors_attach(form, exc, ProjectForm.SERVICE_FIELDS)
            else:
                return _saved(request, project)
        else:
            _check_remaining(form, request.user, None)
    return render(request, "projects/form.html", _form_context(form, None))


def _editable_or_404(request: HttpRequest, pk: int) -> Project | HttpResponse:
    access = queries.project_for_user_or_404(request.user, pk)
    project = access.project
    if access.may_edit:
        return project
    if scope_of(request.user).role == Role.UNIT and project.filing_unit_id == request.user.unit_id:
        messages.error(
            request,
            _("项目当前状态为“%(status)s”，不能修改（仅草稿或退回修改状态可修改）")
            % {"status": project.status_label},
        )
        return redirect("projects:detail", pk=project.pk)
    raise Http404("项目不存在")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The filing unit corrects its draft or returned filing."""
    found = _editable_or_404(request, pk)
    if isinstance(found, HttpResponse):
        return found
    project = found
    if request.method == "POST":
        form = ProjectForm(request.POST, filing_unit=project.filing_unit)
        if form.is_valid():
            try:
                project = services.project_update(
                    actor=request.user, project=project, data=form.service_data()
                )
            except ValidationError as exc:
                _errors_attach(form, exc, ProjectForm.SERVICE_FIELDS)
            except TransitionError as exc:
                messages.error(request, str(exc))
                return redirect("projects:detail", pk=project.pk)
            else:
                return _saved(request, project)
        else:
            _check_remaining(form, request.user, project)
        return render(request, "projects/form.html", _form_context(form, project))
    form = ProjectForm(initial=ProjectForm.initial_from(project), filing_unit=project.filing_unit)
    try:
        services.eligibility_check(project)
    except ValidationError as exc:  # shown at its field, so the unit sees why filing was refused
        form = ProjectForm(ProjectForm.data_from(project), filing_unit=project.filing_unit)
        form.is_valid()
        _errors_attach(form, exc, ProjectForm.SERVICE_FIELDS)
    return render(request, "projects/form.html", _form_context(form, project))


@login_required
@require_POST
def file(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit (or resubmit) a filing from the detail page."""
    access = queries.project_for_user_or_404(request.user, pk)
    try:
        project = services.project_file(actor=request.user, project=access.project)
    except ValidationError as exc:
        messages.error(request, _("未能提交报备：%(reason)s") % {"reason": _messages_text(exc)})
        return redirect("projects:edit" if access.may_edit else "projects:detail", pk=pk)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("projects:detail", pk=pk)
    messages.success(request, _("已提交报备，项目编号 %(code)s。") % {"code": project.code})
    return redirect("projects:detail", pk=pk)


# ---------------------------------------------------------------- review and recognition


@login_required
@require_POST
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """A review step (开始审查、退回修改、不予认定、关闭) with its reason."""
    access = queries.project_for_user_or_404(request.user, pk)
    name = request.POST.get("action", "")
    service = REVIEW_ACTIONS.get(name)
    if service is None:
        messages.error(request, _("未知的操作"))
        return redirect("projects:detail", pk=pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, project=access.project, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors_attach(form, exc)
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("projects:detail", pk=pk)
        else:
            messages.success(request, _("已%(label)s。") % {"label": TRANSITIONS[name].label})
            return redirect("projects:detail", pk=pk)
    return render(request, "projects/detail.html", _detail_context(request, access, action_form=form))


def _parties(project: Project) -> list[tuple[str, str, str]]:
    units = [project.filing_unit, *sorted(project.partner_units.all(), key=lambda u: u.code)]
    parties = [("unit", u.code, u.name) for u in units]
    parties.append(("park", project.park.code, _("%(park)s（承载地）") % {"park": project.park.short_name}))
    return parties


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recognise(request: HttpRequest, pk: int) -> HttpResponse:
    """Recognition (认定) with the sharing agreement, pre-filled with the city's default split."""
    access = queries.project_for_user_or_404(request.user, pk)
    project = access.project
    if not _may_take(request.user, project, "recognise"):
        if scope_of(request.user).can_review and access.full:
            messages.error(
                request, _("项目当前状态为“%(status)s”，不能认定") % {"status": project.status_label}
            )
            return redirect("projects:detail", pk=pk)
        raise PermissionDenied(_("您的角色无权认定该项目"))
    parties = _parties(project)
    if request.method == "POST":
        form = RecogniseForm(request.POST, parties=parties)
        if form.is_valid():
            shares = [services.PartyShare(kind, code, bp) for kind, code, bp in form.party_shares()]
            try:
                services.project_recognise(
                    actor=request.user,
                    project=project,
                    parties=shares,
                    start_month=form.cleaned_data["start_month"],
                    end_month=form.cleaned_data["end_month"],
                    on=form.cleaned_data["recognised_on"],
                    reason=form.cleaned_data["reason"],
                    cap_fen=form.cleaned_data["cap_wan"],
                    extension_months=form.cleaned_data["extension_months"],
                    host_contribution=form.cleaned_data["host_contribution"],
                )
            except ValidationError as exc:
                _errors_attach(form, exc, RecogniseForm.SERVICE_FIELDS)
            except TransitionError as exc:
                messages.error(request, str(exc))
                return redirect("projects:detail", pk=pk)
            else:
                messages.success(request, _("已认定，利益分享协议已生效。"))
                return redirect("projects:detail", pk=pk)
        policy, proposal = None, None
    else:
        today = services.today()
        initial: dict[str, Any] = {"recognised_on": today}
        policy, problem, proposal = None, None, None
        try:
            proposal = services.agreement_propose(project, today)
        except ValidationError as exc:
            problem = exc
        else:
            policy = proposal.policy
            shares = {(p.kind, p.code): p.share_bp for p in proposal.parties}
            # The months stay blank: typed months would be the agreement's own; the policy's are shown.
            initial.update({f"share_{i}": shares.get((k, c), 0) for i, (k, c, _n) in enumerate(parties)})
        form = RecogniseForm(initial=initial, parties=parties)
        if problem is not None:
            form.is_valid()  # unbound: no errors of its own; show the missing policy above the form
            messages.error(request, _messages_text(problem))
    form.fields["recognised_on"].widget.attrs["max"] = services.today().isoformat()
    context = {"project": project, "form": form, "policy": policy, "proposal": proposal}
    return render(request, "projects/recognise.html", context)


# ---------------------------------------------------------------- conflicts and first-contact claims


def _conflict_rows(
    request: HttpRequest, conflicts: list[Conflict], bound: ConflictResolveForm | None
) -> list:
    user = request.user
    visible = set(
        queries.projects_visible_to(user)
        .filter(conflicts__in=[c.pk for c in conflicts])
        .values_list("pk", flat=True)
    )
    scope = scope_of(user)
    rows = []
    for conflict in conflicts:
        form = None
        if conflict.status == Conflict.OPEN and scope.role == Role.CITY_ADMIN:
            form = bound if bound is not None and bound.conflict.pk == conflict.pk else None
            form = form or ConflictResolveForm(conflict=conflict)
        rows.append(
            {
                "conflict": conflict,
                "projects": [(p, p.pk in visible) for p in conflict.projects.all()],
                "claims": list(queries.conflict_claims(user, conflict)),
                "form": form,
            }
        )
    return rows


def _conflicts_render(request: HttpRequest, bound: ConflictResolveForm | None = None) -> HttpResponse:
    conflicts = (
        queries.conflicts_visible_to(request.user)
        .prefetch_related("projects__filing_unit")
        .order_by("status", "-created_at", "-id")
    )
    page = Paginator(conflicts, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    scope = scope_of(request.user)
    context = {
        "rows": _conflict_rows(request, list(page.object_list), bound),
        "page_obj": page,
        "show_documents": scope.is_city,
        "claims": queries.claims_visible_to(request.user).order_by("-created_at")[:50],
        "may_claim": scope.role == Role.UNIT,
    }
    return render(request, "projects/conflicts.html", context)


CONFLICT_COLUMNS = (
    Column("企业名称", 30), Column("统一社会信用代码", 20), Column("承载园区", 14), Column("冲突状态", 10),
    Column("涉及项目", 36), Column("报备单位", 16), Column("项目状态", 10), Column("归属", 12),
    Column("登记时间", 18, "yyyy-mm-dd hh:mm"), Column("裁定理由", 40),
)  # fmt: skip


def _conflicts_xlsx(request: HttpRequest) -> HttpResponse:
    """Every conflict the user may see, one row per filing in it; other units' filings stay unnamed, as on
    the page."""
    conflicts = list(
        queries.conflicts_visible_to(request.user)
        .prefetch_related("projects__filing_unit")
        .order_by("status", "-created_at", "-id")
    )
    rows = []
    for row in _conflict_rows(request, conflicts, None):
        c = row["conflict"]
        for project, visible in row["projects"]:
            mark = ("裁定归属" if c.winner_id == project.pk else
                    "首谈建议" if c.suggested_winner_id == project.pk else "")  # fmt: skip
            rows.append([
                c.enterprise.name, c.enterprise.credit_code, c.park.short_name, c.get_status_display(),
                f"{project.display_code} {project.name}" if visible else "（其他单位的报备）",
                project.filing_unit.name, project.status_label if visible else "", mark, c.created_at,
                c.resolution_reason,
            ])  # fmt: skip
    event_record(actor=request.user, verb=Verb.EXPORT, object_type="projects.conflict",
                 object_repr="报备冲突", after={"conflicts": len(conflicts)})  # fmt: skip
    return xlsx_table(what="报备冲突", columns=CONFLICT_COLUMNS, rows=rows, sheet="报备冲突", stem="报备冲突")


@login_required
@require_safe
@chinese_documents(when=xlsx_requested)
def conflicts(request: HttpRequest) -> HttpResponse:
    """Filings of one enterprise into one park by several units (报备冲突), open ones first; ?format=xlsx
    exports them."""
    if request.GET.get("format") == "xlsx":
        return _conflicts_xlsx(request)
    return _conflicts_render(request)


@login_required
@require_POST
def conflict_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The city decides whose filing stands (冲突裁定)."""
    conflict = get_object_or_404(queries.conflicts_visible_to(request.user), pk=pk)
    form = ConflictResolveForm(request.POST, conflict=conflict)
    if form.is_valid():
        try:
            services.conflict_resolve(
                actor=request.user,
                conflict=conflict,
                winner=form.cleaned_data["winner"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _errors_attach(form, exc)
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("projects:conflicts")
        else:
            messages.success(request, _("冲突已裁定：%(name)s") % {"name": conflict.enterprise.name})
            return redirect("projects:conflicts")
    return _conflicts_render(request, bound=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def claim_create(request: HttpRequest) -> HttpResponse:
    """A unit registers its first contact (首谈登记) with an enterprise, with evidence."""
    _unit_user_or_403(request.user)
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.claim_register(
                actor=request.user,
                enterprise=data["enterprise_code"],
                contacted_on=data["contacted_on"],
                kind=data["kind"],
                document=data["document"],
                note=data["note"],
            )
        except ValidationError as exc:
            _errors_attach(form, exc, {"enterprise": "enterprise_code"})
        else:
            messages.success(request, _("首谈登记已保存。"))
            return redirect("projects:conflicts")
    return render(request, "projects/claim_form.html", {"form": form})


@login_required
@require_safe
def claim_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file of a claim, only for users who may see the claim (never a public media URL)."""
    claim = get_object_or_404(queries.claims_visible_to(request.user), pk=pk)
    if not claim.document:
        raise Http404("没有证明材料")
    ext = claim.document.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        claim.document.open("rb"),
        as_attachment=True,
        filename=f"首谈证明-{claim.pk}.{ext}",
        content_type=EVIDENCE_TYPES.get(ext, "application/octet-stream"),
    )
    response["Content-Security-Policy"] = "sandbox"
    return response
