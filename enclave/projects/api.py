"""Cooperation projects, first-contact claims and conflicts over the API.

Reads go through projects/queries.py (`projects_visible_to`, `project_for_user_or_404`, …) and writes
through projects/services.py; this module translates JSON to those calls and back. A project the user
sees only because it is recognised (公开透明) is returned with its public fields and nothing else.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as HttpStatus

from enclave.api_schemas import (
    MAX_FEN,
    MAX_PAGE,
    BasisPoints,
    Code,
    Day,
    Fen,
    IndustryRef,
    InputSchema,
    Month,
    ObjectId,
    ParkRef,
    QueryCode,
    QueryYear,
    Text,
    UnitRef,
    industry_ref,
    park_ref,
    responses,
    unit_ref,
)
from enclave.enterprises.models import Enterprise
from enclave.enterprises.queries import enterprises_visible_to
from enclave.lib import limits
from enclave.lib.codes import CodeError, normalise_uscc
from enclave.parks.models import Industry, Park, ParkArea, SubPark, Unit
from enclave.projects import services
from enclave.projects.filters import ProjectFilter
from enclave.projects.models import (
    AgreementParty,
    ClaimKind,
    Conflict,
    FirstContactClaim,
    HostContribution,
    Kind,
    Nature,
    Project,
    RelocationClass,
)
from enclave.projects.queries import (
    claims_visible_to,
    conflicts_visible_to,
    project_for_user_or_404,
    project_may_act,
    project_summary,
    projects_full_access,
    projects_visible_to,
)
from enclave.projects.workflow import Status, actions_available
from enclave.sharing.fetch import agreement_months

router = Router(tags=["协作项目"])

Name = Text(120)
CreditCode = Text(40)
PlaceName = Text(100)
Origin = Text(40)
InvestmentCode = Text(limits.TYPED_CODE)
LongText = Text(limits.LONG_TEXT)
Reason = Text(limits.REASON)
Search = Text(100)
IndustryCode = Annotated[str, Field(pattern=r"^(?:[A-Ta-t]|\d{2})$")]
StatusValue = Literal[tuple(v for v, _ in Status.CHOICES)]  # type: ignore[valid-type]
KindValue = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
RelocationValue = Literal[("", *RelocationClass.values)]  # type: ignore[valid-type]
NatureValue = Literal[tuple(Nature.values)]  # type: ignore[valid-type]
ClaimKindValue = Literal[tuple(ClaimKind.values)]  # type: ignore[valid-type]
HostContributionValue = Literal[("", *HostContribution.values)]  # type: ignore[valid-type]
MoveEvidence = Text(200)
# No lower bound here: the service refuses a cap below zero with its own sentence at cap_fen.
CapFen = Annotated[int, Field(strict=True, le=MAX_FEN)]
Months = Annotated[int, Field(strict=True, le=600)]
EVIDENCE_TYPES = {  # extension → leading bytes of a real file of that type
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


# ---------------------------------------------------------------- output schemas


class EnterpriseName(Schema):
    name: str


class EnterpriseRef(Schema):
    id: int
    credit_code: str
    name: str


class PartyOut(Schema):
    kind: Literal["unit", "park"]
    code: str
    name: str
    share_bp: int


class AgreementOut(Schema):
    start_month: dt.date = Field(description="分享起始月份（自首个纳税月份起算且尚无纳税时为认定后次月）")
    end_month: dt.date = Field(description="分享终止月份（含；尚无纳税时为暂定）")
    start_event: str = Field(
        description="期限起算：first_tax_after_recognition / move / agreement_month；空为按原协议月份"
    )
    start_pending: bool = Field(description="自首个纳税月份起算且尚无纳税：终止月份待首个纳税月份确定")
    end_explicit: bool = Field(description="终止月份由协议约定")
    duration_months: int | None
    cap_fen: int | None = Field(description="协作地累计分享上限（分）；空为不设上限")
    extension_months: int = Field(description="期满未达上限时延长的月数")
    parties: list[PartyOut]


class ProjectPublicOut(Schema):
    """A project seen only because it is recognised: the facts published under 公开透明."""

    access: Literal["public"]
    id: int
    code: str | None
    name: str
    enterprise: EnterpriseName
    filing_unit: UnitRef
    park: ParkRef
    kind: str
    industry: IndustryRef
    planned_investment_fen: int
    origin: str
    status: str
    status_label: str
    recognised_on: dt.date | None
    agreement: AgreementOut | None


class ProjectOut(Schema):
    access: Literal["full"]
    id: int
    code: str | None
    name: str
    enterprise: EnterpriseRef
    filing_unit: UnitRef
    partner_units: list[UnitRef]
    park: ParkRef
    park_area: str | None
    subpark: str | None
    kind: str
    relocation_class: str
    nature: str
    industry: IndustryRef
    planned_investment_fen: int
    origin: str
    investment_code: str | None
    description: str
    status: str
    status_label: str
    status_reason: str
    positioning_mismatch: bool
    signed_on: dt.date | None
    filed_on: dt.date | None
    reviewed_on: dt.date | None
    recognised_on: dt.date | None
    registered_on: dt.date | None
    construction_started_on: dt.date | None
    operating_on: dt.date | None
    moved_on: dt.date | None
    move_evidence: str
    agreement: AgreementOut | None
    may_edit: bool
    actions: list[str] = Field(description="此用户现在可执行的操作（file/refile 均通过 /file）")
    created_at: dt.datetime
    updated_at: dt.datetime


ProjectAny = Annotated[ProjectOut | ProjectPublicOut, Field(discriminator="access")]


class ProjectItem(Schema):
    """A row of the list: public fields for every row, and whether the detail shows everything."""

    id: int
    code: str | None
    name: str
    enterprise: EnterpriseName
    filing_unit: UnitRef
    park: ParkRef
    kind: str
    industry: IndustryRef
    planned_investment_fen: int
    origin: str
    status: str
    status_label: str
    recognised_on: dt.date | None
    full_access: bool


class ProjectPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ProjectItem]


class StatusChangeOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    at: dt.datetime
    reason: str


class SummaryOut(Schema):
    count: int
    planned_investment_fen: int
    enterprises: int


class ClaimOut(Schema):
    id: int
    enterprise: EnterpriseRef
    unit: UnitRef
    contacted_on: dt.date
    kind: str
    note: str
    has_document: bool
    created_at: dt.datetime


class ClaimPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ClaimOut]


class ConflictProjectOut(Schema):
    """A competing filing; another unit's filing the user may not see shows only which unit filed it."""

    visible: bool
    id: int | None
    code: str | None
    name: str | None
    filing_unit: UnitRef


