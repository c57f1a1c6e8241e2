"""Enterprise pages: library with filters and export, detail, registration and correction.

Thin views: the scoped enterprise comes from queries.py, the form reads the typed text, one service writes.
Which rows a user sees is decided in queries.py, what may be written in services.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.enterprises import excel, services
from enclave.enterprises.filters import EnterpriseFilter
from enclave.enterprises.forms import ORIGINS, EnterpriseFilterForm, EnterpriseForm
from enclave.enterprises.models import Enterprise
from enclave.enterprises.queries import (
    enterprise_for_user_or_404,
    enterprises_full_access,
    enterprises_visible_to,
)
from enclave.i18n import chinese_documents
from enclave.projects.queries import claims_visible_to, projects_visible_to
from enclave.query_params import page_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_register(user: Any) -> bool:
    """Units register the enterprises they bring; the city's reviewers and administrator may too."""
    scope = scope_of(user)
    return scope.role == Role.UNIT or scope.can_review


def _registrar_or_403(user: Any) -> None:
    if not _may_register(user):
        raise PermissionDenied(_("只有协作地单位、市投资促进局和市发展改革委可以登记或修改企业"))


def _errors_attach(form: Form, exc: ValidationError, mapping: dict[str, str]) -> None:
    """A service's errors at their field when the form has it, otherwise above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, texts in exc.message_dict.items():
        field = mapping.get(key, key)
        if field in form.fields and not form.has_error(field):
            form.add_error(field, texts)
        elif field not in form.fields:
            form.add_error(None, texts)


def _visible_duplicate(
    user: Any, code: str, exc: ValidationError, current: Enterprise | None = None
) -> Enterprise | None:
    """The already registered enterprise with the typed code, when the service refused the code and the user
    may open that enterprise (nothing is revealed otherwise)."""
    if not code or "credit_code" not in getattr(exc, "error_dict", {}):
        return None
    qs = enterprises_visible_to(user).filter(credit_code=code)
    if current is not None:
        qs = qs.exclude(pk=current.pk)
    return qs.first()


def _library_queryset(request: HttpRequest) -> tuple[EnterpriseFilter, QuerySet[Enterprise]]:
    enterprise_filter = EnterpriseFilter.from_params(request.GET)
    enterprises = enterprise_filter.apply(enterprises_visible_to(request.user))
    return enterprise_filter, enterprises.select_related("industry__section", "owner_unit")


def _full_ids(user: Any, ids: Any) -> set[int]:
    return set(enterprises_full_access(user).filter(pk__in=ids).values_list("pk", flat=True))


@login_required
@require_safe
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The enterprise library (企业库): filters, one page of enterprises, export of every filtered row."""
    enterprise_filter, enterprises = _library_queryset(request)
    page = Paginator(enterprises.order_by("name", "pk"), settings.ENCLAVE_PAGE_SIZE).get_page(
        page_number(request)
    )
    rows = list(page.object_list)
    full_ids = _full_ids(request.user, [e.pk for e in rows])
    return render(
        request,
        "enterprises/list.html",
        {
            "filter_form": EnterpriseFilterForm(request.GET or None),
            "filter": enterprise_filter,
            "rows": [(e, e.pk in full_ids) for e in rows],
            "page_obj": page,
            "origins": ORIGINS,
            "export_query": urlencode(enterprise_filter.as_params()),
            "may_register": _may_register(request.user),
        },
    )


@login_required
@require_safe
@chinese_documents()
def enterprise_export(request: HttpRequest) -> HttpResponse:
    """Every filtered row (not only the page shown) as .xlsx; the export itself is audited."""
    enterprise_filter, enterprises = _library_queryset(request)
    rows = list(enterprises.order_by("name", "pk"))
    now = timezone.now()
    description = enterprise_filter.describe()
    content = excel.enterprises_xlsx(
        rows,
        description=description,
        full_ids=_full_ids(request.user, [e.pk for e in rows]),
        exported_at=now,
    )
    services.enterprises_export_record(
        actor=request.user, filters=enterprise_filter.as_params(), description=description, rows=len(rows)
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=excel.export_filename_for(now)
    )
    return response


@login_required
@require_safe
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = enterprise_for_user_or_404(request.user, pk)
    enterprise = access.enterprise
    projects = (
        projects_visible_to(request.user)
        .filter(enterprise=enterprise)
        .order_by("-recognised_on", "-filed_on", "-id")
    )
    claims = claims_visible_to(request.user).filter(enterprise=enterprise).order_by("contacted_on", "id")
    return render(
        request,
        "enterprises/detail.html",
        {"access": access, "enterprise": enterprise, "projects": projects, "claims": claims},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    _registrar_or_403(request.user)
    form = EnterpriseForm(request.POST if request.method == "POST" else None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            duplicate = _visible_duplicate(request.user, form.cleaned_data["credit_code"], exc)
            _errors_attach(form, exc, EnterpriseForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("企业“%(name)s”已登记。") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "enterprise": None, "duplicate": duplicate, "origins": ORIGINS},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = enterprise_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("您不能修改该企业：只有登记该企业的单位和市级审查人员可以修改"))
    enterprise = access.enterprise
    stored_name = enterprise.name  # the heading keeps the saved name even if the service refuses the change
    if request.method == "POST":
        form = EnterpriseForm(request.POST)
    else:
        form = EnterpriseForm(initial=EnterpriseForm.initial_for(enterprise))
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(actor=request.user, enterprise=enterprise, data=form.service_data())
        except ValidationError as exc:
            duplicate = _visible_duplicate(request.user, form.cleaned_data["credit_code"], exc, enterprise)
            _errors_attach(form, exc, EnterpriseForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("企业信息已保存。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "stored_name": stored_name,
            "duplicate": duplicate,
            "origins": ORIGINS,
        },
    )
