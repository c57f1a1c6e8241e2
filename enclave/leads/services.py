"""Writes of leads and site visits: one transaction each, with its audit row.

Only these functions change a lead's stage. Each stage change is a dated LeadEvent (the funnel reads them)
and an audit row; the update is a compare-and-set on the stage the caller saw, so two officials moving
the same lead at once cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enclave.accounts.models import Role, User
from enclave.audit.models import Verb
from enclave.audit.services import diff, event_record, snapshot
from enclave.enterprises.models import Enterprise, OriginKind
from enclave.enterprises.queries import enterprises_visible_to
from enclave.leads.models import Channel, Lead, LeadEvent, Visit
from enclave.leads.pipeline import EventKind, Stage, StageError, move_check
from enclave.lib.codes import PROVINCES
from enclave.parks.models import Industry, Park, SubPark
from enclave.projects import services as project_services
from enclave.projects.models import Kind, Nature, RelocationClass

CONTENT_FIELDS = (
    "enterprise", "enterprise_name", "park", "subpark", "industry", "expected_investment_fen", "needed_area_m2",
    "origin_kind", "origin", "channel", "contact_name", "owner", "next_step", "next_step_on", "note",
)  # fmt: skip
MAX_AREA = Decimal("100000000")  # 1亿平方米: anything larger is a typing error


def today() -> dt.date:
    return timezone.localdate()


def _unit_actor(actor: Any, what: str) -> None:
    if getattr(actor, "role", None) != Role.UNIT or not getattr(actor, "unit_id", None):
        raise PermissionDenied(_("只有协作地单位可以%(what)s") % {"what": what})


def _own(actor: Any, unit_id: int, what: str) -> None:
    _unit_actor(actor, what)
    if actor.unit_id != unit_id:
        raise PermissionDenied(_("只能%(what)s本单位的记录") % {"what": what})


def _clean(actor: Any, data: dict[str, Any], *, current: Lead | None) -> dict[str, Any]:
    """Validate a lead's content; every problem at once as {field: Chinese sentence}."""
    cleaned = {k: data[k] for k in CONTENT_FIELDS if k in data}
    merged = {k: getattr(current, k) for k in CONTENT_FIELDS} if current else {}
    merged.update(cleaned)
    errors: dict[str, str] = {}

    enterprise = merged.get("enterprise")
    if enterprise is not None:
        if (
            not isinstance(enterprise, Enterprise)
            or not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists()
        ):
            errors["enterprise"] = _("企业库中没有该企业")
        elif not (merged.get("enterprise_name") or "").strip():
            cleaned["enterprise_name"] = merged["enterprise_name"] = enterprise.name
    if "enterprise_name" in cleaned:
        cleaned["enterprise_name"] = (cleaned["enterprise_name"] or "").strip()
        merged["enterprise_name"] = cleaned["enterprise_name"]
    if not merged.get("enterprise_name"):
        errors["enterprise_name"] = _("请填写企业名称，或选择企业库中的企业")

    park = merged.get("park")
    if park is not None and (not isinstance(park, Park) or not park.is_active):
        errors["park"] = _("目标园区不存在或已停用")
    subpark = merged.get("subpark")
    if subpark is not None:
        if not isinstance(subpark, SubPark):
            errors["subpark"] = _("园中园不存在")
        elif park is None:
            cleaned["park"] = merged["park"] = subpark.park
        elif isinstance(park, Park) and subpark.park_id != park.pk:
            errors["subpark"] = _("所选园中园不在目标园区内")
    industry = merged.get("industry")
    if industry is not None and (not isinstance(industry, Industry) or industry.level != Industry.DIVISION):
        errors["industry"] = _("请选择到国民经济行业大类（两位代码）")

    amount = merged.get("expected_investment_fen")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        errors["expected_investment_fen"] = _("预计投资额应为以分计的整数")
    elif amount is not None and amount < 0:
        errors["expected_investment_fen"] = _("预计投资额不能为负数")
    elif amount is not None and amount > settings.ENCLAVE_MAX_AMOUNT_FEN:
        errors["expected_investment_fen"] = _("预计投资额超过1000亿元，请核对单位（元/万元）")
    area = merged.get("needed_area_m2")
    if area is not None:
        try:
            area = Decimal(area)
        except (InvalidOperation, TypeError, ValueError):
            errors["needed_area_m2"] = _("需求面积应为数字（平方米）")
        else:
            if area < 0:
                errors["needed_area_m2"] = _("需求面积不能为负数")
            elif area > MAX_AREA or area != area.quantize(Decimal("0.01")):
                errors["needed_area_m2"] = _("需求面积应在0到1亿平方米之间，最多两位小数")
            elif "needed_area_m2" in cleaned:
                cleaned["needed_area_m2"] = area

    kind, origin = merged.get("origin_kind") or "", (merged.get("origin") or "").strip()
    if "origin" in cleaned:
        cleaned["origin"] = origin
    if kind and kind not in OriginKind.values:
        errors["origin_kind"] = _("请从列表中选择来源地类型")
    elif (
        kind == OriginKind.OUT_OF_PROVINCE
        and origin
        and (origin not in PROVINCES.values() or origin == "云南省")
    ):
        errors["origin"] = _("省外企业的来源地应为云南省以外的省级行政区，如“上海市”")
    if merged.get("channel") and merged["channel"] not in Channel.values:
        errors["channel"] = _("请从列表中选择对接渠道")
    owner = merged.get("owner")
    unit_id = current.unit_id if current else getattr(actor, "unit_id", None)
    if owner is not None and (not isinstance(owner, User) or owner.unit_id != unit_id or not owner.is_active):
        errors["owner"] = _("负责人应为本单位的用户")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _date_check(
    on: dt.date | None, *, field: str, not_before: dt.date | None = None, label: str = ""
) -> dt.date:
    on = on or today()
    if on > today():
        raise ValidationError({field: _("日期不能晚于今天（%(today)s）") % {"today": f"{today():%Y-%m-%d}"}})
    if not_before and on < not_before:
        raise ValidationError(
            {field: _("日期不能早于%(label)s（%(day)s）") % {"label": label, "day": f"{not_before:%Y-%m-%d}"}}
        )
    return on