class ConflictOut(Schema):
    id: int
    enterprise: EnterpriseName
    park: ParkRef
    status: Literal["open", "resolved"]
    projects: list[ConflictProjectOut]
    suggested_winner: ConflictProjectOut | None
    winner: ConflictProjectOut | None
    resolution_reason: str
    resolved_at: dt.datetime | None
    created_at: dt.datetime


class ConflictPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ConflictOut]


# ---------------------------------------------------------------- input schemas


class ProjectFilters(Schema):
    park: QueryCode | None = Field(None, description="园区代码")
    unit: QueryCode | None = Field(None, description="报备单位或其他协作单位的代码")
    status: StatusValue | None = None
    kind: KindValue | None = None
    industry: IndustryCode | None = Field(None, description="行业代码：大类两位数字或门类字母")
    origin: Origin | None = Field(None, description="来源地，如“上海市”")
    year: QueryYear | None = Field(None, description="认定年度")
    quarter: int | None = Field(None, ge=1, le=4, description="认定季度（不给年度时为各年该季度）")
    q: Search | None = Field(None, description="按项目编号、项目名称、企业名称或统一社会信用代码搜索")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


class ProjectIn(InputSchema):
    """The content of a filing (services.CONTENT_FIELDS), foreign objects by code.

    On POST the service reports what is missing; on PATCH only the fields sent change. Fields that may
    not be null default to None but refuse an explicit null. Status, code, filing unit and the review
    dates are not fields here: they change only through the workflow endpoints.
    """

    name: Name = None
    enterprise: CreditCode = Field(None, description="企业的统一社会信用代码（须已在企业库中）")
    partner_units: list[Code] = Field(None, max_length=20, description="其他协作单位代码")
    park: Code = Field(None, description="承载园区代码")
    park_area: PlaceName | None = Field(None, description="片区名称")
    subpark: PlaceName | None = Field(None, description="园中园名称")
    kind: KindValue = None
    relocation_class: RelocationValue = None
    nature: NatureValue = None
    industry: Code = Field(None, description="国民经济行业大类代码（两位）")
    planned_investment_fen: Fen = Field(None, description="计划总投资，单位：分")
    origin: Origin = None
    investment_code: InvestmentCode | None = None
    description: LongText = None
    signed_on: Day | None = None
    registered_on: Day | None = None
    construction_started_on: Day | None = None
    operating_on: Day | None = None
    moved_on: Day | None = Field(None, description="搬迁日期（存量流转项目；分享期限自搬迁月份起算）")
    move_evidence: MoveEvidence = Field(None, description="搬迁证明：文件名称及文号（填写搬迁日期时必填）")


