"""Land won at auction, sub-parks (with their milestones) and the resource library over the API.

Reads through land/queries.py (a unit sees its own parcels and sub-parks, a park committee those in its
park, the city all; every business role reads the resource library), writes through land/services.py:
negative or zero areas, milestones due before the land was won and another unit's records are refused by
the services with a Chinese message, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from enclave.api_schemas import (
    MAX_PAGE,
    Code,
    Day,
    Fen,
    InputSchema,
    ObjectId,
    ParkRef,
    QueryCode,
    Text,
    UnitRef,
    park_ref,
    responses,
    unit_ref,
)
from enclave.land import services
from enclave.land.filters import ResourceFilter
from enclave.land.models import BuildingKind, LandUse, PriceUnit, Resource, ResourceKind
from enclave.land.queries import (
    parcel_for_user_or_404,
    parcels_visible_to,
    resource_may_edit,
    resources_visible_to,
    subpark_for_user_or_404,
    subparks_visible_to,
)
from enclave.lib import limits
from enclave.parks.models import Industry, Park, ParkArea, SubPark

router = Router(tags=["土地、园中园与资源库"])

Area = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=20)]
Search = Text(100)
UseValue = Literal[tuple(LandUse.values)]  # type: ignore[valid-type]
KindValue = Literal[tuple(ResourceKind.values)]  # type: ignore[valid-type]
PriceUnitValue = Literal[tuple(PriceUnit.values)]  # type: ignore[valid-type]
BuildingValue = Literal[tuple(BuildingKind.values)]  # type: ignore[valid-type]


class Page(Schema):
    total: int
    limit: int
    offset: int


class ListFilters(Schema):
    park: QueryCode | None = Field(None, description="园区代码")
    unit: QueryCode | None = Field(None, description="单位代码")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


# ---------------------------------------------------------------- parcels


class ParcelOut(Schema):
    id: int
    unit: UnitRef
    park: ParkRef
    park_area: str | None
    subpark_id: int | None
    subpark: str | None
    parcel_no: str
    area_mu: Decimal
    area_m2: Decimal
    auctioned_on: dt.date
    price_fen: int
    intended_use: str
    note: str
    may_edit: bool


class ParcelPage(Page):
    items: list[ParcelOut]


class ParcelIn(InputSchema):
    park: Code = Field(None, description="所在园区代码")
    park_area: Text(60) | None = Field(None, description="片区名称")
    subpark: ObjectId | None = Field(None, description="本单位园中园 id")
    parcel_no: Text(40) = None
    area_mu: Area = Field(None, description="面积（亩），最多两位小数")
    auctioned_on: Day = None
    price_fen: Fen = Field(None, description="成交价，单位：分")
    intended_use: UseValue = None
    note: Text(limits.LONG_TEXT) = None


def _parcel_out(parcel: Any, may_edit: bool) -> dict[str, Any]:
    return {
        "id": parcel.pk, "unit": unit_ref(parcel.unit), "park": park_ref(parcel.park),
        "park_area": parcel.park_area.name if parcel.park_area_id else None, "subpark_id": parcel.subpark_id,
        "subpark": parcel.subpark.name if parcel.subpark_id else None, "parcel_no": parcel.parcel_no,
        "area_mu": parcel.area_mu, "area_m2": parcel.area_m2.quantize(Decimal("0.01")),
        "auctioned_on": parcel.auctioned_on, "price_fen": parcel.price_fen, "intended_use": parcel.intended_use,
        "note": parcel.note, "may_edit": may_edit,
    }  # fmt: skip


def _place(data: dict[str, Any], errors: dict[str, str], *, current_park: Any = None, area_key: str) -> None:
    """Codes and ids of the body into rows (park, area by name within the park, sub-park by id)."""
    if data.get("park") is not None:
        data["park"] = Park.objects.filter(code=data["park"]).first()
        if data["park"] is None:
            errors["park"] = "园区不存在"
    park = data.get("park", current_park)
    if data.get(area_key) is not None:
        data[area_key] = ParkArea.objects.filter(park=park, name=data[area_key]).first() if park else None
        if data[area_key] is None:
            errors[area_key] = "所选片区不属于该园区"
    if data.get("subpark") is not None:
        data["subpark"] = SubPark.objects.filter(pk=data["subpark"]).first()
        if data["subpark"] is None:
            errors["subpark"] = "园中园不存在"


def _parcel_data(payload: ParcelIn, current: Any = None) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    _place(data, errors, current_park=current.park if current else None, area_key="park_area")
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/parcels", response=responses(ParcelPage))
def parcel_list(request, filters: Query[ListFilters]):
    qs = parcels_visible_to(request.user)
    if filters.park:
        qs = qs.filter(park__code=filters.park)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    qs = qs.order_by("-auctioned_on", "-pk")
    unit_id = getattr(request.user, "unit_id", None)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "total": qs.count(), "limit": filters.limit, "offset": filters.offset,
        "items": [_parcel_out(p, p.unit_id == unit_id) for p in page],
    }  # fmt: skip


@router.post("/parcels", response=responses(ParcelOut, 201))
def parcel_create(request, payload: ParcelIn):
    """Land the user's unit won at auction (竞得土地)."""
    parcel = services.parcel_create(actor=request.user, data=_parcel_data(payload))
    access = parcel_for_user_or_404(request.user, parcel.pk)
    return HttpStatus(201, _parcel_out(access.parcel, access.may_edit))