@transaction.atomic
def lead_create(
    *, actor: Any, data: dict[str, Any], contacted_on: dt.date | None = None, is_sample: bool = False
) -> Lead:
    """A unit registers an enterprise it has contacted (已接洽): the lead and its first dated event."""
    _unit_actor(actor, _("登记招商线索"))
    contacted_on = _date_check(contacted_on, field="contacted_on")
    cleaned = _clean(actor, data, current=None)
    if cleaned.get("owner") is None:
        cleaned["owner"] = actor
    lead = Lead(
        unit_id=actor.unit_id,
        contacted_on=contacted_on,
        stage=Stage.CONTACTED,
        stage_on=contacted_on,
        created_by=actor,
        is_sample=is_sample,
        **cleaned,
    )
    lead.save()
    LeadEvent.objects.create(lead=lead, kind=Stage.CONTACTED, on=contacted_on, actor=actor)
    event_record(actor=actor, verb=Verb.CREATE, target=lead, after=snapshot(lead))
    return lead


@transaction.atomic
def lead_update(*, actor: Any, lead: Lead, data: dict[str, Any]) -> Lead:
    """Change a lead's content (not its stage, unit or dates of events: those move through lead_move)."""
    _own(actor, lead.unit_id, _("修改招商线索"))
    if lead.stage == Stage.FILED and any(k in data for k in ("enterprise", "park", "industry")):
        data = {k: v for k, v in data.items() if k not in ("enterprise", "park", "subpark", "industry")}
    before = snapshot(lead)
    cleaned = _clean(actor, data, current=lead)
    for key, value in cleaned.items():
        setattr(lead, key, value)
    lead.save()
    b, a = diff(before, snapshot(lead))
    if a:
        event_record(actor=actor, verb=Verb.UPDATE, target=lead, before=b, after=a)
    return lead


