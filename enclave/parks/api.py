"""Reference data over the API: parks, cooperating units, industries.

Reference data is the same for every signed-in user (it is published policy), so these reads need no
scoping beyond authentication.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Prefetch
from django.http import Http404
from ninja import Query, Router, Schema

from enclave.api_schemas import Code, IndustryRef, UnitRef, industry_ref, responses, unit_ref
from enclave.parks.models import Industry, Park, SubPark, Unit
from enclave.parks.queries import with_tiers_today

router = Router(tags=["园区与单位"])


class ParkOut(Schema):
    code: str
    name: str
    short_name: str
    code_prefix: str
    host_unit: UnitRef | None
    focus: str
    is_active: bool


class AreaOut(Schema):
    name: str
    note: str


class ParkSubParkOut(Schema):
    name: str
    unit: UnitRef
    area: str | None


class ParkDetailOut(ParkOut):
    industries: list[IndustryRef]
    areas: list[AreaOut]
    subparks: list[ParkSubParkOut]
    note: str


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    division_code: str
    tier: str
    is_active: bool


class IndustryOut(Schema):
    code: str
    name: str
    level: str
    section_code: str


class IndustryFilters(Schema):
    level: Literal["section", "division"] | None = None
    section: Code | None = None


def _park_out(park: Park) -> dict[str, object]:
    return {
        "code": park.code,
        "name": park.name,
        "short_name": park.short_name,
        "code_prefix": park.code_prefix,
        "host_unit": unit_ref(park.host_unit),
        "focus": park.focus,
        "is_active": park.is_active,
    }


@router.get("/parks", response=responses(list[ParkOut]))
def park_list(request):
    return [_park_out(p) for p in Park.objects.select_related("host_unit")]


@router.get("/parks/{code}", response=responses(ParkDetailOut))
def park_detail(request, code: Code):
    park = (
        Park.objects.select_related("host_unit")
        .prefetch_related(
            "industries", "areas", Prefetch("subparks", SubPark.objects.select_related("unit", "area"))
        )
        .filter(code=code)
        .first()
    )
    if park is None:
        raise Http404
    return {
        **_park_out(park),
        "note": park.note,
        "industries": [industry_ref(i) for i in park.industries.all()],
        "areas": [{"name": a.name, "note": a.note} for a in park.areas.all()],
        "subparks": [
            {"name": s.name, "unit": unit_ref(s.unit), "area": s.area.name if s.area else None}
            for s in park.subparks.all()
        ],
    }


@router.get("/units", response=responses(list[UnitOut]))
def unit_list(request):
    return with_tiers_today(Unit.objects.all())


@router.get("/industries", response=responses(list[IndustryOut]))
def industry_list(request, filters: Query[IndustryFilters]):
    """GB/T 4754-2017 sections (门类) and divisions (大类); `section=C` lists the divisions of C."""
    qs = Industry.objects.select_related("section")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.section:
        qs = qs.filter(section__code=filters.section)
    return list(qs)
