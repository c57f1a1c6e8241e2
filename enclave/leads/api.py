"""Leads (招商线索) and site visits (投资考察团) over the API.

Reads go through leads/queries.py (a unit sees its own leads and those shared with it; a park committee
those aimed at its park; the city all) and writes through leads/services.py, exactly as the pages do;
this module only turns JSON into those calls and back. Stage moves that skip required data, dates before
the lead existed and leads of another unit are refused by the services with a Chinese message (4xx) and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from enclave.accounts.models import User
from enclave.api_schemas import (
    MAX_PAGE,
    Code,
    Day,
    Fen,
    IndustryRef,
    InputSchema,
    ObjectId,
    ParkRef,
    QueryCode,
    Text,
    UnitRef,
    industry_ref,
    park_ref,
    responses,
    unit_ref,
)
from enclave.enterprises.models import OriginKind
from enclave.enterprises.queries import enterprises_visible_to
from enclave.leads import services
from enclave.leads.filters import LeadFilter, VisitFilter
from enclave.leads.models import Channel, Lead, Visit
from enclave.leads.pipeline import EventKind, Stage
from enclave.leads.queries import (
    lead_for_user_or_404,
    leads_visible_to,
    visit_for_user_or_404,
    visits_visible_to,
)
from enclave.lib import limits
from enclave.lib.codes import CodeError, normalise_uscc
from enclave.parks.models import Industry, Park, SubPark, Unit

router = Router(tags=["招商线索与考察"])

Name = Text(120)
Short = Text(200)
LongText = Text(limits.LONG_TEXT)
Search = Text(100)
# An area in m²: a JSON number or a decimal string; the services refuse negatives and more than two places.
Area = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=20)]
StageValue = Literal[tuple(v for v, _ in Stage.CHOICES)]  # type: ignore[valid-type]
MoveValue = Literal[Stage.VISITED, Stage.INTENDING, Stage.DROPPED]
FactValue = Literal[EventKind.SIGNED, EventKind.REGISTERED]
ChannelValue = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
OriginKindValue = Literal[("", *OriginKind.values)]  # type: ignore[valid-type]
IndustryCode = Annotated[str, Field(pattern=r"^(?:[A-Ta-t]|\d{2})$")]


# ---------------------------------------------------------------- schemas


class LeadEventOut(Schema):
    kind: str
    kind_label: str
    on: dt.date
    note: str
    visit_id: int | None


class LeadOut(Schema):
    id: int
    enterprise_name: str
    enterprise_credit_code: str | None
    unit: UnitRef
    park: ParkRef | None
    subpark: str | None
    industry: IndustryRef | None
    expected_investment_fen: int | None
    needed_area_m2: Decimal | None
    origin_kind: str
    origin: str
    channel: str
    contact_name: str
    owner: str | None
    next_step: str
    next_step_on: dt.date | None
    note: str
    stage: str
    stage_label: str
    contacted_on: dt.date
    stage_on: dt.date
    drop_reason: str
    signed_on: dt.date | None
    registered_on: dt.date | None
    project_id: int | None
    shared_with: list[UnitRef]
    may_edit: bool
    events: list[LeadEventOut]


class LeadItem(Schema):
    id: int
    enterprise_name: str
    unit: UnitRef
    park: ParkRef | None
    industry: IndustryRef | None
    stage: str
    stage_label: str
    contacted_on: dt.date
    stage_on: dt.date
    next_step_on: dt.date | None


class LeadPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[LeadItem]


class LeadFilters(Schema):
    stage: StageValue | None = None
    unit: QueryCode | None = Field(None, description="招商单位代码")
    park: QueryCode | None = Field(None, description="目标园区代码")
    subpark: ObjectId | None = Field(None, description="目标园中园 id")
    industry: IndustryCode | None = Field(None, description="行业：大类两位数字或门类字母")
    overdue: bool = Field(False, description="只列下一步日期已过的未结线索")
    q: Search | None = Field(None, description="按企业名称、信用代码或下一步工作搜索")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


class LeadIn(InputSchema):
    """A lead's content (services.CONTENT_FIELDS), foreign objects by code. On PATCH only the fields sent
    change; the stage, the unit and the event dates change only through /move, /facts and /file."""

    enterprise_name: Name = None
    enterprise: Text(40) | None = Field(None, description="企业库中企业的统一社会信用代码")
    park: Code | None = Field(None, description="目标园区代码")
    subpark: ObjectId | None = Field(None, description="目标园中园 id")
    industry: Code | None = Field(None, description="国民经济行业大类代码（两位）")
    expected_investment_fen: Fen | None = Field(None, description="预计投资额，单位：分")
    needed_area_m2: Area | None = Field(None, description="需求面积（平方米）")
    origin_kind: OriginKindValue = None
    origin: Text(40) = None
    channel: ChannelValue = None
    contact_name: Text(40) = None
    owner: Text(150) | None = Field(None, description="负责人的用户名（本单位用户）")
    next_step: Short = None
    next_step_on: Day | None = None
    note: LongText = None


class LeadCreateIn(LeadIn):
    contacted_on: Day | None = Field(None, description="首次接洽日期，默认今天")


class MoveIn(InputSchema):
    stage: MoveValue
    on: Day | None = Field(None, description="进入该阶段的日期，默认今天")
    reason: Text(limits.REASON) = Field("", description="放弃时必填")


class FactIn(InputSchema):
    kind: FactValue
    on: Day
    note: Text(500) = ""


class ShareIn(InputSchema):
    units: list[Code] = Field(
        ..., max_length=40, description="共享给的单位代码（替换现有共享；空列表即停止共享）"
    )


class MatchOut(Schema):
    resource_id: int
    name: str
    kind: str
    park: str
    subpark: str
    area_m2: Decimal
    available_on: dt.date
    score: int
    reasons: list[str]
    warnings: list[str]


class VisitOut(Schema):
    id: int
    title: str
    visited_on: dt.date
    unit: UnitRef
    park: ParkRef
    subpark: str | None
    outcome: str
    leads: list[int]
    may_edit: bool


class VisitPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[VisitOut]


class VisitFilters(Schema):
    unit: QueryCode | None = None
    park: QueryCode | None = None
    date_from: Day | None = Field(None, alias="from")
    date_to: Day | None = Field(None, alias="to")
    q: Search | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


class VisitIn(InputSchema):
    title: Name = None
    visited_on: Day = None
    park: Code = None
    subpark: ObjectId | None = None
    outcome: LongText = None
    leads: list[ObjectId] = Field(None, max_length=500, description="参加企业：本单位线索的 id")


# ---------------------------------------------------------------- leads


def lead_out(user: Any, pk: int) -> dict[str, Any]:
    access = lead_for_user_or_404(user, pk)
    lead = access.lead
    return {
        "id": lead.pk,
        "enterprise_name": lead.enterprise_name,
        "enterprise_credit_code": lead.enterprise.credit_code if lead.enterprise_id else None,
        "unit": unit_ref(lead.unit),
        "park": park_ref(lead.park),
        "subpark": lead.subpark.name if lead.subpark_id else None,
        "industry": industry_ref(lead.industry),
        "expected_investment_fen": lead.expected_investment_fen,
        "needed_area_m2": lead.needed_area_m2,
        "origin_kind": lead.origin_kind,
        "origin": lead.origin,
        "channel": lead.channel,
        "contact_name": lead.contact_name,
        "owner": lead.owner.username if lead.owner_id else None,
        "next_step": lead.next_step,
        "next_step_on": lead.next_step_on,
        "note": lead.note,
        "stage": lead.stage,
        "stage_label": lead.stage_label,
        "contacted_on": lead.contacted_on,
        "stage_on": lead.stage_on,
        "drop_reason": lead.drop_reason,
        "signed_on": lead.signed_on,
        "registered_on": lead.registered_on,
        "project_id": lead.project_id,
        "shared_with": [unit_ref(u) for u in lead.shared_with.order_by("sort_order", "code")],
        "may_edit": access.may_edit,
        "events": [
            {"kind": e.kind, "kind_label": e.kind_label, "on": e.on, "note": e.note, "visit_id": e.visit_id}
            for e in lead.events.order_by("on", "id")
        ],
    }


def _lead_data(user: Any, payload: LeadIn) -> dict[str, Any]:
    """The body as services.lead_create/lead_update expect it: codes become rows."""
    data = payload.model_dump(exclude_unset=True, exclude={"contacted_on"})
    errors: dict[str, str] = {}
    if data.get("enterprise") is not None:
        try:
            code = normalise_uscc(data["enterprise"])
        except CodeError as exc:
            errors["enterprise"] = str(exc)
        else:
            data["enterprise"] = enterprises_visible_to(user).filter(credit_code=code).first()
            if data["enterprise"] is None:
                errors["enterprise"] = "企业库中没有该统一社会信用代码的企业"
    if data.get("park") is not None:
        data["park"] = Park.objects.filter(code=data["park"]).first()
        if data["park"] is None:
            errors["park"] = "目标园区不存在"
    if data.get("subpark") is not None:
        data["subpark"] = SubPark.objects.filter(pk=data["subpark"]).first()
        if data["subpark"] is None:
            errors["subpark"] = "园中园不存在"
    if data.get("industry") is not None:
        data["industry"] = Industry.objects.filter(code=data["industry"]).first()
        if data["industry"] is None:
            errors["industry"] = "所属行业不存在"
    if data.get("owner") is not None:
        data["owner"] = User.objects.filter(username=data["owner"]).first()
        if data["owner"] is None:
            errors["owner"] = "负责人应为本单位的用户"
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/leads", response=responses(LeadPage))
def lead_list(request, filters: Query[LeadFilters]):
    """Leads the user may see (a unit: its own and those shared with it), filtered as the list page is."""
    lead_filter = LeadFilter(
        stage=filters.stage or "", unit=filters.unit or "", park=filters.park or "", subpark=filters.subpark,
        industry=(filters.industry or "").upper(), overdue=filters.overdue, q=filters.q or "",
    )  # fmt: skip
    qs = lead_filter.apply(leads_visible_to(request.user), today=timezone.localdate()).order_by(
        "-contacted_on", "-pk"
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    items = [
        {"id": x.pk, "enterprise_name": x.enterprise_name, "unit": unit_ref(x.unit), "park": park_ref(x.park),
         "industry": industry_ref(x.industry), "stage": x.stage, "stage_label": x.stage_label,
         "contacted_on": x.contacted_on, "stage_on": x.stage_on, "next_step_on": x.next_step_on}
        for x in page
    ]  # fmt: skip
    return {"total": qs.count(), "limit": filters.limit, "offset": filters.offset, "items": items}


@router.post("/leads", response=responses(LeadOut, 201))
def lead_create(request, payload: LeadCreateIn):
    """A unit registers an enterprise it has contacted (已接洽); the lead belongs to the user's unit."""
    lead = services.lead_create(
        actor=request.user, data=_lead_data(request.user, payload), contacted_on=payload.contacted_on
    )
    return HttpStatus(201, lead_out(request.user, lead.pk))