def _facts(lead: Lead) -> dict[str, Any]:
    return {
        "park_id": lead.park_id,
        "industry_id": lead.industry_id,
        "expected_investment_fen": lead.expected_investment_fen,
        "enterprise_id": lead.enterprise_id,
        "origin": lead.origin,
    }


def _stage_set(
    *,
    actor: Any,
    lead: Lead,
    target: str,
    on: dt.date,
    reason: str = "",
    visit: Visit | None = None,
    **updates: Any,
) -> Lead:
    """Compare-and-set the stage, write the dated event and the audit row (inside the caller's transaction)."""
    before = snapshot(lead)
    fields = {"stage": target, "stage_on": on, "updated_at": timezone.now(), **updates}
    if target == Stage.DROPPED:
        fields["drop_reason"] = reason
    changed = Lead.objects.filter(pk=lead.pk, stage=lead.stage).update(**fields)
    if changed != 1:
        raise StageError(_("该线索已被他人更新，阶段已变化，请刷新页面后查看"))
    source = lead.stage
    lead.refresh_from_db()
    try:
        with transaction.atomic():
            LeadEvent.objects.create(lead=lead, kind=target, on=on, note=reason, visit=visit, actor=actor)
    except IntegrityError as exc:  # pragma: no cover - stages only move forward, so never twice
        raise StageError(_("该线索已记录过这一阶段")) from exc
    b, a = diff(before, snapshot(lead))
    event_record(
        actor=actor,
        verb=Verb.TRANSITION,
        target=lead,
        before=b,
        after={**a, "from_stage": source, "to_stage": target},
        reason=reason,
    )
    return lead


@transaction.atomic
def lead_move(
    *,
    actor: Any,
    lead: Lead,
    stage: str,
    on: dt.date | None = None,
    reason: str = "",
    visit: Visit | None = None,
) -> Lead:
    """Move a lead forward (已考察, 有意向) or drop it with a reason (已放弃); dated, audited, never backwards."""
    _own(actor, lead.unit_id, _("变更招商线索阶段"))
    if stage == Stage.FILED:
        raise StageError(_("转为项目报备请使用“转为项目”功能"))
    move_check(source=lead.stage, target=stage, facts=_facts(lead), reason=reason)
    on = _date_check(on, field="on", not_before=lead.stage_on, label=_("线索进入当前阶段的日期"))
    return _stage_set(actor=actor, lead=lead, target=stage, on=on, reason=reason.strip(), visit=visit)


@transaction.atomic
def lead_fact_record(*, actor: Any, lead: Lead, kind: str, on: dt.date, note: str = "") -> Lead:
    """Record the day an investment agreement was signed (签约) or the company registered (注册).

    Not gates: a lead may be filed before or without them. Each is recorded once.
    """
    _own(actor, lead.unit_id, _("登记签约或注册"))
    if kind not in EventKind.FACTS:
        raise ValidationError({"kind": _("请选择签约或注册")})
    field = "signed_on" if kind == EventKind.SIGNED else "registered_on"
    if getattr(lead, field):
        raise ValidationError(
            {
                "kind": _("该线索已登记过“%(kind)s”（%(day)s）")
                % {"kind": EventKind.LABELS[kind], "day": getattr(lead, field)}
            }
        )
    on = _date_check(on, field="on", not_before=lead.contacted_on, label=_("首次接洽日期"))
    before = snapshot(lead)
    setattr(lead, field, on)
    lead.save(update_fields=[field, "updated_at"])
    LeadEvent.objects.create(lead=lead, kind=kind, on=on, note=note.strip(), actor=actor)
    b, a = diff(before, snapshot(lead))
    event_record(
        actor=actor, verb=Verb.UPDATE, target=lead, before=b, after=a, reason=str(EventKind.LABELS[kind])
    )
    return lead