@router.get("/parcels/{parcel_id}", response=responses(ParcelOut))
def parcel_detail(request, parcel_id: ObjectId):
    access = parcel_for_user_or_404(request.user, parcel_id)
    return _parcel_out(access.parcel, access.may_edit)


@router.patch("/parcels/{parcel_id}", response=responses(ParcelOut))
def parcel_update(request, parcel_id: ObjectId, payload: ParcelIn):
    access = parcel_for_user_or_404(request.user, parcel_id)
    services.parcel_update(
        actor=request.user, parcel=access.parcel, data=_parcel_data(payload, access.parcel)
    )
    access = parcel_for_user_or_404(request.user, parcel_id)
    return _parcel_out(access.parcel, access.may_edit)


# ---------------------------------------------------------------- sub-parks


class BuildingOut(Schema):
    kind: str
    name: str
    floor_area_m2: Decimal


class MilestoneOut(Schema):
    id: int
    name: str
    due_on: dt.date
    done_on: dt.date | None
    is_completion: bool


class TenantOut(Schema):
    enterprise_name: str
    status: str
    since_on: dt.date


class SubParkOut(Schema):
    id: int
    name: str
    unit: UnitRef
    park: ParkRef
    area: str | None
    established_on: dt.date
    planned_investment_fen: int | None
    target_industries: list[str]
    focus: str
    construction_started_on: dt.date | None
    completed_on: dt.date | None
    note: str
    land_mu: Decimal
    buildings: list[BuildingOut]
    milestones: list[MilestoneOut]
    tenants: list[TenantOut]
    may_edit: bool


class SubParkPage(Page):
    items: list[SubParkOut]


class SubParkIn(InputSchema):
    name: Text(100) = None
    park: Code = None
    area: Text(60) | None = Field(None, description="片区名称")
    established_on: Day = Field(None, description="设立日期（新建时必填）")
    planned_investment_fen: Fen | None = Field(None, description="计划投资，单位：分")
    target_industries: list[Code] = Field(None, max_length=50, description="重点引进行业代码（门类或大类）")
    focus: Text(limits.LONG_TEXT) = None
    construction_started_on: Day | None = None
    completed_on: Day | None = None
    note: Text(limits.LONG_TEXT) = None


class MilestoneIn(InputSchema):
    name: Text(100, 1)
    due_on: Day
    is_completion: bool = False
    note: Text(200) = ""