@router.get("/leads/{lead_id}", response=responses(LeadOut))
def lead_detail(request, lead_id: ObjectId):
    return lead_out(request.user, lead_id)


@router.patch("/leads/{lead_id}", response=responses(LeadOut))
def lead_update(request, lead_id: ObjectId, payload: LeadIn):
    access = lead_for_user_or_404(request.user, lead_id)
    services.lead_update(actor=request.user, lead=access.lead, data=_lead_data(request.user, payload))
    return lead_out(request.user, lead_id)


@router.post("/leads/{lead_id}/move", response=responses(LeadOut))
def lead_move(request, lead_id: ObjectId, payload: MoveIn):
    """Move a lead forward (已考察, 有意向) or drop it with a reason; never backwards, never without the data
    the stage needs (409 with the missing items)."""
    access = lead_for_user_or_404(request.user, lead_id)
    services.lead_move(
        actor=request.user, lead=access.lead, stage=payload.stage, on=payload.on, reason=payload.reason
    )
    return lead_out(request.user, lead_id)


@router.post("/leads/{lead_id}/facts", response=responses(LeadOut))
def lead_fact(request, lead_id: ObjectId, payload: FactIn):
    """Record the day the investment agreement was signed (签约) or the company registered (注册)."""
    access = lead_for_user_or_404(request.user, lead_id)
    services.lead_fact_record(
        actor=request.user, lead=access.lead, kind=payload.kind, on=payload.on, note=payload.note
    )
    return lead_out(request.user, lead_id)


