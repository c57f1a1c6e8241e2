"""API of the money path's effective-dated rules: retention rates and the sharing defaults.

Both change from a month (a day) on in one step through the same services as the pages and the Excel
import (sharing.services.rate_change, projects.services.policy_change); refusals are 422 with the services'
Chinese messages. Everyone signed in reads them (reference data); only the city administrator changes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from enclave.api_schemas import BasisPoints, Code, Day, InputSchema, Month, ObjectId, Text, responses
from enclave.parks.queries import sharing_policies_for_reference
from enclave.projects import services as project_services
from enclave.projects.models import Kind, SharingPolicy, StartEvent
from enclave.sharing import queries, services
from enclave.sharing.models import RetentionRate, TaxType

router = Router(tags=["规则：留成比例与分享默认比例"])
Reason = Text(500)


class RateOut(Schema):
    id: int
    tax_type: str = Field(description="税种代码")
    tax_type_name: str
    effective_from: dt.date = Field(description="生效月份（1日）")
    effective_to: dt.date | None = Field(description="失效月份（含，1日）；空为长期")
    rate_bp: int = Field(description="县级留成比例（基点，10000 = 100%）")
    is_default: bool
    note: str


class RatePage(Schema):
    count: int
    items: list[RateOut]


class RateFilters(Schema):
    tax_type: Code | None = None
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**9)


class RateChangeIn(InputSchema):
    tax_type: Code = Field(description="税种代码，如 vat")
    from_month: Month = Field(description="新比例自该月起适用（2025-07 或 2025-07-01）")
    rate_bp: BasisPoints = Field(description="新的县级留成比例（基点）")
    reason: Reason = Field(description="原因（必填，不超过200字）")


def _rate_out(rate: RetentionRate) -> dict[str, Any]:
    return {
        "id": rate.pk, "tax_type": rate.tax_type.code, "tax_type_name": rate.tax_type.name,
        "effective_from": rate.effective_from, "effective_to": rate.effective_to, "rate_bp": rate.rate_bp,
        "is_default": rate.is_default, "note": rate.note,
    }  # fmt: skip


@router.get("/rates", response=responses(RatePage))
def rate_list(request, filters: Query[RateFilters]):
    """Retention rates (县级留成比例) with their months, newest first per tax type."""
    rows = queries.rates_listed(tax_code=filters.tax_type or "")
    items = rows[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "items": [_rate_out(r) for r in items]}


@router.post("/rates/change", response=responses(RateOut, 201))
def rate_change(request, payload: RateChangeIn):
    """Change a tax type's rate from a month on: the running row ends the month before, the new one starts."""
    tax_type = TaxType.objects.filter(code=payload.tax_type, is_active=True).first()
    if tax_type is None:
        raise ValidationError({"tax_type": f"未知税种“{payload.tax_type}”"})
    rate = services.rate_change(actor=request.user, tax_type=tax_type, from_month=payload.from_month,
                                rate_bp=payload.rate_bp, reason=payload.reason)  # fmt: skip
    return HttpStatus(201, _rate_out(rate))


StartEventValue = Literal[tuple(StartEvent.values)]  # type: ignore[valid-type]


class PolicyOut(Schema):
    id: int
    kind: str = Field(description="项目类型")
    relocation_class: str = Field(description="流转类别（存量流转项目）")
    effective_from: dt.date
    effective_to: dt.date | None = Field(description="失效日期（含）；空为长期")
    cooperating_bp: int = Field(description="协作地分成（基点）")
    host_bp: int = Field(description="承载地分成（基点）")
    duration_months: int = Field(description="分享期限（月）")
    host_contribution: str = Field(description="承载地投入情况：co_invested / no_input；空为不区分")
    start_event: str = Field(description="期限起算：first_tax_after_recognition / move / agreement_month")
    cap_years_before_move: int | None = Field(description="分享上限：企业搬迁前若干年的纳税额；空为不设上限")
    extension_months: int = Field(description="期满未达上限时延长的月数")
    is_default: bool
    note: str


class PolicyPage(Schema):
    count: int
    items: list[PolicyOut]


class PolicyFilters(Schema):
    kind: Text(20) | None = None  # type: ignore[valid-type]
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10**9)


class PolicyChangeIn(InputSchema):
    from_date: Day = Field(description="新比例自该日起适用；原比例在前一日结束")
    cooperating_bp: BasisPoints | None = None
    host_bp: BasisPoints | None = None
    duration_months: int | None = Field(None, strict=True, ge=1, le=600)
    start_event: StartEventValue | None = None
    cap_years_before_move: int | None = Field(None, strict=True, ge=0, le=10, description="0 取消上限")
    extension_months: int | None = Field(None, strict=True, ge=0, le=600)
    reason: Reason = Field(description="原因（必填，不超过200字）")


def _policy_out(policy: SharingPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in PolicyOut.model_fields} | {"id": policy.pk}


@router.get("/sharing-policies", response=responses(PolicyPage))
def policy_list(request, filters: Query[PolicyFilters]):
    """The sharing defaults (利益分享默认比例) by project kind and relocation class, with their dates."""
    rows = sharing_policies_for_reference()
    if filters.kind:
        if filters.kind not in Kind.values:
            raise ValidationError({"kind": f"未知的项目类型“{filters.kind}”"})
        rows = rows.filter(kind=filters.kind)
    items = rows[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "items": [_policy_out(p) for p in items]}


@router.post("/sharing-policies/{policy_id}/change", response=responses(PolicyOut, 201))
def policy_change(request, policy_id: ObjectId, payload: PolicyChangeIn):
    """Change the default of the row's kind and relocation class from a day on (only the given values)."""
    policy = get_object_or_404(SharingPolicy, pk=policy_id)
    values = payload.model_dump(exclude={"from_date", "reason"}, exclude_none=True)
    if values.get("cap_years_before_move") == 0:
        values["cap_years_before_move"] = None  # 0: no cap
    changed = project_services.policy_change(actor=request.user, policy=policy, from_date=payload.from_date,
                                             values=values, reason=payload.reason)  # fmt: skip
    return HttpStatus(201, _policy_out(changed))