def project_kind_for(origin_kind: str) -> str:
    """The project kind a lead's origin suggests: out of province → 新招引（省外）, abroad → 境外, else 存量流转."""
    return {
        OriginKind.OUT_OF_PROVINCE: Kind.NEW_OUT_OF_PROVINCE,
        OriginKind.ABROAD: Kind.NEW_ABROAD,
    }.get(origin_kind, Kind.RELOCATION)


@transaction.atomic
def lead_file(
    *,
    actor: Any,
    lead: Lead,
    name: str,
    kind: str | None = None,
    relocation_class: str = "",
    description: str = "",
    on: dt.date | None = None,
) -> Lead:
    """Turn an intending lead into a cooperation-project filing (转为项目报备).

    The lead's enterprise, park, sub-park, industry, expected investment, origin and agreement/registration
    dates are carried over into a draft in the core workflow (projects.services.project_create), which the
    unit completes and submits there. The lead is then 已转项目 and links to the project.
    """
    _own(actor, lead.unit_id, _("将线索转为项目报备"))
    move_check(source=lead.stage, target=Stage.FILED, facts=_facts(lead))
    on = _date_check(on, field="on", not_before=lead.stage_on, label=_("线索进入当前阶段的日期"))
    kind = kind or project_kind_for(lead.origin_kind)
    if kind == Kind.RELOCATION and relocation_class not in RelocationClass.values:
        raise ValidationError({"relocation_class": _("存量流转项目须选择流转类别")})
    data = {
        "name": name,
        "enterprise": lead.enterprise,
        "park": lead.park,
        "subpark": lead.subpark,
        "industry": lead.industry,
        "kind": kind,
        "relocation_class": relocation_class if kind == Kind.RELOCATION else "",
        "nature": Nature.INDUSTRIAL,
        "planned_investment_fen": lead.expected_investment_fen,
        "origin": lead.origin,
        "description": description,
        "signed_on": lead.signed_on,
        "registered_on": lead.registered_on,
    }
    project = project_services.project_create(actor=actor, data=data, is_sample=lead.is_sample)
    return _stage_set(actor=actor, lead=lead, target=Stage.FILED, on=on, project=project)


@transaction.atomic
def lead_share(*, actor: Any, lead: Lead, units: Any) -> Lead:
    """Share a lead, read-only, with other units (e.g. a partner district of the same sub-park), or stop
    sharing it: the given list replaces the current one. Leads are confidential to their unit otherwise."""
    from enclave.parks.models import Unit

    _own(actor, lead.unit_id, _("共享招商线索"))
    units = list(units or [])
    if any(not isinstance(u, Unit) for u in units):
        raise ValidationError({"shared_with": _("单位不存在")})
    if any(u.pk == lead.unit_id for u in units):
        raise ValidationError({"shared_with": _("线索本来就属于本单位，无须共享给本单位")})
    before = sorted(lead.shared_with.values_list("code", flat=True))
    after = sorted({u.code for u in units})
    if before == after:
        return lead
    lead.shared_with.set(units)
    event_record(
        actor=actor, verb=Verb.UPDATE, target=lead, before={"shared_with": before}, after={"shared_with": after},
        reason=_("共享线索"),
    )  # fmt: skip
    return lead


def leads_export_record(
    *, actor: Any, filters: dict[str, str], description: str, rows: int, what: str = "leads.lead"
) -> None:
    """Every export leaves an audit row saying who took which rows (数据导出留痕)."""
    event_record(
        actor=actor,
        verb=Verb.EXPORT,
        object_type=what,
        object_repr=f"{what}导出（{rows}行）",
        after={"filters": filters, "description": description, "rows": rows},
    )


# ---------------------------------------------------------------- site visits


