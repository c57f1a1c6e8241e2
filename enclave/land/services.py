"""Writes of land parcels, sub-park plans, buildings, milestones, tenants and resources: one transaction each,
with its audit row. Only the unit that owns a parcel or sub-park changes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from enclave.accounts.models import Role
from enclave.audit.models import Verb
from enclave.audit.services import diff, event_record, snapshot
from enclave.land.models import (
    Building,
    BuildingKind,
    LandParcel,
    LandUse,
    Milestone,
    Resource,
    Tenant,
    TenantStatus,
)
from enclave.land.queries import resource_may_edit
from enclave.parks.models import Industry, Park, ParkArea, SubPark

MAX_MU = Decimal("1000000")
MAX_M2 = Decimal("1000000000")


def today() -> dt.date:
    return timezone.localdate()


def _own(actor: Any, unit_id: int | None, what: str) -> None:
    if getattr(actor, "role", None) != Role.UNIT or not getattr(actor, "unit_id", None):
        raise PermissionDenied(_("只有协作地单位可以%(what)s") % {"what": what})
    if unit_id is not None and actor.unit_id != unit_id:
        raise PermissionDenied(_("只能%(what)s本单位的记录") % {"what": what})


def decimal_check(value: Any, *, field: str, label: str, maximum: Decimal, positive: bool = True) -> Decimal:
    """An area as an exact Decimal with at most two places; zero or negative refused (never a float)."""
    if isinstance(value, float):
        value = format(value, ".15g")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({field: _("%(label)s应为数字") % {"label": label}}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("%(label)s应为数字") % {"label": label}})
    if number < 0 or (positive and number == 0):
        raise ValidationError({field: _("%(label)s应大于0") % {"label": label}})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(label)s最多保留两位小数") % {"label": label}})
    if number > maximum:
        raise ValidationError({field: _("%(label)s过大，请核对单位") % {"label": label}})
    return number


def _fen_check(value: Any, *, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("%(label)s应为以分计的整数") % {"label": label}})
    if value < 0:
        raise ValidationError({field: _("%(label)s不能为负数") % {"label": label}})
    if value > settings.ENCLAVE_MAX_AMOUNT_FEN:
        raise ValidationError({field: _("%(label)s超过1000亿元，请核对单位") % {"label": label}})
    return value


def _collect(checks: list[Any]) -> None:
    """Run every check and raise all their field errors together."""
    errors: dict[str, list[str]] = {}
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- parcels

PARCEL_FIELDS = (
    "park",
    "park_area",
    "subpark",
    "parcel_no",
    "area_mu",
    "auctioned_on",
    "price_fen",
    "intended_use",
    "note",
)


def _parcel_clean(actor: Any, data: dict[str, Any], current: LandParcel | None) -> dict[str, Any]:
    cleaned = {k: data[k] for k in PARCEL_FIELDS if k in data}
    merged = {k: getattr(current, k) for k in PARCEL_FIELDS} if current else {}
    merged.update(cleaned)
    unit_id = current.unit_id if current else actor.unit_id
    checks: list[Any] = []

    def park() -> None:
        if not isinstance(merged.get("park"), Park):
            raise ValidationError({"park": _("请选择所在园区")})
        area = merged.get("park_area")
        if area is not None and (not isinstance(area, ParkArea) or area.park_id != merged["park"].pk):
            raise ValidationError({"park_area": _("所选片区不属于该园区")})
        subpark = merged.get("subpark")
        if subpark is not None and (
            not isinstance(subpark, SubPark)
            or subpark.park_id != merged["park"].pk
            or subpark.unit_id != unit_id
        ):
            raise ValidationError({"subpark": _("所选园中园应为本单位在该园区的园中园")})

    def area() -> None:
        if merged.get("area_mu") in (None, ""):
            raise ValidationError({"area_mu": _("请填写面积（亩）")})
        cleaned["area_mu"] = decimal_check(
            merged["area_mu"], field="area_mu", label=_("面积"), maximum=MAX_MU
        )

    def price() -> None:
        if merged.get("price_fen") is None:
            raise ValidationError({"price_fen": _("请填写成交价")})
        _fen_check(merged["price_fen"], field="price_fen", label=_("成交价"))

    def when() -> None:
        day = merged.get("auctioned_on")
        if not isinstance(day, dt.date):
            raise ValidationError({"auctioned_on": _("请填写竞得日期")})
        if day > today():
            raise ValidationError({"auctioned_on": _("竞得日期不能晚于今天")})

    def use() -> None:
        if merged.get("intended_use", LandUse.INDUSTRIAL) not in LandUse.values:
            raise ValidationError({"intended_use": _("请从列表中选择用途")})

    checks += [park, area, price, when, use]
    _collect(checks)
    return cleaned


@transaction.atomic
def parcel_create(*, actor: Any, data: dict[str, Any], is_sample: bool = False) -> LandParcel:
    """Record land the actor's unit won at auction (竞得土地)."""
    _own(actor, None, _("登记竞得土地"))
    cleaned = _parcel_clean(actor, data, None)
    parcel = LandParcel.objects.create(
        unit_id=actor.unit_id, created_by=actor, is_sample=is_sample, **cleaned
    )
    event_record(actor=actor, verb=Verb.CREATE, target=parcel, after=snapshot(parcel))
    return parcel