class ReasonIn(InputSchema):
    reason: Reason


class OptionalReasonIn(InputSchema):
    reason: Reason = ""


class PartyIn(InputSchema):
    kind: Literal["unit", "park"]
    code: Code
    share_bp: BasisPoints


class RecogniseIn(InputSchema):
    parties: list[PartyIn] | None = Field(
        None, max_length=40, description="分成方及基点（合计10000）；不填则按默认比例"
    )
    start_month: Month | None = Field(None, description="分享起始月份，如 2024-07")
    end_month: Month | None = Field(None, description="分享终止月份（含）；不填则按默认比例的期限计算")
    cap_fen: CapFen | None = Field(None, description="协作地累计分享上限（分）；不填为不设上限")
    extension_months: Months | None = Field(None, description="期满未达上限时延长的月数；不填按默认比例")
    host_contribution: HostContributionValue = Field(
        "", description="承载地投入情况：co_invested / no_input；空为不区分"
    )
    recognised_on: Day | None = Field(None, description="认定日期，默认今天")
    reason: Reason = ""


class SummaryFilters(Schema):
    park: QueryCode | None = None
    unit: QueryCode | None = None
    date_from: Day | None = Field(None, alias="from", description="认定日期起（含）")
    date_to: Day | None = Field(None, alias="to", description="认定日期止（含）")


class ClaimFilters(Schema):
    enterprise: ObjectId | None = Field(None, description="企业 id")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


class ClaimIn(Schema):
    """Form fields; unknown ones are ignored (a form may carry csrfmiddlewaretoken)."""

    enterprise: CreditCode = Field(description="企业的统一社会信用代码")
    contacted_on: Day
    kind: ClaimKindValue
    note: LongText = ""


class ConflictFilters(Schema):
    status: Literal["open", "resolved"] | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=10**9)


class ResolveIn(InputSchema):
    winner: ObjectId | None = Field(None, description="裁定归属的项目 id；不填则按最早有证明的首谈")
    reason: Reason = ""


# ---------------------------------------------------------------- output builders


