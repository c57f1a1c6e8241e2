"""Writes of enterprises: one transaction each, with its audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from enclave.accounts.models import Role
from enclave.audit.models import Verb
from enclave.audit.services import diff, event_record, snapshot
from enclave.enterprises.models import Enterprise, OriginKind
from enclave.lib.codes import PROVINCES, CodeError, normalise_uscc

EDITABLE_FIELDS = (
    "name", "credit_code", "registered_address", "registered_capital_fen", "origin_kind", "origin", "industry",
    "contact_name",
)  # fmt: skip


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if "credit_code" in cleaned:
        try:
            cleaned["credit_code"] = normalise_uscc(cleaned["credit_code"])
        except CodeError as exc:
            errors["credit_code"] = str(exc)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = "请填写企业名称"
    capital = cleaned.get("registered_capital_fen", 0)
    if capital is not None and not (0 <= int(capital) <= 10**15):
        errors["registered_capital_fen"] = "注册资本应为0到1000亿元之间的金额"
    kind, origin = cleaned.get("origin_kind"), (cleaned.get("origin") or "").strip()
    if "origin" in cleaned:
        cleaned["origin"] = origin
        if not origin:
            errors["origin"] = "请填写来源地（省份或国家/地区）"
        elif kind in (OriginKind.OUT_OF_PROVINCE,) and origin not in PROVINCES.values():
            errors["origin"] = f"“{origin}”不是省级行政区名称，请填写如“上海市”“福建省”"
        elif kind == OriginKind.OUT_OF_PROVINCE and origin == "云南省":
            errors["origin"] = "省外企业的来源地不能是云南省"
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def enterprise_create(*, actor: Any, data: dict[str, Any], is_sample: bool = False) -> Enterprise:
    """Register an enterprise in the library (企业库). Duplicate credit codes are refused."""
    if getattr(actor, "role", None) == Role.AUDITOR:
        raise PermissionDenied("只读审计人员不能登记企业")
    cleaned = _clean(data)
    if Enterprise.objects.filter(credit_code=cleaned.get("credit_code")).exists():
        raise ValidationError({"credit_code": "该统一社会信用代码已登记，请直接使用企业库中的企业"})
    enterprise = Enterprise(
        **cleaned,
        is_sample=is_sample,
        created_by=actor if getattr(actor, "pk", None) else None,
        owner_unit_id=getattr(actor, "unit_id", None),
    )
    enterprise.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as exc:  # a concurrent insert of the same code
        raise ValidationError({"credit_code": "该统一社会信用代码已登记，请直接使用企业库中的企业"}) from exc
    event_record(actor=actor, verb=Verb.CREATE, target=enterprise, after=snapshot(enterprise))
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: Any, enterprise: Enterprise, data: dict[str, Any]) -> Enterprise:
    role = getattr(actor, "role", None)
    may = role in (Role.CITY_ADMIN, Role.REVIEWER) or (
        role == Role.UNIT
        and enterprise.owner_unit_id is not None
        and enterprise.owner_unit_id == actor.unit_id
    )
    if not may:
        raise PermissionDenied("只有登记该企业的单位或市级部门可以修改企业信息")
    before = snapshot(enterprise)
    cleaned = _clean(data)
    if (
        "credit_code" in cleaned
        and Enterprise.objects.filter(credit_code=cleaned["credit_code"]).exclude(pk=enterprise.pk).exists()
    ):
        raise ValidationError({"credit_code": "该统一社会信用代码已被其他企业使用"})
    for key, value in cleaned.items():
        setattr(enterprise, key, value)
    enterprise.full_clean(validate_unique=False)
    enterprise.save()
    b, a = diff(before, snapshot(enterprise))
    if a:
        event_record(actor=actor, verb=Verb.UPDATE, target=enterprise, before=b, after=a)
    return enterprise


def enterprises_export_record(*, actor: Any, filters: dict[str, str], description: str, rows: int) -> None:
    """Every export of the library leaves an audit row saying who took which rows (数据导出留痕)."""
    event_record(
        actor=actor,
        verb=Verb.EXPORT,
        object_type="enterprises.enterprise",
        object_repr=f"企业库导出（{rows}行）",
        after={"filters": filters, "description": description, "rows": rows},
    )