@transaction.atomic
def parcel_update(*, actor: Any, parcel: LandParcel, data: dict[str, Any]) -> LandParcel:
    _own(actor, parcel.unit_id, _("修改竞得土地"))
    before = snapshot(parcel)
    for key, value in _parcel_clean(actor, data, parcel).items():
        setattr(parcel, key, value)
    parcel.save()
    b, a = diff(before, snapshot(parcel))
    if a:
        event_record(actor=actor, verb=Verb.UPDATE, target=parcel, before=b, after=a)
    return parcel


# ---------------------------------------------------------------- sub-parks

SUBPARK_FIELDS = (
    "name", "park", "area", "established_on", "planned_investment_fen", "focus", "construction_started_on",
    "completed_on", "note",
)  # fmt: skip


def _subpark_clean(
    data: dict[str, Any], current: SubPark | None
) -> tuple[dict[str, Any], list[Industry] | None]:
    cleaned = {k: data[k] for k in SUBPARK_FIELDS if k in data}
    industries = data.get("target_industries")
    merged = {k: getattr(current, k) for k in SUBPARK_FIELDS} if current else {}
    merged.update(cleaned)
    checks: list[Any] = []

    def name() -> None:
        cleaned["name"] = merged["name"] = (merged.get("name") or "").strip()
        if not merged["name"]:
            raise ValidationError({"name": _("请填写园中园名称")})
        clash = SubPark.objects.filter(name=merged["name"])
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise ValidationError({"name": _("已有同名的园中园")})

    def park() -> None:
        if not isinstance(merged.get("park"), Park):
            raise ValidationError({"park": _("请选择所在园区")})
        area = merged.get("area")
        if area is not None and (not isinstance(area, ParkArea) or area.park_id != merged["park"].pk):
            raise ValidationError({"area": _("所选片区不属于该园区")})

    def money() -> None:
        if merged.get("planned_investment_fen") is not None:
            _fen_check(merged["planned_investment_fen"], field="planned_investment_fen", label=_("计划投资"))

    def dates() -> None:
        set_up = merged.get("established_on")
        start, done = merged.get("construction_started_on"), merged.get("completed_on")
        if set_up is None:
            raise ValidationError({"established_on": _("请填写园中园的设立日期")})
        dated = (("established_on", set_up), ("construction_started_on", start), ("completed_on", done))
        for key, value in dated:
            if value is not None and value > today():
                raise ValidationError(
                    {key: _("日期不能晚于今天（%(today)s）") % {"today": f"{today():%Y-%m-%d}"}}
                )
        if start and start < set_up:
            raise ValidationError({"construction_started_on": _("开工日期不能早于设立日期")})
        if done and done < set_up:
            raise ValidationError({"completed_on": _("建成投用日期不能早于设立日期")})
        if start and done and done < start:
            raise ValidationError({"completed_on": _("建成投用日期不能早于开工日期")})

    def targets() -> None:
        if industries is not None and any(not isinstance(i, Industry) for i in industries):
            raise ValidationError({"target_industries": _("行业不存在")})

    checks += [name, park, money, dates, targets]
    _collect(checks)
    return cleaned, (list(industries) if industries is not None else None)


def _subpark_state(subpark: SubPark) -> dict[str, Any]:
    return {
        **snapshot(subpark),
        "target_industries": sorted(subpark.target_industries.values_list("code", flat=True)),
    }


@transaction.atomic
def subpark_create(*, actor: Any, data: dict[str, Any]) -> SubPark:
    """A unit registers the sub-park (跨区域合作园区) it builds inside a key park."""
    _own(actor, None, _("登记园中园"))
    cleaned, industries = _subpark_clean(data, None)
    subpark = SubPark.objects.create(unit_id=actor.unit_id, **cleaned)
    if industries is not None:
        subpark.target_industries.set(industries)
    event_record(actor=actor, verb=Verb.CREATE, target=subpark, after=_subpark_state(subpark))
    return subpark