def _agreement_out(project: Project) -> dict[str, Any] | None:
    agreement = getattr(project, "agreement", None)
    if agreement is None:
        return None
    parties = AgreementParty.objects.filter(agreement=agreement).select_related("unit", "park")
    months = agreement_months(agreement)
    return {
        "start_month": months.start or months.covers_from,
        "end_month": months.end or agreement.end_month,
        "start_event": agreement.start_event,
        "start_pending": months.pending,
        "end_explicit": agreement.end_explicit,
        "duration_months": agreement.duration_months,
        "cap_fen": agreement.cap_fen,
        "extension_months": agreement.extension_months,
        "parties": [
            {
                "kind": "unit" if p.unit_id else "park",
                "code": p.party_code,
                "name": p.unit.name if p.unit_id else p.park.name,
                "share_bp": p.share_bp,
            }
            for p in parties
        ],
    }


def _public_fields(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "enterprise": {"name": project.enterprise.name},
        "filing_unit": unit_ref(project.filing_unit),
        "park": park_ref(project.park),
        "kind": project.kind,
        "industry": industry_ref(project.industry),
        "planned_investment_fen": project.planned_investment_fen,
        "origin": project.origin,
        "status": project.status,
        "status_label": project.status_label,
        "recognised_on": project.recognised_on,
    }


def project_out(user: Any, pk: int) -> dict[str, Any]:
    """The project as `user` may see it; 404 when it is not theirs to see."""
    access = project_for_user_or_404(user, pk)
    project = access.project
    data = {**_public_fields(project), "agreement": _agreement_out(project)}
    if not access.full:
        return {**data, "access": "public"}
    role = getattr(user, "role", "")
    actions = [
        t.action
        for t in actions_available(status=project.status, role=role)
        if project_may_act(user, project, t.action)
    ]
    return {
        **data,
        "access": "full",
        "enterprise": {
            "id": project.enterprise.pk,
            "credit_code": project.enterprise.credit_code,
            "name": project.enterprise.name,
        },
        "partner_units": [unit_ref(u) for u in project.partner_units.order_by("sort_order", "code")],
        "park_area": project.park_area.name if project.park_area else None,
        "subpark": project.subpark.name if project.subpark else None,
        "relocation_class": project.relocation_class,
        "nature": project.nature,
        "investment_code": project.investment_code,
        "description": project.description,
        "status_reason": project.status_reason,
        "positioning_mismatch": project.positioning_mismatch,
        "signed_on": project.signed_on,
        "filed_on": project.filed_on,
        "reviewed_on": project.reviewed_on,
        "registered_on": project.registered_on,
        "construction_started_on": project.construction_started_on,
        "operating_on": project.operating_on,
        "moved_on": project.moved_on,
        "move_evidence": project.move_evidence,
        "may_edit": access.may_edit,
        "actions": actions,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }


def _content_data(user: Any, payload: ProjectIn, *, current: Project | None) -> dict[str, Any]:
    """The body as services.project_create/project_update expect it: codes become rows.

    The enterprise is looked up among those the user may see, so a credit code cannot probe the library.
    """
    data = payload.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    if "enterprise" in data:
        try:
            credit_code = normalise_uscc(data["enterprise"])
        except CodeError as exc:
            errors["enterprise"] = str(exc)
        else:
            data["enterprise"] = enterprises_visible_to(user).filter(credit_code=credit_code).first()
            if data["enterprise"] is None:
                errors["enterprise"] = "企业库中没有该统一社会信用代码的企业，请先登记企业"
    if "park" in data:
        data["park"] = Park.objects.filter(code=data["park"]).first()
        if data["park"] is None:
            errors["park"] = "承载园区不存在"
    park = data.get("park", current.park if current else None)
    if data.get("park_area") is not None:
        data["park_area"] = (
            ParkArea.objects.filter(park=park, name=data["park_area"]).first() if park else None
        )
        if data["park_area"] is None:
            errors["park_area"] = "所选片区不属于该园区"
    if data.get("subpark") is not None:
        data["subpark"] = SubPark.objects.filter(name=data["subpark"]).first()
        if data["subpark"] is None:
            errors["subpark"] = "园中园不存在"
    if "industry" in data:
        data["industry"] = Industry.objects.filter(code=data["industry"]).first()
        if data["industry"] is None:
            errors["industry"] = "所属行业不存在"
    if "partner_units" in data:
        codes = list(dict.fromkeys(data["partner_units"]))
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in units]
        if missing:
            errors["partner_units"] = f"单位“{'、'.join(missing)}”不存在"
        data["partner_units"] = [units[c] for c in codes if c in units]
    if errors:
        raise ValidationError(errors)
    return data


