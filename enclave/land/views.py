"""Land, sub-park and resource pages: lists with filters, paging and export, detail pages and forms.

Thin views: the scoped object from land/queries.py, a form, one service, redirect or render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.excel.export import workbook_build, workbook_bytes
from enclave.i18n import chinese_documents
from enclave.land import excel, services
from enclave.land.filters import ResourceFilter
from enclave.land.forms import (
    BuildingForm,
    LandFilterForm,
    MilestoneDoneForm,
    MilestoneForm,
    ParcelForm,
    ResourceFilterForm,
    ResourceForm,
    SubParkForm,
    TenantForm,
)
from enclave.land.models import Building, LandParcel, Resource
from enclave.land.queries import (
    parcel_for_user_or_404,
    parcels_visible_to,
    resource_may_edit,
    resources_visible_to,
    subpark_for_user_or_404,
    subparks_visible_to,
)
from enclave.leads.filters import code_param, text_param
from enclave.leads.views import errors_attach, is_unit, xlsx_response
from enclave.parks.models import Park, SubPark, Unit
from enclave.query_params import page_number


def _describe(params: dict[str, str], empty: str) -> str:
    parts = []
    if params.get("park"):
        park = Park.objects.filter(code=params["park"]).first()
        parts.append(_("园区：%(value)s") % {"value": park.short_name if park else params["park"]})
    if params.get("unit"):
        unit = Unit.objects.filter(code=params["unit"]).first()
        parts.append(_("单位：%(value)s") % {"value": unit.name if unit else params["unit"]})
    if params.get("q"):
        parts.append(_("搜索：%(value)s") % {"value": params["q"]})
    return _("；").join(parts) if parts else empty


def _params(request: HttpRequest) -> dict[str, str]:
    values = {
        "park": code_param(request.GET, "park"),
        "unit": code_param(request.GET, "unit"),
        "q": text_param(request.GET, "q", 100),
    }
    return {k: v for k, v in values.items() if v}


def _export(
    request: HttpRequest,
    *,
    what: str,
    object_type: str,
    columns: Any,
    rows: list[list[Any]],
    params: dict[str, str],
    description: str,
) -> HttpResponse:
    now = timezone.now()
    local = timezone.localtime(now)
    title = f"{what}导出　筛选条件：{description}　导出时间：{local:%Y-%m-%d %H:%M}（北京时间）"
    content = workbook_bytes(workbook_build(title=title, columns=columns, rows=rows, sheet=what))
    services.land_export_record(
        actor=request.user, what=object_type, filters=params, description=description, rows=len(rows)
    )
    return xlsx_response(content, f"{what}-{local:%Y%m%d-%H%M}.xlsx")


# ---------------------------------------------------------------- parcels


def _parcels(request: HttpRequest) -> tuple[dict[str, str], QuerySet[LandParcel]]:
    params = _params(request)
    qs = parcels_visible_to(request.user)
    if params.get("park"):
        qs = qs.filter(park__code=params["park"])
    if params.get("unit"):
        qs = qs.filter(unit__code=params["unit"])
    if params.get("q"):
        qs = qs.filter(
            Q(parcel_no__icontains=params["q"])
            | Q(subpark__name__icontains=params["q"])
            | Q(note__icontains=params["q"])
        )
    return params, qs.order_by("-auctioned_on", "-pk")


@login_required
@require_safe
def parcel_list(request: HttpRequest) -> HttpResponse:
    params, parcels = _parcels(request)
    totals = parcels.aggregate(area=Sum("area_mu"), price=Sum("price_fen"))
    page = Paginator(parcels, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "land/parcel_list.html",
        {
            "filter_form": LandFilterForm(request.GET or None), "params": params, "page_obj": page, "totals": totals,
            "description": _describe(params, _("全部土地")), "export_query": urlencode(params),
            "may_create": is_unit(request.user),
        },
    )  # fmt: skip


@login_required
@require_safe
@chinese_documents()
def parcel_export(request: HttpRequest) -> HttpResponse:
    params, parcels = _parcels(request)
    rows = [excel.parcel_row(p) for p in parcels]
    return _export(
        request,
        what="竞得土地",
        object_type="land.landparcel",
        columns=excel.PARCEL_COLUMNS,
        rows=rows,
        params=params,
        description=_describe(params, "全部土地"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def parcel_create(request: HttpRequest) -> HttpResponse:
    if not is_unit(request.user):
        raise PermissionDenied(_("只有协作地单位可以登记竞得土地"))
    form = ParcelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            parcel = services.parcel_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            errors_attach(form, exc, ParcelForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("竞得土地已登记。"))
            return redirect("land:detail", pk=parcel.pk)
    return render(request, "land/parcel_form.html", {"form": form, "parcel": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def parcel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = parcel_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有竞得单位可以修改土地信息"))
    parcel = access.parcel
    form = (
        ParcelForm(request.POST)
        if request.method == "POST"
        else ParcelForm(initial=ParcelForm.initial_for(parcel))
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.parcel_update(actor=request.user, parcel=parcel, data=form.service_data())
        except ValidationError as exc:
            errors_attach(form, exc, ParcelForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("土地信息已保存。"))
            return redirect("land:detail", pk=parcel.pk)
    return render(request, "land/parcel_form.html", {"form": form, "parcel": parcel})


@login_required
@require_safe
def parcel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = parcel_for_user_or_404(request.user, pk)
    return render(request, "land/parcel_detail.html", {"parcel": access.parcel, "may_edit": access.may_edit})


# ---------------------------------------------------------------- sub-parks


def with_figures(qs: QuerySet[SubPark]) -> QuerySet[SubPark]:
    """Land in 亩, floor area in m² and tenant counts per sub-park (subqueries, so the sums do not multiply)."""
    land = (
        LandParcel.objects.filter(subpark=OuterRef("pk"))
        .order_by()
        .values("subpark")
        .annotate(s=Sum("area_mu"))
        .values("s")
    )
    floor = (
        Building.objects.filter(subpark=OuterRef("pk"))
        .order_by()
        .values("subpark")
        .annotate(s=Sum("floor_area_m2"))
        .values("s")
    )
    decimal = DecimalField(max_digits=14, decimal_places=2)
    return qs.annotate(
        land_mu=Subquery(land, output_field=decimal),
        floor_m2=Subquery(floor, output_field=decimal),
        tenants_intending=Count("tenants", filter=Q(tenants__status="intending"), distinct=True),
        tenants_entered=Count("tenants", filter=Q(tenants__status="entered"), distinct=True),
    )


def _subparks(request: HttpRequest) -> tuple[dict[str, str], QuerySet[SubPark]]:
    params = _params(request)
    qs = subparks_visible_to(request.user)
    if params.get("park"):
        qs = qs.filter(park__code=params["park"])
    if params.get("unit"):
        qs = qs.filter(unit__code=params["unit"])
    if params.get("q"):
        qs = qs.filter(name__icontains=params["q"])
    return params, with_figures(qs).order_by("park", "name")


@login_required
@require_safe
def subpark_list(request: HttpRequest) -> HttpResponse:
    params, subparks = _subparks(request)
    page = Paginator(subparks, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "land/subpark_list.html",
        {
            "filter_form": LandFilterForm(request.GET or None), "params": params, "page_obj": page,
            "description": _describe(params, _("全部园中园")), "export_query": urlencode(params),
            "may_create": is_unit(request.user),
        },
    )  # fmt: skip


@login_required
@require_safe
@chinese_documents()
def subpark_export(request: HttpRequest) -> HttpResponse:
    params, subparks = _subparks(request)
    rows = [excel.subpark_row(s) for s in subparks]
    return _export(
        request,
        what="园中园",
        object_type="parks.subpark",
        columns=excel.SUBPARK_COLUMNS,
        rows=rows,
        params=params,
        description=_describe(params, "全部园中园"),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def subpark_create(request: HttpRequest) -> HttpResponse:
    if not is_unit(request.user):
        raise PermissionDenied(_("只有协作地单位可以登记园中园"))
    form = SubParkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            subpark = services.subpark_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            errors_attach(form, exc, SubParkForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("园中园已登记。"))
            return redirect("land:subpark_detail", pk=subpark.pk)
    return render(request, "land/subpark_form.html", {"form": form, "subpark": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def subpark_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = subpark_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有建设单位可以修改园中园"))
    subpark = access.subpark
    form = (
        SubParkForm(request.POST)
        if request.method == "POST"
        else SubParkForm(initial=SubParkForm.initial_for(subpark))
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.subpark_update(actor=request.user, subpark=subpark, data=form.service_data())
        except ValidationError as exc:
            errors_attach(form, exc, SubParkForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("园中园已保存。"))
            return redirect("land:subpark_detail", pk=subpark.pk)
    return render(request, "land/subpark_form.html", {"form": form, "subpark": subpark})


def _subpark_page(request: HttpRequest, pk: int, status: int = 200, **forms: Any) -> HttpResponse:
    access = subpark_for_user_or_404(request.user, pk)
    subpark = (
        with_figures(SubPark.objects.filter(pk=access.subpark.pk))
        .select_related("unit", "park", "area")
        .get()
    )
    today = timezone.localdate()
    context = {
        "subpark": subpark, "may_edit": access.may_edit, "today": today,
        "parcels": subpark.parcels.order_by("auctioned_on"),
        "buildings": subpark.buildings.all(),
        "milestones": subpark.milestones.all(),
        "tenants": subpark.tenants.select_related("lead").all(),
        "building_form": forms.get("building_form") or BuildingForm(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "done_form": forms.get("done_form") or MilestoneDoneForm(initial={"done_on": today}),
        "tenant_form": forms.get("tenant_form") or TenantForm(initial={"since_on": today}),
    }  # fmt: skip
    return render(request, "land/subpark_detail.html", context, status=status)


@login_required
@require_safe
def subpark_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _subpark_page(request, pk)


def _owned_subpark(request: HttpRequest, pk: int) -> SubPark:
    access = subpark_for_user_or_404(request.user, pk)
    if not access.may_edit:
        raise PermissionDenied(_("只有建设单位可以修改园中园"))
    return access.subpark


@login_required
@require_POST
def building_add(request: HttpRequest, pk: int) -> HttpResponse:
    subpark = _owned_subpark(request, pk)
    form = BuildingForm(request.POST)
    if form.is_valid():
        try:
            services.building_add(actor=request.user, subpark=subpark, **form.cleaned_data)
        except ValidationError as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("建筑已登记。"))
            return redirect("land:subpark_detail", pk=pk)
    return _subpark_page(request, pk, 422, building_form=form)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    subpark = _owned_subpark(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, subpark=subpark, **form.cleaned_data)
        except ValidationError as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("建设节点已登记。"))
            return redirect("land:subpark_detail", pk=pk)
    return _subpark_page(request, pk, 422, milestone_form=form)


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    subpark = _owned_subpark(request, pk)
    form = MilestoneDoneForm(request.POST)
    if form.is_valid():
        milestone = subpark.milestones.filter(pk=form.cleaned_data["milestone"]).first()
        if milestone is None:
            form.add_error(None, _("节点不存在"))
        else:
            try:
                services.milestone_done(
                    actor=request.user, milestone=milestone, done_on=form.cleaned_data["done_on"]
                )
            except ValidationError as exc:
                errors_attach(form, exc)
            else:
                messages.success(request, _("节点完成日期已登记。"))
                return redirect("land:subpark_detail", pk=pk)
    return _subpark_page(request, pk, 422, done_form=form)


@login_required
@require_POST
def tenant_add(request: HttpRequest, pk: int) -> HttpResponse:
    subpark = _owned_subpark(request, pk)
    form = TenantForm(request.POST)
    if form.is_valid():
        try:
            services.tenant_add(actor=request.user, subpark=subpark, **form.cleaned_data)
        except ValidationError as exc:
            errors_attach(form, exc)
        else:
            messages.success(request, _("入园企业已登记。"))
            return redirect("land:subpark_detail", pk=pk)
    return _subpark_page(request, pk, 422, tenant_form=form)


# ---------------------------------------------------------------- the resource library (资源库)


def resource_may_create(user: Any) -> bool:
    """The city's bureaus, a park committee (its park) and a unit (its sub-parks) keep the library."""
    scope = scope_of(user)
    return scope.can_review or scope.role in (Role.PARK, Role.UNIT)