@transaction.atomic
def subpark_update(*, actor: Any, subpark: SubPark, data: dict[str, Any]) -> SubPark:
    _own(actor, subpark.unit_id, _("修改园中园"))
    before = _subpark_state(subpark)
    cleaned, industries = _subpark_clean(data, subpark)
    for key, value in cleaned.items():
        setattr(subpark, key, value)
    subpark.save()
    if industries is not None:
        subpark.target_industries.set(industries)
    b, a = diff(before, _subpark_state(subpark))
    if a:
        event_record(actor=actor, verb=Verb.UPDATE, target=subpark, before=b, after=a)
    return subpark


@transaction.atomic
def building_add(
    *, actor: Any, subpark: SubPark, kind: str, name: str, floor_area_m2: Any, note: str = ""
) -> Building:
    _own(actor, subpark.unit_id, _("登记园中园建筑"))
    errors: dict[str, str] = {}
    if kind not in BuildingKind.values:
        errors["kind"] = _("请从列表中选择建筑类型")
    if not (name or "").strip():
        errors["name"] = _("请填写建筑名称")
    try:
        area = decimal_check(floor_area_m2, field="floor_area_m2", label=_("建筑面积"), maximum=MAX_M2)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    building = Building.objects.create(
        subpark=subpark, kind=kind, name=name.strip(), floor_area_m2=area, note=note
    )
    event_record(actor=actor, verb=Verb.CREATE, target=building, after=snapshot(building))
    return building


def land_won_on(subpark: SubPark) -> dt.date | None:
    """The first day the sub-park's unit won its land (its earliest linked parcel)."""
    return subpark.parcels.aggregate(first=Min("auctioned_on"))["first"]


@transaction.atomic
def milestone_add(
    *, actor: Any, subpark: SubPark, name: str, due_on: dt.date, is_completion: bool = False, note: str = ""
) -> Milestone:
    """A dated promise of the sub-park. A milestone cannot fall due before its land was won."""
    _own(actor, subpark.unit_id, _("登记园中园建设节点"))
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("请填写节点名称")
    won = land_won_on(subpark)
    if not isinstance(due_on, dt.date):
        errors["due_on"] = _("请填写计划完成日期")
    elif won and due_on < won:
        errors["due_on"] = _("计划完成日期不能早于土地竞得日期（%(day)s）") % {"day": f"{won:%Y-%m-%d}"}
    if errors:
        raise ValidationError(errors)
    milestone = Milestone.objects.create(
        subpark=subpark, name=name.strip(), due_on=due_on, is_completion=is_completion, note=note
    )
    event_record(actor=actor, verb=Verb.CREATE, target=milestone, after=snapshot(milestone))
    return milestone


@transaction.atomic
def milestone_done(*, actor: Any, milestone: Milestone, done_on: dt.date) -> Milestone:
    """Record when a milestone was met; meeting the completion milestone completes the sub-park."""
    subpark = milestone.subpark
    _own(actor, subpark.unit_id, _("登记节点完成"))
    if milestone.done_on:
        raise ValidationError(
            {"done_on": _("该节点已登记完成（%(day)s）") % {"day": f"{milestone.done_on:%Y-%m-%d}"}}
        )
    if not isinstance(done_on, dt.date) or done_on > today():
        raise ValidationError({"done_on": _("实际完成日期不能晚于今天")})
    won = land_won_on(subpark)
    if won and done_on < won:
        raise ValidationError(
            {"done_on": _("实际完成日期不能早于土地竞得日期（%(day)s）") % {"day": f"{won:%Y-%m-%d}"}}
        )
    before = snapshot(milestone)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    b, a = diff(before, snapshot(milestone))
    event_record(actor=actor, verb=Verb.UPDATE, target=milestone, before=b, after=a)
    if milestone.is_completion and not subpark.completed_on:
        subpark_update(actor=actor, subpark=subpark, data={"completed_on": done_on})
    return milestone


@transaction.atomic
def tenant_add(
    *,
    actor: Any,
    subpark: SubPark,
    enterprise_name: str,
    status: str,
    since_on: dt.date,
    lead: Any = None,
    floor_area_m2: Any = None,
    is_sample: bool = False,
) -> Tenant:
    """An enterprise that intends to enter (意向入园) or has entered (已入园) the sub-park."""
    _own(actor, subpark.unit_id, _("登记入园企业"))
    errors: dict[str, str] = {}
    name = (enterprise_name or (lead.enterprise_name if lead else "") or "").strip()
    if not name:
        errors["enterprise_name"] = _("请填写企业名称")
    if status not in TenantStatus.values:
        errors["status"] = _("请选择入园状态")
    if lead is not None and lead.unit_id != subpark.unit_id:
        errors["lead"] = _("只能选择本单位的线索")
    if not isinstance(since_on, dt.date) or since_on > today():
        errors["since_on"] = _("日期不能晚于今天（%(today)s）") % {"today": f"{today():%Y-%m-%d}"}
    area = None
    if floor_area_m2 not in (None, ""):
        try:
            area = decimal_check(floor_area_m2, field="floor_area_m2", label=_("使用面积"), maximum=MAX_M2)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    tenant = Tenant.objects.create(
        subpark=subpark, enterprise_name=name, status=status, since_on=since_on, lead=lead,
        floor_area_m2=area, is_sample=is_sample,
    )  # fmt: skip
    event_record(actor=actor, verb=Verb.CREATE, target=tenant, after=snapshot(tenant))
    return tenant