def _page(qs: Any, limit: int, offset: int) -> tuple[int, list[Any]]:
    return qs.count(), list(qs[offset : offset + limit])


# ---------------------------------------------------------------- projects


@router.get("/projects", response=responses(ProjectPage))
def project_list(request, filters: Query[ProjectFilters]):
    """Projects the user may see, newest recognition first, filtered exactly as the library page filters
    (projects/filters.py). Search covers public fields only, so it cannot reveal hidden ones."""
    query = ProjectFilter(
        park=filters.park or "",
        unit=filters.unit or "",
        status=filters.status or "",
        kind=filters.kind or "",
        industry=(filters.industry or "").upper(),
        origin=filters.origin or "",
        year=filters.year,
        quarter=filters.quarter,
        q=filters.q or "",
    )
    qs = query.apply(projects_visible_to(request.user))
    total, page = _page(qs, filters.limit, filters.offset)
    full = set(
        projects_full_access(request.user).filter(pk__in=[p.pk for p in page]).values_list("pk", flat=True)
    )
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [{**_public_fields(p), "full_access": p.pk in full} for p in page],
    }


@router.get("/projects/summary", response=responses(SummaryOut))
def project_summary_view(request, filters: Query[SummaryFilters]):
    """Count, planned investment and enterprises of projects recognised in the range (认定日期)."""
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError({"from": "起始日期不能晚于截止日期"})
    return project_summary(
        projects_visible_to(request.user),
        park_code=filters.park,
        unit_code=filters.unit,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@router.post("/projects", response=responses(ProjectOut, 201))
def project_create(request, payload: ProjectIn):
    """A unit starts a draft filing; the filing unit is always the user's own unit."""
    data = _content_data(request.user, payload, current=None)
    data.setdefault("nature", Nature.INDUSTRIAL)
    data.setdefault("relocation_class", "")
    project = services.project_create(actor=request.user, data=data)
    return HttpStatus(201, project_out(request.user, project.pk))


@router.get("/projects/{project_id}", response=responses(ProjectAny))
def project_detail(request, project_id: ObjectId):
    return project_out(request.user, project_id)


@router.patch("/projects/{project_id}", response=responses(ProjectOut))
def project_update(request, project_id: ObjectId, payload: ProjectIn):
    access = project_for_user_or_404(request.user, project_id)
    data = _content_data(request.user, payload, current=access.project)
    services.project_update(actor=request.user, project=access.project, data=data)
    return project_out(request.user, project_id)


@router.get("/projects/{project_id}/history", response=responses(list[StatusChangeOut]))
def project_history(request, project_id: ObjectId):
    """Who moved the project when and why; only for users with full access (404 otherwise)."""
    access = project_for_user_or_404(request.user, project_id)
    if not access.full:
        raise Http404
    return [
        {
            "action": c.action,
            "from_status": c.from_status,
            "to_status": c.to_status,
            "actor": str(c.actor),
            "at": c.at,
            "reason": c.reason,
        }
        for c in access.project.status_changes.select_related("actor")
    ]


@router.post("/projects/{project_id}/file", response=responses(ProjectOut))
def project_file(request, project_id: ObjectId):
    """Submit a draft or refile a returned filing; the filing date is today (it cannot be backdated)."""
    access = project_for_user_or_404(request.user, project_id)
    services.project_file(actor=request.user, project=access.project)
    return project_out(request.user, project_id)


@router.post("/projects/{project_id}/start-review", response=responses(ProjectOut))
def project_start_review(request, project_id: ObjectId, payload: OptionalReasonIn | None = None):
    """Take a filing into review (审查); the body with a note is optional."""
    access = project_for_user_or_404(request.user, project_id)
    reason = payload.reason if payload is not None else ""
    services.project_start_review(actor=request.user, project=access.project, reason=reason)
    return project_out(request.user, project_id)


@router.post("/projects/{project_id}/return", response=responses(ProjectOut))
def project_return(request, project_id: ObjectId, payload: ReasonIn):
    access = project_for_user_or_404(request.user, project_id)
    services.project_return(actor=request.user, project=access.project, reason=payload.reason)
    return project_out(request.user, project_id)


@router.post("/projects/{project_id}/reject", response=responses(ProjectOut))
def project_reject(request, project_id: ObjectId, payload: ReasonIn):
    access = project_for_user_or_404(request.user, project_id)
    services.project_reject(actor=request.user, project=access.project, reason=payload.reason)
    return project_out(request.user, project_id)


@router.post("/projects/{project_id}/recognise", response=responses(ProjectOut))
def project_recognise(request, project_id: ObjectId, payload: RecogniseIn):
    """Recognise (认定) and fix the sharing agreement; without parties the policy defaults apply."""
    access = project_for_user_or_404(request.user, project_id)
    parties = (
        [services.PartyShare(p.kind, p.code, p.share_bp) for p in payload.parties]
        if payload.parties is not None
        else None
    )
    services.project_recognise(
        actor=request.user,
        project=access.project,
        parties=parties,
        start_month=payload.start_month,
        end_month=payload.end_month,
        on=payload.recognised_on,
        reason=payload.reason,
        cap_fen=payload.cap_fen,
        extension_months=payload.extension_months,
        host_contribution=payload.host_contribution,
    )
    return project_out(request.user, project_id)


@router.post("/projects/{project_id}/close", response=responses(ProjectOut))
def project_close(request, project_id: ObjectId, payload: ReasonIn):
    access = project_for_user_or_404(request.user, project_id)
    services.project_close(actor=request.user, project=access.project, reason=payload.reason)
    return project_out(request.user, project_id)


# ---------------------------------------------------------------- first-contact claims


def _enterprise_ref(enterprise: Enterprise) -> dict[str, Any]:
    return {"id": enterprise.pk, "credit_code": enterprise.credit_code, "name": enterprise.name}


def _claim_out(claim: FirstContactClaim) -> dict[str, Any]:
    return {
        "id": claim.pk,
        "enterprise": _enterprise_ref(claim.enterprise),
        "unit": unit_ref(claim.unit),
        "contacted_on": claim.contacted_on,
        "kind": claim.kind,
        "note": claim.note,
        "has_document": claim.is_evidenced,
        "created_at": claim.created_at,
    }


def _evidence_check(document: UploadedFile) -> None:
    """Size cap, an allowed type, and content that matches it; the stored name is ours, not the uploader's."""
    ext = PurePath(document.name or "").suffix.lower().lstrip(".")
    if document.size is None or document.size > settings.ENCLAVE_EVIDENCE_MAX_BYTES:
        limit = settings.ENCLAVE_EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"document": f"证明材料不能超过{limit}MB"})
    if ext not in EVIDENCE_TYPES:
        raise ValidationError({"document": "证明材料应为 PDF、JPG 或 PNG 文件"})
    head = document.read(16)
    document.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_TYPES[ext]):
        raise ValidationError({"document": f"文件内容与扩展名 .{ext} 不符"})
    document.name = f"evidence.{ext}"


