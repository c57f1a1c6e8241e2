"""The enterprise library (企业库) over the API. Reads go through enterprises/queries.py, writes through
enterprises/services.py; this module only translates between JSON and those functions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from enclave.api_schemas import (
    MAX_PAGE,
    Code,
    Fen,
    IndustryRef,
    InputSchema,
    ObjectId,
    Text,
    UnitRef,
    industry_ref,
    responses,
    unit_ref,
)
from enclave.enterprises import services
from enclave.enterprises.models import Enterprise, OriginKind
from enclave.enterprises.queries import (
    enterprise_for_user_or_404,
    enterprises_full_access,
    enterprises_visible_to,
)
from enclave.parks.models import Industry

router = Router(tags=["企业库"])

Name = Text(120)
CreditCode = Text(40)
Address = Text(200)
Origin = Text(40)
Person = Text(40)
Search = Text(100)
OriginKindValue = Literal[tuple(OriginKind.values)]  # type: ignore[valid-type]


# ---------------------------------------------------------------- schemas


class EnterprisePublicOut(Schema):
    """What anyone who can see the enterprise may read (it is public registry information)."""

    access: Literal["public"]
    id: int
    name: str
    credit_code: str
    origin_kind: str
    origin: str
    industry: IndustryRef


class EnterpriseOut(Schema):
    access: Literal["full"]
    id: int
    name: str
    credit_code: str
    origin_kind: str
    origin: str
    industry: IndustryRef
    registered_address: str
    registered_capital_fen: int
    contact_name: str
    owner_unit: UnitRef | None
    may_edit: bool
    created_at: dt.datetime
    updated_at: dt.datetime


EnterpriseAny = Annotated[EnterpriseOut | EnterprisePublicOut, Field(discriminator="access")]


class EnterprisePage(Schema):
    total: int
    limit: int
    offset: int
    items: list[EnterpriseAny]


class EnterpriseFilters(Schema):
    q: Search | None = Field(None, description="按企业名称或统一社会信用代码搜索")
    industry: Code | None = Field(None, description="行业代码（大类两位数字或门类字母）")
    origin_kind: OriginKindValue | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


class EnterpriseIn(InputSchema):
    """Every field optional here: on POST the service says which are missing; on PATCH only sent fields change.

    Non-nullable fields default to None but refuse an explicit null.
    """

    name: Name = None
    credit_code: CreditCode = Field(None, description="统一社会信用代码（18位）")
    registered_address: Address = None
    registered_capital_fen: Fen = Field(None, description="注册资本，单位：分")
    origin_kind: OriginKindValue = None
    origin: Origin = Field(None, description="来源地：省级行政区名称或国家/地区")
    industry: Code = Field(None, description="行业代码（GB/T 4754-2017）")
    contact_name: Person = None


# ---------------------------------------------------------------- helpers


def enterprise_out(enterprise: Enterprise, *, full: bool, may_edit: bool = False) -> dict[str, Any]:
    """The enterprise as the user may see it: public facts, plus address, capital and contact if `full`."""
    data: dict[str, Any] = {
        "access": "full" if full else "public",
        "id": enterprise.pk,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "origin_kind": enterprise.origin_kind,
        "origin": enterprise.origin,
        "industry": industry_ref(enterprise.industry),
    }
    if full:
        data.update(
            registered_address=enterprise.registered_address,
            registered_capital_fen=enterprise.registered_capital_fen,
            contact_name=enterprise.contact_name,
            owner_unit=unit_ref(enterprise.owner_unit),
            may_edit=may_edit,
            created_at=enterprise.created_at,
            updated_at=enterprise.updated_at,
        )
    return data


def _service_data(payload: EnterpriseIn, *, creating: bool) -> dict[str, Any]:
    """The body as the service expects it: the industry by code becomes the Industry row."""
    data = payload.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    if creating:
        for key in ("name", "credit_code", "origin"):
            data.setdefault(key, "")
        if not data.get("origin_kind"):
            errors["origin_kind"] = "请选择来源地类型"
        if not data.get("industry"):
            errors["industry"] = "请选择所属行业"
    if data.get("industry"):
        industry = Industry.objects.filter(code=data["industry"]).first()
        if industry is None:
            errors["industry"] = f"行业代码“{data['industry']}”不存在"
        data["industry"] = industry
    if errors:
        raise ValidationError(errors)
    return data


def _detail(user: Any, pk: int) -> dict[str, Any]:
    access = enterprise_for_user_or_404(user, pk)
    return enterprise_out(access.enterprise, full=access.full, may_edit=access.may_edit)


# ---------------------------------------------------------------- endpoints


@router.get("/enterprises", response=responses(EnterprisePage))
def enterprise_list(request, filters: Query[EnterpriseFilters]):
    """Enterprises the user may see; search covers public fields only, so it reveals nothing hidden."""
    qs = enterprises_visible_to(request.user).select_related("industry", "owner_unit")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q))
    if filters.industry:
        qs = qs.filter(Q(industry__code=filters.industry) | Q(industry__section__code=filters.industry))
    if filters.origin_kind:
        qs = qs.filter(origin_kind=filters.origin_kind)
    total = qs.count()
    page = list(qs[filters.offset : filters.offset + filters.limit])
    full = set(
        enterprises_full_access(request.user).filter(pk__in=[e.pk for e in page]).values_list("pk", flat=True)
    )
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [enterprise_out(e, full=e.pk in full) for e in page],
    }


@router.post("/enterprises", response=responses(EnterpriseOut, 201))
def enterprise_create(request, payload: EnterpriseIn):
    enterprise = services.enterprise_create(actor=request.user, data=_service_data(payload, creating=True))
    return HttpStatus(201, _detail(request.user, enterprise.pk))


@router.get("/enterprises/{enterprise_id}", response=responses(EnterpriseAny))
def enterprise_detail(request, enterprise_id: ObjectId):
    return _detail(request.user, enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=responses(EnterpriseOut))
def enterprise_update(request, enterprise_id: ObjectId, payload: EnterpriseIn):
    access = enterprise_for_user_or_404(request.user, enterprise_id)
    if not access.may_edit:
        raise PermissionDenied("只能修改本单位登记的企业")
    services.enterprise_update(
        actor=request.user, enterprise=access.enterprise, data=_service_data(payload, creating=False)
    )
    return _detail(request.user, enterprise_id)