def _subpark_out(subpark: SubPark, may_edit: bool) -> dict[str, Any]:
    land = sum((p.area_mu for p in subpark.parcels.all()), Decimal(0))
    return {
        "id": subpark.pk, "name": subpark.name, "unit": unit_ref(subpark.unit), "park": park_ref(subpark.park),
        "area": subpark.area.name if subpark.area_id else None, "established_on": subpark.established_on,
        "planned_investment_fen": subpark.planned_investment_fen,
        "target_industries": sorted(i.code for i in subpark.target_industries.all()), "focus": subpark.focus,
        "construction_started_on": subpark.construction_started_on, "completed_on": subpark.completed_on,
        "note": subpark.note, "land_mu": land,
        "buildings": [{"kind": b.kind, "name": b.name, "floor_area_m2": b.floor_area_m2}
                      for b in subpark.buildings.all()],
        "milestones": [{"id": m.pk, "name": m.name, "due_on": m.due_on, "done_on": m.done_on,
                        "is_completion": m.is_completion} for m in subpark.milestones.all()],
        "tenants": [{"enterprise_name": t.enterprise_name, "status": t.status, "since_on": t.since_on}
                    for t in subpark.tenants.all()],
        "may_edit": may_edit,
    }  # fmt: skip


def _subpark_data(payload: SubParkIn, current: Any = None) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    _place(data, errors, current_park=current.park if current else None, area_key="area")
    if "target_industries" in data:
        codes = list(dict.fromkeys(data["target_industries"]))
        found = {i.code: i for i in Industry.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            errors["target_industries"] = f"行业“{'、'.join(missing)}”不存在"
        data["target_industries"] = [found[c] for c in codes if c in found]
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/subparks", response=responses(SubParkPage))
def subpark_list(request, filters: Query[ListFilters]):
    qs = subparks_visible_to(request.user)
    if filters.park:
        qs = qs.filter(park__code=filters.park)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    qs = qs.order_by("park", "name", "pk").prefetch_related(
        "parcels", "buildings", "milestones", "tenants", "target_industries"
    )
    unit_id = getattr(request.user, "unit_id", None)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "total": qs.count(), "limit": filters.limit, "offset": filters.offset,
        "items": [_subpark_out(s, s.unit_id == unit_id) for s in page],
    }  # fmt: skip


@router.post("/subparks", response=responses(SubParkOut, 201))
def subpark_create(request, payload: SubParkIn):
    """A unit registers the sub-park (跨区域合作园区) it builds inside a key park."""
    subpark = services.subpark_create(actor=request.user, data=_subpark_data(payload))
    access = subpark_for_user_or_404(request.user, subpark.pk)
    return HttpStatus(201, _subpark_out(access.subpark, access.may_edit))


@router.get("/subparks/{subpark_id}", response=responses(SubParkOut))
def subpark_detail(request, subpark_id: ObjectId):
    access = subpark_for_user_or_404(request.user, subpark_id)
    return _subpark_out(access.subpark, access.may_edit)


@router.patch("/subparks/{subpark_id}", response=responses(SubParkOut))
def subpark_update(request, subpark_id: ObjectId, payload: SubParkIn):
    access = subpark_for_user_or_404(request.user, subpark_id)
    data = _subpark_data(payload, access.subpark)
    services.subpark_update(actor=request.user, subpark=access.subpark, data=data)
    access = subpark_for_user_or_404(request.user, subpark_id)
    return _subpark_out(access.subpark, access.may_edit)


@router.post("/subparks/{subpark_id}/milestones", response=responses(SubParkOut, 201))
def milestone_add(request, subpark_id: ObjectId, payload: MilestoneIn):
    """A dated promise of the sub-park; it cannot fall due before the land was won."""
    access = subpark_for_user_or_404(request.user, subpark_id)
    services.milestone_add(
        actor=request.user, subpark=access.subpark, name=payload.name, due_on=payload.due_on,
        is_completion=payload.is_completion, note=payload.note,
    )  # fmt: skip
    access = subpark_for_user_or_404(request.user, subpark_id)
    return HttpStatus(201, _subpark_out(access.subpark, access.may_edit))