@router.get("/claims", response=responses(ClaimPage), tags=["首谈与冲突"])
def claim_list(request, filters: Query[ClaimFilters]):
    qs = claims_visible_to(request.user)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    total, page = _page(qs, filters.limit, filters.offset)
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_claim_out(c) for c in page],
    }


@router.post("/claims", response=responses(ClaimOut, 201), tags=["首谈与冲突"])
def claim_create(request, payload: Form[ClaimIn], document: File[UploadedFile] = None):
    """Record a first contact (首谈) with optional evidence (multipart/form-data)."""
    try:
        credit_code = normalise_uscc(payload.enterprise)
    except CodeError as exc:
        raise ValidationError({"enterprise": str(exc)}) from exc
    enterprise = enterprises_visible_to(request.user).filter(credit_code=credit_code).first()
    if enterprise is None:
        raise ValidationError({"enterprise": "企业库中没有该统一社会信用代码的企业，请先登记企业"})
    if document is not None:
        _evidence_check(document)
    claim = services.claim_register(
        actor=request.user,
        enterprise=enterprise,
        contacted_on=payload.contacted_on,
        kind=payload.kind,
        document=document,
        note=payload.note,
    )
    return HttpStatus(201, _claim_out(claims_visible_to(request.user).get(pk=claim.pk)))