@router.post("/leads/{lead_id}/share", response=responses(LeadOut))
def lead_share(request, lead_id: ObjectId, payload: ShareIn):
    """Share the lead read-only with other units (the list replaces the current one), audited."""
    access = lead_for_user_or_404(request.user, lead_id)
    codes = list(dict.fromkeys(payload.units))
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in units]
    if missing:
        raise ValidationError({"units": f"单位“{'、'.join(missing)}”不存在"})
    services.lead_share(actor=request.user, lead=access.lead, units=[units[c] for c in codes])
    return lead_out(request.user, lead_id)


@router.get("/leads/{lead_id}/matches", response=responses(list[MatchOut]))
def lead_matches(request, lead_id: ObjectId):
    """Offers of the resource library that suit the lead, best first, with the reasons (land/matching.py)."""
    from enclave.land.queries import resource_matches_for_lead

    lead = lead_for_user_or_404(request.user, lead_id).lead
    matches = (
        resource_matches_for_lead(request.user, lead, today=timezone.localdate()) if lead.is_open else []
    )
    return [
        {"resource_id": m.offer.resource_id, "name": m.offer.name, "kind": m.offer.kind, "park": m.offer.park_code,
         "subpark": m.offer.subpark_name, "area_m2": m.offer.area_m2, "available_on": m.offer.available_on,
         "score": m.score, "reasons": list(m.reasons), "warnings": list(m.warnings)}
        for m in matches
    ]  # fmt: skip