# ---------------------------------------------------------------- the resource library


class ResourceOut(Schema):
    id: int
    kind: str
    name: str
    park: ParkRef
    subpark_id: int | None
    subpark: str | None
    area_m2: Decimal
    price_fen: int
    price_unit: str
    available_on: dt.date
    is_available: bool
    industries: list[str]
    note: str
    may_edit: bool


class ResourcePage(Page):
    items: list[ResourceOut]


class ResourceFilters(Schema):
    park: QueryCode | None = None
    subpark: ObjectId | None = None
    kind: KindValue | None = None
    available_by: Day | None = Field(None, description="在此日期或之前可用")
    only_available: bool = False
    q: Search | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


class ResourceIn(InputSchema):
    kind: KindValue = None
    name: Text(100) = None
    park: Code = None
    subpark: ObjectId | None = None
    area_m2: Area = Field(None, description="面积（平方米），最多两位小数")
    price_fen: Fen = Field(None, description="价格，单位：分，按计价方式")
    price_unit: PriceUnitValue = None
    available_on: Day = None
    is_available: bool = None
    industries: list[Code] = Field(None, max_length=50, description="适合行业代码（门类或大类）")
    note: Text(200) = None


def _resource_out(user: Any, resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.pk, "kind": resource.kind, "name": resource.name, "park": park_ref(resource.park),
        "subpark_id": resource.subpark_id, "subpark": resource.subpark.name if resource.subpark_id else None,
        "area_m2": resource.area_m2, "price_fen": resource.price_fen, "price_unit": resource.price_unit,
        "available_on": resource.available_on, "is_available": resource.is_available,
        "industries": sorted(i.code for i in resource.industries.all()), "note": resource.note,
        "may_edit": resource_may_edit(user, resource),
    }  # fmt: skip


def _resource_data(payload: ResourceIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    _place(data, errors, area_key="_none")
    if "industries" in data:
        codes = list(dict.fromkeys(data["industries"]))
        found = {i.code: i for i in Industry.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            errors["industries"] = f"行业“{'、'.join(missing)}”不存在"
        data["industries"] = [found[c] for c in codes if c in found]
    if errors:
        raise ValidationError(errors)
    return data


def _resource_or_404(user: Any, pk: int) -> Resource:
    from django.http import Http404

    resource = resources_visible_to(user).filter(pk=pk).first()
    if resource is None:
        raise Http404
    return resource


@router.get("/resources", response=responses(ResourcePage))
def resource_list(request, filters: Query[ResourceFilters]):
    """The resource library (资源库): every business role reads it, filtered as the page is."""
    resource_filter = ResourceFilter(
        park=filters.park or "", subpark=filters.subpark, kind=filters.kind or "",
        available_by=filters.available_by, only_available=filters.only_available, q=filters.q or "",
    )  # fmt: skip
    qs = resource_filter.apply(resources_visible_to(request.user))
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "total": qs.count(), "limit": filters.limit, "offset": filters.offset,
        "items": [_resource_out(request.user, r) for r in page],
    }  # fmt: skip


@router.post("/resources", response=responses(ResourceOut, 201))
def resource_create(request, payload: ResourceIn):
    """The city bureaus add any offer, a park committee its park's, a unit its own sub-parks'."""
    resource = services.resource_save(actor=request.user, data=_resource_data(payload))
    return HttpStatus(201, _resource_out(request.user, _resource_or_404(request.user, resource.pk)))


@router.get("/resources/{resource_id}", response=responses(ResourceOut))
def resource_detail(request, resource_id: ObjectId):
    return _resource_out(request.user, _resource_or_404(request.user, resource_id))


@router.patch("/resources/{resource_id}", response=responses(ResourceOut))
def resource_update(request, resource_id: ObjectId, payload: ResourceIn):
    resource = _resource_or_404(request.user, resource_id)
    services.resource_save(actor=request.user, data=_resource_data(payload), resource=resource)
    return _resource_out(request.user, _resource_or_404(request.user, resource_id))