def land_export_record(
    *, actor: Any, what: str, filters: dict[str, str], description: str, rows: int
) -> None:
    event_record(
        actor=actor,
        verb=Verb.EXPORT,
        object_type=what,
        object_repr=f"{what}导出（{rows}行）",
        after={"filters": filters, "description": description, "rows": rows},
    )


# ---------------------------------------------------------------- resources

RESOURCE_FIELDS = (
    "kind",
    "name",
    "park",
    "subpark",
    "area_m2",
    "price_fen",
    "price_unit",
    "available_on",
    "is_available",
    "note",
)


@transaction.atomic
def resource_save(
    *, actor: Any, data: dict[str, Any], resource: Resource | None = None, is_sample: bool = False
) -> Resource:
    """Add or change an offer in the resource library (资源库)."""
    scope_role = getattr(actor, "role", None)
    if scope_role not in (Role.CITY_ADMIN, Role.REVIEWER, Role.PARK, Role.UNIT):
        raise PermissionDenied(_("您的角色不能维护资源库"))
    if resource is not None and not resource_may_edit(actor, resource):
        raise PermissionDenied(_("只能修改本单位或本园区登记的资源"))
    from enclave.land.models import PriceUnit, ResourceKind

    cleaned = {k: data[k] for k in RESOURCE_FIELDS if k in data}
    industries = data.get("industries")
    merged = {k: getattr(resource, k) for k in RESOURCE_FIELDS} if resource else {"is_available": True}
    merged.update(cleaned)
    checks: list[Any] = []

    def basics() -> None:
        errors: dict[str, str] = {}
        if merged.get("kind") not in ResourceKind.values:
            errors["kind"] = _("请选择资源类型")
        if not (merged.get("name") or "").strip():
            errors["name"] = _("请填写资源名称")
        if merged.get("price_unit", PriceUnit.PER_M2_MONTH) not in PriceUnit.values:
            errors["price_unit"] = _("请选择计价方式")
        if not isinstance(merged.get("available_on"), dt.date):
            errors["available_on"] = _("请填写可用日期")
        if errors:
            raise ValidationError(errors)

    def place() -> None:
        park, subpark = merged.get("park"), merged.get("subpark")
        if not isinstance(park, Park):
            raise ValidationError({"park": _("请选择园区")})
        if scope_role == Role.PARK and park.pk != actor.park_id:
            raise ValidationError({"park": _("只能登记本园区的资源")})
        if subpark is not None and (not isinstance(subpark, SubPark) or subpark.park_id != park.pk):
            raise ValidationError({"subpark": _("所选园中园不在该园区内")})
        if scope_role == Role.UNIT and (subpark is None or subpark.unit_id != actor.unit_id):
            raise ValidationError({"subpark": _("协作地单位只能登记本单位园中园的资源")})

    def area() -> None:
        if merged.get("area_m2") in (None, ""):
            raise ValidationError({"area_m2": _("请填写面积（平方米）")})
        cleaned["area_m2"] = decimal_check(
            merged["area_m2"], field="area_m2", label=_("面积"), maximum=MAX_M2
        )

    def price() -> None:
        _fen_check(merged.get("price_fen", 0), field="price_fen", label=_("价格"))

    checks += [basics, place, area, price]
    _collect(checks)
    if "name" in cleaned:
        cleaned["name"] = cleaned["name"].strip()
    before = None
    if resource is None:
        resource = Resource(
            created_by=actor, is_sample=is_sample, unit_id=getattr(actor, "unit_id", None), **cleaned
        )
    else:
        before = {
            **snapshot(resource),
            "industries": sorted(resource.industries.values_list("code", flat=True)),
        }
        for key, value in cleaned.items():
            setattr(resource, key, value)
    resource.save()
    if industries is not None:
        resource.industries.set(industries)
    after = {**snapshot(resource), "industries": sorted(resource.industries.values_list("code", flat=True))}
    if before is None:
        event_record(actor=actor, verb=Verb.CREATE, target=resource, after=after)
    else:
        b, a = diff(before, after)
        if a:
            event_record(actor=actor, verb=Verb.UPDATE, target=resource, before=b, after=a)
    return resource