def _resources(request: HttpRequest) -> tuple[ResourceFilter, QuerySet[Resource]]:
    resource_filter = ResourceFilter.from_params(request.GET)
    return resource_filter, resource_filter.apply(resources_visible_to(request.user))


@login_required
@require_safe
def resource_list(request: HttpRequest) -> HttpResponse:
    """Land, standard factories and offices on offer in the parks and sub-parks: every signed-in user reads it."""
    resource_filter, resources = _resources(request)
    totals = resources.aggregate(area=Sum("area_m2"))
    page = Paginator(resources, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    editable = {r.pk for r in page if resource_may_edit(request.user, r)}
    return render(
        request,
        "land/resource_list.html",
        {
            "filter_form": ResourceFilterForm(request.GET or None), "params": resource_filter.as_params(),
            "page_obj": page, "totals": totals, "editable": editable, "description": resource_filter.describe(),
            "export_query": urlencode(resource_filter.as_params()), "may_create": resource_may_create(request.user),
        },
    )  # fmt: skip


@login_required
@require_safe
@chinese_documents()
def resource_export(request: HttpRequest) -> HttpResponse:
    resource_filter, resources = _resources(request)
    rows = [excel.resource_row(r) for r in resources]
    return _export(
        request,
        what="资源库",
        object_type="land.resource",
        columns=excel.RESOURCE_COLUMNS,
        rows=rows,
        params=resource_filter.as_params(),
        description=resource_filter.describe(),
    )


def _resource_form_page(request: HttpRequest, resource: Resource | None) -> HttpResponse:
    if request.method == "POST":
        form = ResourceForm(request.POST)
    else:
        form = ResourceForm(
            initial=ResourceForm.initial_for(resource) if resource else {"is_available": True}
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_save(actor=request.user, data=form.service_data(), resource=resource)
        except ValidationError as exc:
            errors_attach(form, exc, ResourceForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("资源已保存。"))
            return redirect("land:resources")
    return render(request, "land/resource_form.html", {"form": form, "resource": resource})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    if not resource_may_create(request.user):
        raise PermissionDenied(_("您的角色不能维护资源库"))
    return _resource_form_page(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = resources_visible_to(request.user).filter(pk=pk).first()
    if resource is None:
        from django.http import Http404

        raise Http404(_("资源不存在"))
    if not resource_may_edit(request.user, resource):
        raise PermissionDenied(_("只能修改本单位或本园区登记的资源"))
    return _resource_form_page(request, resource)