# ---------------------------------------------------------------- conflicts


def _conflict_project(project: Project | None, visible: set[int]) -> dict[str, Any] | None:
    if project is None:
        return None
    if project.pk not in visible:
        return {
            "visible": False,
            "id": None,
            "code": None,
            "name": None,
            "filing_unit": unit_ref(project.filing_unit),
        }
    return {
        "visible": True,
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "filing_unit": unit_ref(project.filing_unit),
    }


def _conflict_out(conflict: Conflict, visible: set[int]) -> dict[str, Any]:
    return {
        "id": conflict.pk,
        "enterprise": {"name": conflict.enterprise.name},
        "park": park_ref(conflict.park),
        "status": conflict.status,
        "projects": [_conflict_project(p, visible) for p in conflict.projects.all()],
        "suggested_winner": _conflict_project(conflict.suggested_winner, visible),
        "winner": _conflict_project(conflict.winner, visible),
        "resolution_reason": conflict.resolution_reason,
        "resolved_at": conflict.resolved_at,
        "created_at": conflict.created_at,
    }


def _conflicts_out(user: Any, conflicts: list[Conflict]) -> list[dict[str, Any]]:
    ids = {p.pk for c in conflicts for p in c.projects.all()}
    visible = set(projects_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [_conflict_out(c, visible) for c in conflicts]


def _conflicts_query(user: Any) -> Any:
    return conflicts_visible_to(user).prefetch_related(
        Prefetch("projects", Project.objects.select_related("filing_unit").order_by("id")),
        "winner__filing_unit",
        "suggested_winner__filing_unit",
    )


@router.get("/conflicts", response=responses(ConflictPage), tags=["首谈与冲突"])
def conflict_list(request, filters: Query[ConflictFilters]):
    qs = _conflicts_query(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    total, page = _page(qs, filters.limit, filters.offset)
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": _conflicts_out(request.user, page),
    }


@router.post("/conflicts/{conflict_id}/resolve", response=responses(ConflictOut), tags=["首谈与冲突"])
def conflict_resolve(request, conflict_id: ObjectId, payload: ResolveIn):
    """The city decides whose filing stands; the other filings are closed with the reason."""
    conflict = conflicts_visible_to(request.user).filter(pk=conflict_id).first()
    if conflict is None:
        raise Http404
    winner = None
    if payload.winner is not None:
        winner = projects_visible_to(request.user).filter(pk=payload.winner).first()
        if winner is None:
            raise ValidationError({"winner": "所选项目不在该冲突中"})
    services.conflict_resolve(actor=request.user, conflict=conflict, winner=winner, reason=payload.reason)
    return _conflicts_out(request.user, [_conflicts_query(request.user).get(pk=conflict_id)])[0]