# ---------------------------------------------------------------- visits


def _visit_out(user: Any, visit: Visit, may_edit: bool) -> dict[str, Any]:
    visible = leads_visible_to(user).filter(visits=visit).order_by("pk").values_list("pk", flat=True)
    return {
        "id": visit.pk, "title": visit.title, "visited_on": visit.visited_on, "unit": unit_ref(visit.unit),
        "park": park_ref(visit.park), "subpark": visit.subpark.name if visit.subpark_id else None,
        "outcome": visit.outcome, "leads": list(visible), "may_edit": may_edit,
    }  # fmt: skip


def _visit_data(user: Any, payload: VisitIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    if "park" in data:
        data["park"] = Park.objects.filter(code=data["park"]).first()
        if data["park"] is None:
            errors["park"] = "考察园区不存在"
    if data.get("subpark") is not None:
        data["subpark"] = SubPark.objects.filter(pk=data["subpark"]).first()
        if data["subpark"] is None:
            errors["subpark"] = "园中园不存在"
    if "leads" in data:
        ids = list(dict.fromkeys(data["leads"]))
        found = {lead.pk: lead for lead in Lead.objects.filter(pk__in=ids)}
        visible = set(leads_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        if any(pk not in found or pk not in visible for pk in ids):
            errors["leads"] = "只能选择本单位的线索"  # never says whether another unit's lead exists
        data["leads"] = [found[pk] for pk in ids if pk in found]
    if errors:
        raise ValidationError(errors)
    return data


@router.get("/visits", response=responses(VisitPage))
def visit_list(request, filters: Query[VisitFilters]):
    visit_filter = VisitFilter(unit=filters.unit or "", park=filters.park or "", date_from=filters.date_from,
                               date_to=filters.date_to, q=filters.q or "")  # fmt: skip
    qs = visit_filter.apply(visits_visible_to(request.user)).order_by("-visited_on", "-pk")
    page = list(qs[filters.offset : filters.offset + filters.limit])
    unit_id = getattr(request.user, "unit_id", None)
    return {
        "total": qs.count(), "limit": filters.limit, "offset": filters.offset,
        "items": [_visit_out(request.user, v, v.unit_id == unit_id) for v in page],
    }  # fmt: skip


@router.post("/visits", response=responses(VisitOut, 201))
def visit_create(request, payload: VisitIn):
    """Register a site visit; its contacted leads move to 已考察 on the visit's date."""
    visit = services.visit_create(actor=request.user, data=_visit_data(request.user, payload))
    access = visit_for_user_or_404(request.user, visit.pk)
    return HttpStatus(201, _visit_out(request.user, access.visit, access.may_edit))


@router.get("/visits/{visit_id}", response=responses(VisitOut))
def visit_detail(request, visit_id: ObjectId):
    access = visit_for_user_or_404(request.user, visit_id)
    return _visit_out(request.user, access.visit, access.may_edit)


@router.patch("/visits/{visit_id}", response=responses(VisitOut))
def visit_update(request, visit_id: ObjectId, payload: VisitIn):
    access = visit_for_user_or_404(request.user, visit_id)
    services.visit_update(actor=request.user, visit=access.visit, data=_visit_data(request.user, payload))
    access = visit_for_user_or_404(request.user, visit_id)
    return _visit_out(request.user, access.visit, access.may_edit)