def _visit_clean(actor: Any, data: dict[str, Any], *, current: Visit | None) -> dict[str, Any]:
    keys = ("visited_on", "park", "subpark", "title", "outcome", "leads")
    cleaned = {k: data[k] for k in keys if k in data}
    merged = {k: getattr(current, k) for k in keys if k != "leads"} if current else {}
    merged.update({k: v for k, v in cleaned.items() if k != "leads"})
    errors: dict[str, str] = {}
    if "title" in cleaned:
        cleaned["title"] = (cleaned["title"] or "").strip()
    if not (merged.get("title") or "").strip():
        errors["title"] = _("请填写考察团名称")
    park = merged.get("park")
    if not isinstance(park, Park):
        errors["park"] = _("请选择考察园区")
    subpark = merged.get("subpark")
    if subpark is not None and (
        not isinstance(subpark, SubPark) or (isinstance(park, Park) and subpark.park_id != park.pk)
    ):
        errors["subpark"] = _("所选园中园不在考察园区内")
    visited_on = merged.get("visited_on")
    if not isinstance(visited_on, dt.date):
        errors["visited_on"] = _("请填写考察日期")
    elif visited_on > today():
        errors["visited_on"] = _("考察日期不能晚于今天")
    leads = cleaned.get("leads")
    if leads is not None:
        leads = list(leads)
        cleaned["leads"] = leads
        foreign = [lead for lead in leads if lead.unit_id != actor.unit_id]
        if foreign:
            errors["leads"] = _("只能选择本单位的线索")
        elif isinstance(visited_on, dt.date):
            early = [lead.enterprise_name for lead in leads if lead.contacted_on > visited_on]
            if early:
                errors["leads"] = _("考察日期早于这些线索的首次接洽日期：%(names)s") % {
                    "names": _("、").join(early)
                }
    if errors:
        raise ValidationError(errors)
    return cleaned


def _visit_leads_advance(*, actor: Any, visit: Visit, leads: list[Lead]) -> int:
    """A visit moves its contacted leads to 已考察 on the visit's date; leads further on stay where they are."""
    moved = 0
    for lead in leads:
        lead.refresh_from_db()
        if lead.stage == Stage.CONTACTED and lead.stage_on <= visit.visited_on:
            _stage_set(actor=actor, lead=lead, target=Stage.VISITED, on=visit.visited_on, visit=visit)
            moved += 1
    return moved


@transaction.atomic
def visit_create(*, actor: Any, data: dict[str, Any], is_sample: bool = False) -> Visit:
    """Register a site visit (投资考察团) and move its contacted leads to 已考察."""
    _unit_actor(actor, _("登记投资考察团"))
    cleaned = _visit_clean(actor, data, current=None)
    leads = cleaned.pop("leads", [])
    visit = Visit(unit_id=actor.unit_id, created_by=actor, is_sample=is_sample, **cleaned)
    visit.save()
    visit.leads.set(leads)
    event_record(
        actor=actor,
        verb=Verb.CREATE,
        target=visit,
        after={**snapshot(visit), "leads": sorted(lead.pk for lead in leads)},
    )
    _visit_leads_advance(actor=actor, visit=visit, leads=leads)
    return visit


@transaction.atomic
def visit_update(*, actor: Any, visit: Visit, data: dict[str, Any]) -> Visit:
    _own(actor, visit.unit_id, _("修改投资考察团"))
    before = {**snapshot(visit), "leads": sorted(visit.leads.values_list("pk", flat=True))}
    cleaned = _visit_clean(actor, data, current=visit)
    leads = cleaned.pop("leads", None)
    if leads is None and "visited_on" in cleaned:
        leads = list(visit.leads.all())
        _visit_clean(actor, {"visited_on": cleaned["visited_on"], "leads": leads}, current=visit)
    for key, value in cleaned.items():
        setattr(visit, key, value)
    visit.save()
    if leads is not None:
        visit.leads.set(leads)
    after = {**snapshot(visit), "leads": sorted(visit.leads.values_list("pk", flat=True))}
    b, a = diff(before, after)
    if a:
        event_record(actor=actor, verb=Verb.UPDATE, target=visit, before=b, after=a)
    _visit_leads_advance(actor=actor, visit=visit, leads=list(visit.leads.all()))
    return visit
