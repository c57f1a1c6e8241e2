"""Writes of the cooperation-project workflow. Each function is one transaction with its audit row.

Only these functions change a project's status; each checks the transition table in workflow.py and
updates the row only if it still has the status the caller saw, so of two reviewers acting at once
the second gets a clear refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enclave import effective
from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.audit.models import Verb
from enclave.audit.services import diff, event_record, snapshot
from enclave.enterprises.models import Enterprise
from enclave.lib.codes import PROVINCES, CodeError, normalise_investment_code
from enclave.parks.models import Industry, Park, ParkArea, SubPark, Unit
from enclave.projects.models import (
    Agreement,
    AgreementParty,
    Conflict,
    FirstContactClaim,
    HostContribution,
    Kind,
    Nature,
    Project,
    ProjectCodeSequence,
    SharingPolicy,
    StartEvent,
    StatusChange,
)
from enclave.projects.queries import project_may_act
from enclave.projects.workflow import Status, TransitionError, transition_check
from enclave.sharing import terms

# Fields a unit may set on its filing. Anything else in the input (status, code, filing_unit, dates of
# review and recognition, shares) is ignored: those change only through the workflow.
CONTENT_FIELDS = (
    "name", "enterprise", "partner_units", "park", "park_area", "subpark", "kind", "relocation_class", "nature",
    "industry", "planned_investment_fen", "origin", "investment_code", "description", "signed_on",
    "registered_on", "construction_started_on", "operating_on", "moved_on", "move_evidence",
)  # fmt: skip
PAST_EVENT_DATES = {
    "signed_on": "签约日期",
    "registered_on": "注册日期",
    "construction_started_on": "开工日期",
    "operating_on": "投产（运营）日期",
    "moved_on": "搬迁日期",
}
MOVE_EVIDENCE_MAX = 200
INELIGIBLE = {
    Nature.INFRASTRUCTURE: "公共基础设施项目不纳入重点产业协作园区项目认定范围",
    Nature.REAL_ESTATE: "房地产项目不纳入重点产业协作园区项目认定范围",
    Nature.CAPITAL_ONLY: "仅注册资本、无实际投资的项目不纳入重点产业协作园区项目认定范围",
}
REAL_ESTATE_DIVISIONS = frozenset({"70"})


def today() -> dt.date:
    return timezone.localdate()


def _require_role(actor: Any, *roles: str, what: str) -> None:
    if getattr(actor, "role", None) not in roles:
        raise PermissionDenied(f"您的角色无权{what}")


# ---------------------------------------------------------------- content


def _clean_content(data: dict[str, Any], *, filing_unit: Unit, current: Project | None) -> dict[str, Any]:
    """Validate a filing's content; all problems at once, as {field: Chinese sentence}."""
    cleaned = {k: data[k] for k in CONTENT_FIELDS if k in data}
    errors: dict[str, str] = {}
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
    merged = {k: getattr(current, k, None) for k in CONTENT_FIELDS if k != "partner_units"} if current else {}
    merged.update({k: v for k, v in cleaned.items() if k != "partner_units"})

    if not merged.get("name"):
        errors["name"] = "请填写项目名称"
    for key, model, label in (
        ("enterprise", Enterprise, "企业"),
        ("park", Park, "承载园区"),
        ("industry", Industry, "所属行业"),
    ):
        value = merged.get(key)
        if value is None:
            errors[key] = f"请选择{label}"
        elif not isinstance(value, model):
            errors[key] = f"{label}不存在"
    park = merged.get("park") if isinstance(merged.get("park"), Park) else None
    if park is not None and not park.is_active:
        errors["park"] = "该园区已停用，不能报备新项目"
    industry = merged.get("industry")
    if isinstance(industry, Industry) and industry.level != Industry.DIVISION:
        errors["industry"] = "请选择到国民经济行业大类（两位代码）"
    area = merged.get("park_area")
    if area is not None and (not isinstance(area, ParkArea) or (park and area.park_id != park.pk)):
        errors["park_area"] = "所选片区不属于该园区"
    subpark = merged.get("subpark")
    if subpark is not None and (not isinstance(subpark, SubPark) or (park and subpark.park_id != park.pk)):
        errors["subpark"] = "所选园中园不属于该园区"

    kind, relocation_class = merged.get("kind"), merged.get("relocation_class") or ""
    if kind not in Kind.values:
        errors["kind"] = "请选择项目类型"
    elif kind == Kind.RELOCATION and not relocation_class:
        errors["relocation_class"] = "存量流转项目须选择流转类别"
    elif kind != Kind.RELOCATION and relocation_class:
        cleaned["relocation_class"] = ""
    if merged.get("nature") not in Nature.values:
        errors["nature"] = "请选择项目性质"

    amount = merged.get("planned_investment_fen")
    if amount is None or isinstance(amount, bool) or not isinstance(amount, int):
        errors["planned_investment_fen"] = "请填写计划总投资"
    elif amount <= 0:
        errors["planned_investment_fen"] = "计划总投资应大于0"
    elif amount > settings.ENCLAVE_MAX_AMOUNT_FEN:
        errors["planned_investment_fen"] = "计划总投资超过1000亿元，请核对单位（元/万元）"

    origin = (merged.get("origin") or "").strip()
    if "origin" in cleaned:
        cleaned["origin"] = origin
    if not origin:
        errors["origin"] = "请填写来源地"
    elif kind == Kind.NEW_OUT_OF_PROVINCE and (origin not in PROVINCES.values() or origin == "云南省"):
        errors["origin"] = "省外新招引项目的来源地应为云南省以外的省级行政区，如“上海市”"
    elif (
        kind == Kind.NEW_ABROAD
        and origin in PROVINCES.values()
        and origin not in ("香港特别行政区", "澳门特别行政区", "台湾省")
    ):
        errors["origin"] = "境外新招引项目的来源地应为国家或地区，如“老挝”“香港特别行政区”"

    code = cleaned.get("investment_code")
    if code is not None:
        code = code.strip() or None
        cleaned["investment_code"] = code
        if code:
            try:
                cleaned["investment_code"] = normalise_investment_code(code, today=today())
            except CodeError as exc:
                errors["investment_code"] = str(exc)
            else:
                clash = Project.objects.filter(investment_code=cleaned["investment_code"])
                if current is not None:
                    clash = clash.exclude(pk=current.pk)
                if clash.exists():
                    errors["investment_code"] = "该投资项目代码已被其他项目使用"

    for key, label in PAST_EVENT_DATES.items():
        value = merged.get(key)
        if value is not None and value > today():
            errors[key] = f"{label}不能晚于今天（{today():%Y-%m-%d}）"

    if "move_evidence" in cleaned:
        cleaned["move_evidence"] = (cleaned["move_evidence"] or "").strip()
    evidence = (merged.get("move_evidence") or "").strip()
    if merged.get("moved_on") is not None:
        if kind in Kind.values and kind != Kind.RELOCATION:
            errors["moved_on"] = "搬迁日期只适用于存量流转项目"
        elif not evidence:
            errors["move_evidence"] = "填写搬迁日期须同时填写搬迁证明（文件名称及文号）"
    if len(evidence) > MOVE_EVIDENCE_MAX:
        errors["move_evidence"] = f"搬迁证明不能超过{MOVE_EVIDENCE_MAX}字"

    partners = cleaned.get("partner_units")
    if partners is not None:
        partners = list(partners)
        if any(u.pk == filing_unit.pk for u in partners):
            errors["partner_units"] = "其他协作单位不应包含报备单位本身"
        cleaned["partner_units"] = partners
    if errors:
        raise ValidationError(errors)
    return cleaned


def _apply(project: Project, cleaned: dict[str, Any]) -> None:
    partners = cleaned.pop("partner_units", None)
    for key, value in cleaned.items():
        setattr(project, key, value)
    project.save()
    if partners is not None:
        project.partner_units.set(partners)


def _project_state(project: Project) -> dict[str, Any]:
    data = snapshot(project)
    data["partner_units"] = sorted(project.partner_units.values_list("code", flat=True)) if project.pk else []
    return data


@transaction.atomic
def project_create(*, actor: Any, data: dict[str, Any], is_sample: bool = False) -> Project:
    """A unit starts a filing as a draft (草稿). The filing unit is always the actor's own unit."""
    _require_role(actor, Role.UNIT, what="创建项目报备")
    unit = actor.unit
    cleaned = _clean_content(data, filing_unit=unit, current=None)
    project = Project(filing_unit=unit, created_by=actor, status=Status.DRAFT, is_sample=is_sample)
    _apply(project, cleaned)
    event_record(actor=actor, verb=Verb.CREATE, target=project, after=_project_state(project))
    return project


def project_content_check(*, actor: Any, data: dict[str, Any], project: Project | None = None) -> None:
    """Validate filing content without writing, so a form can show every problem at once."""
    _require_role(actor, Role.UNIT, what="创建项目报备")
    unit = project.filing_unit if project is not None else actor.unit
    _clean_content(data, filing_unit=unit, current=project)


@transaction.atomic
def project_update(*, actor: Any, project: Project, data: dict[str, Any]) -> Project:
    """The filing unit corrects its draft or returned filing."""
    _require_role(actor, Role.UNIT, what="修改项目报备")
    if project.filing_unit_id != actor.unit_id:
        raise PermissionDenied("只能修改本单位报备的项目")
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not locked.is_editable:
        raise TransitionError(
            f"项目当前状态为“{locked.status_label}”，不能修改（仅草稿或退回修改状态可修改）"
        )
    before = _project_state(locked)
    cleaned = _clean_content(data, filing_unit=locked.filing_unit, current=locked)
    _apply(locked, cleaned)
    b, a = diff(before, _project_state(locked))
    if a:
        event_record(actor=actor, verb=Verb.UPDATE, target=locked, before=b, after=a)
    return locked


# ---------------------------------------------------------------- workflow


def _move(
    *,
    actor: Any,
    project: Project,
    action: str,
    reason: str = "",
    updates: dict[str, Any] | None = None,
    verb: str = Verb.TRANSITION,
) -> Project:
    """Take one transition: table check, scope check, compare-and-set on status, history and audit rows."""
    transition = transition_check(action, status=project.status, role=getattr(actor, "role", ""))
    if not project_may_act(actor, project, action):
        raise PermissionDenied("该项目不在您的职责范围内")
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": f"“{transition.label}”须填写原因"})
    before = snapshot(project)
    changed = Project.objects.filter(pk=project.pk, status=project.status).update(
        status=transition.target,
        status_reason=reason if transition.needs_reason else project.status_reason,
        updated_at=timezone.now(),
        **(updates or {}),
    )
    if changed != 1:
        raise TransitionError("该项目已被他人处理，状态已变化，请刷新页面后查看")
    old_status = project.status
    project.refresh_from_db()
    StatusChange.objects.create(
        project=project,
        action=action,
        from_status=old_status,
        to_status=project.status,
        actor=actor,
        reason=reason,
    )
    b, a = diff(before, snapshot(project))
    event_record(actor=actor, verb=verb, target=project, before=b, after=a, reason=reason)
    return project


def _next_code(park: Park, year: int) -> str:
    """Allocate the next readable project code, e.g. MH-2024-0007 (locked counter row)."""
    key = f"{park.code_prefix}-{year}"
    ProjectCodeSequence.objects.get_or_create(key=key)
    seq = ProjectCodeSequence.objects.select_for_update().get(key=key)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{key}-{seq.last:04d}"


def eligibility_check(project: Project) -> None:
    """Refuse ineligible filings (公共基础设施、房地产、仅注册资本), with the reason at the field."""
    if project.nature in INELIGIBLE:
        raise ValidationError({"nature": INELIGIBLE[project.nature]})
    if project.industry.code in REAL_ESTATE_DIVISIONS:
        raise ValidationError({"industry": INELIGIBLE[Nature.REAL_ESTATE]})


@transaction.atomic
def project_file(*, actor: Any, project: Project, on: dt.date | None = None) -> Project:
    """Submit a draft, or refile a returned filing (报备). Assigns the project code on first filing."""
    on = on or today()
    if on > today():
        raise ValidationError({"filed_on": "报备日期不能晚于今天"})
    action = "refile" if project.status == Status.RETURNED else "file"
    transition_check(action, status=project.status, role=getattr(actor, "role", ""))
    eligibility_check(project)
    fits = project.park.fits_positioning(project.industry)
    updates: dict[str, Any] = {"filed_on": on, "positioning_mismatch": not fits}
    if not project.code:
        updates["code"] = _next_code(project.park, on.year)
    project = _move(actor=actor, project=project, action=action, updates=updates)
    _conflict_detect(actor=actor, project=project)
    return project


@transaction.atomic
def project_start_review(*, actor: Any, project: Project, reason: str = "") -> Project:
    """The city or the host park takes a filing into review (审查)."""
    return _move(actor=actor, project=project, action="start_review", reason=reason)


@transaction.atomic
def project_return(*, actor: Any, project: Project, reason: str, on: dt.date | None = None) -> Project:
    """Send a filing back for correction; the unit can correct it and refile."""
    return _move(
        actor=actor, project=project, action="return", reason=reason, updates={"reviewed_on": on or today()}
    )


@transaction.atomic
def project_reject(*, actor: Any, project: Project, reason: str, on: dt.date | None = None) -> Project:
    """Refuse recognition (不予认定), with the reason."""
    return _move(
        actor=actor, project=project, action="reject", reason=reason, updates={"reviewed_on": on or today()}
    )


@transaction.atomic
def project_close(*, actor: Any, project: Project, reason: str) -> Project:
    return _move(actor=actor, project=project, action="close", reason=reason)


# ---------------------------------------------------------------- recognition and agreements


@dataclass(frozen=True)
class PartyShare:
    """A party of a sharing agreement: a unit or a park by code, and its share in basis points."""

    kind: str  # "unit" | "park"
    code: str
    share_bp: int


@dataclass(frozen=True)
class AgreementProposal:
    """The policy's default agreement. `start_month` is None while a first-tax start is pending (the period
    starts in the first month with tax after recognition), and `end_month` then too."""

    parties: tuple[PartyShare, ...]
    start_month: dt.date | None
    end_month: dt.date | None
    policy: SharingPolicy | None
    span: terms.Span | None = None


def policy_for(project: Project, on: dt.date, host_contribution: str = "") -> SharingPolicy | None:
    """The city's default split in force on `on` for the project's kind, relocation class and (where the
    policy distinguishes it) the host park's contribution."""
    return (
        SharingPolicy.objects.filter(
            kind=project.kind,
            relocation_class=project.relocation_class or "",
            host_contribution=host_contribution or "",
            effective_from__lte=on,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )


def policy_terms(policy: SharingPolicy) -> terms.PolicyTerms:
    return terms.PolicyTerms(
        duration_months=policy.duration_months,
        start_event=policy.start_event,
        cap_years_before_move=policy.cap_years_before_move,
        extension_months=policy.extension_months,
    )


NO_POLICY = "未找到适用的利益分享默认比例，请由市发展改革委在“利益分享默认比例”中配置后再认定"


def _default_parties(project: Project, policy: SharingPolicy) -> list[PartyShare]:
    units = [project.filing_unit, *sorted(project.partner_units.all(), key=lambda u: u.code)]
    each, left = divmod(policy.cooperating_bp, len(units))
    parties = [PartyShare("unit", u.code, each + (left if i == 0 else 0)) for i, u in enumerate(units)]
    parties.append(PartyShare("park", project.park.code, policy.host_bp))
    return parties


def agreement_propose(project: Project, on: dt.date, host_contribution: str = "") -> AgreementProposal:
    """Default parties and months from the policy table: the cooperating side's share is split evenly among
    the units (left-over basis points to the filing unit), the host park gets the rest; the months follow
    the policy's duration and start event (enclave/sharing/terms.py). A move-start policy on a project with
    no move date proposes no months (the ValidationError names moved_on)."""
    policy = policy_for(project, on, host_contribution)
    if policy is None:
        raise ValidationError({"parties": NO_POLICY})
    parties = _default_parties(project, policy)
    try:
        span = terms.recognition_span(
            policy_terms(policy),
            recognised_on=on,
            moved_on=project.moved_on,
            cap_fen=0 if policy.cap_years_before_move else None,
        )
    except terms.TermsError as exc:
        raise ValidationError(exc.errors) from exc
    return AgreementProposal(
        parties=tuple(parties), start_month=span.start, end_month=span.end, policy=policy, span=span
    )


def _validate_parties(
    project: Project, parties: list[PartyShare]
) -> list[tuple[Unit | None, Park | None, int]]:
    errors: list[str] = []
    allowed_units = {project.filing_unit.code, *project.partner_units.values_list("code", flat=True)}
    resolved: list[tuple[Unit | None, Park | None, int]] = []
    seen: set[tuple[str, str]] = set()
    for party in parties:
        key = (party.kind, party.code)
        if key in seen:
            errors.append(f"分成方“{party.code}”重复")
            continue
        seen.add(key)
        if (
            not isinstance(party.share_bp, int)
            or isinstance(party.share_bp, bool)
            or not 0 <= party.share_bp <= 10000
        ):
            errors.append(f"分成方“{party.code}”的比例应为0到10000之间的整数基点")
            continue
        if party.kind == "unit":
            if party.code not in allowed_units:
                errors.append(f"单位“{party.code}”不是本项目的协作单位")
                continue
            resolved.append((Unit.objects.get(code=party.code), None, party.share_bp))
        elif party.kind == "park":
            if party.code != project.park.code:
                errors.append(f"园区“{party.code}”不是本项目的承载园区")
                continue
            resolved.append((None, project.park, party.share_bp))
        else:
            errors.append(f"未知的分成方类型“{party.kind}”")
    total = sum(p.share_bp for p in parties if isinstance(p.share_bp, int))
    if total != 10000:
        errors.append(f"各方分成之和应为10000基点（100%），当前为{total}")
    if not any(p.kind == "park" for p in parties):
        errors.append("分成方须包含承载园区")
    if not any(p.kind == "unit" for p in parties):
        errors.append("分成方须至少包含一个协作单位")
    if errors:
        raise ValidationError({"parties": errors})
    return resolved


@transaction.atomic
def project_recognise(
    *,
    actor: Any,
    project: Project,
    parties: list[PartyShare] | None = None,
    start_month: dt.date | None = None,
    end_month: dt.date | None = None,
    on: dt.date | None = None,
    reason: str = "",
    cap_fen: int | None = None,
    extension_months: int | None = None,
    host_contribution: str = "",
) -> Project:
    """Recognise a project (认定) and fix its sharing agreement. Defaults come from the policy table: the
    parties' shares, the duration and the event the period starts from (enclave/sharing/terms.py); an
    explicit start month makes the agreement's own month the start, an explicit end month wins."""
    on = on or today()
    if on > today():
        raise ValidationError({"recognised_on": "认定日期不能晚于今天"})
    if project.filed_on and on < project.filed_on:
        raise ValidationError({"recognised_on": "认定日期不能早于报备日期"})
    transition_check("recognise", status=project.status, role=getattr(actor, "role", ""))
    if project.conflicts.filter(status=Conflict.OPEN).exists():
        raise TransitionError("该企业在本园区存在多个单位报备的冲突，须先由市发展改革委裁定后才能认定")
    if host_contribution and host_contribution not in HostContribution.values:
        raise ValidationError({"host_contribution": "承载地投入情况应为“承载地共同投入”或“承载地未投入”"})
    policy = policy_for(project, on, host_contribution)
    if policy is not None:
        rule = policy_terms(policy)
    elif parties is not None and start_month is not None and end_month is not None:
        months = (end_month.year - start_month.year) * 12 + end_month.month - start_month.month + 1
        rule = terms.PolicyTerms(duration_months=max(months, 1))
    else:
        raise ValidationError({"parties": NO_POLICY})
    try:
        span = terms.recognition_span(
            rule,
            recognised_on=on,
            moved_on=project.moved_on,
            start_month=start_month,
            end_month=end_month,
            cap_fen=cap_fen,
            extension_months=extension_months,
        )
    except terms.TermsError as exc:
        raise ValidationError(exc.errors) from exc
    chosen = list(parties) if parties is not None else _default_parties(project, policy)  # type: ignore[arg-type]
    # A pending first-tax start stores the month after recognition and the provisional end; the first month
    # with tax fixes the end when the settlement reads the agreement (terms.agreement_span).
    start = span.start or span.covers_from
    end = span.end or terms.end_from(start, span.duration_months)
    resolved = _validate_parties(project, chosen)
    project = _move(
        actor=actor,
        project=project,
        action="recognise",
        reason=reason,
        updates={"recognised_on": on, "reviewed_on": project.reviewed_on or on},
        verb=Verb.RECOGNISE,
    )
    agreement = Agreement.objects.create(
        project=project,
        start_month=start,
        end_month=end,
        policy=policy,
        start_event=span.start_event,
        duration_months=span.duration_months,
        end_explicit=span.end_explicit,
        cap_fen=span.cap_fen,
        extension_months=span.extension_months,
        created_by=actor,
    )
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=agreement, unit=u, park=p, share_bp=bp) for u, p, bp in resolved]
    )
    event_record(
        actor=actor,
        verb=Verb.CREATE,
        target=agreement,
        after={
            "start_month": start.isoformat(),
            "end_month": end.isoformat(),
            "start_event": span.start_event,
            "start_pending": span.pending,
            "end_explicit": span.end_explicit,
            "cap_fen": span.cap_fen,
            "extension_months": span.extension_months,
            "parties": [{"kind": p.kind, "code": p.code, "share_bp": p.share_bp} for p in chosen],
        },
    )
    return project


# ---------------------------------------------------------------- first contact and conflicts


@transaction.atomic
def claim_register(
    *,
    actor: Any,
    enterprise: Enterprise,
    contacted_on: dt.date,
    kind: str,
    document: Any = None,
    note: str = "",
) -> FirstContactClaim:
    """A unit records its first contact (首谈) with an enterprise, with evidence."""
    _require_role(actor, Role.UNIT, what="登记首谈")
    if contacted_on > today():
        raise ValidationError({"contacted_on": "首次接洽日期不能晚于今天"})
    claim = FirstContactClaim(
        enterprise=enterprise,
        unit=actor.unit,
        contacted_on=contacted_on,
        kind=kind,
        note=note,
        created_by=actor,
    )
    if document:
        claim.document = document
    claim.full_clean()
    claim.save()
    event_record(actor=actor, verb=Verb.CLAIM, target=claim, after=snapshot(claim))
    for conflict in Conflict.objects.filter(enterprise=enterprise, status=Conflict.OPEN):
        conflict.suggested_winner = conflict_suggest(conflict)
        conflict.save(update_fields=["suggested_winner"])
    return claim


def conflict_suggest(conflict: Conflict) -> Project | None:
    """The project whose unit holds the earliest evidenced first-contact claim (首谈地优先)."""
    best: tuple[dt.date, dt.datetime, int] | None = None
    winner: Project | None = None
    for project in conflict.projects.filter(status__in=Status.ACTIVE).select_related("filing_unit"):
        claim = (
            FirstContactClaim.objects.filter(enterprise=conflict.enterprise, unit=project.filing_unit)
            .exclude(document="")
            .order_by("contacted_on", "created_at", "id")
            .first()
        )
        if claim is None:
            continue
        key = (claim.contacted_on, claim.created_at, project.pk)
        if best is None or key < best:
            best, winner = key, project
    return winner


def _conflict_detect(*, actor: Any, project: Project) -> Conflict | None:
    rivals = (
        Project.objects.filter(enterprise=project.enterprise, park=project.park, status__in=Status.ACTIVE)
        .exclude(filing_unit=project.filing_unit)
        .exclude(pk=project.pk)
    )
    if not rivals.exists():
        return None
    conflict = Conflict.objects.filter(
        enterprise=project.enterprise, park=project.park, status=Conflict.OPEN
    ).first()
    created = conflict is None
    if conflict is None:
        conflict = Conflict.objects.create(enterprise=project.enterprise, park=project.park)
    conflict.projects.add(project, *rivals)
    conflict.suggested_winner = conflict_suggest(conflict)
    conflict.save(update_fields=["suggested_winner"])
    event_record(
        actor=actor,
        verb=Verb.CONFLICT_OPEN,
        target=conflict,
        after={"projects": sorted(p.display_code for p in conflict.projects.all()), "new": created},
    )
    return conflict


@transaction.atomic
def conflict_resolve(
    *, actor: Any, conflict: Conflict, winner: Project | None = None, reason: str = ""
) -> Conflict:
    """The city decides whose filing stands; the others are closed with that reason.

    By default the earliest evidenced first-contact claim wins; choosing otherwise needs a reason.
    """
    _require_role(actor, Role.CITY_ADMIN, what="裁定报备冲突")
    locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.status != Conflict.OPEN:
        raise TransitionError("该冲突已裁定，不能重复裁定")
    suggested = conflict_suggest(locked)
    winner = winner or suggested
    reason = (reason or "").strip()
    if winner is None:
        raise ValidationError({"winner": "各方均无有证明材料的首谈登记，请选择归属项目并填写理由"})
    if not locked.projects.filter(pk=winner.pk).exists():
        raise ValidationError({"winner": "所选项目不在该冲突中"})
    if suggested is not None and winner.pk != suggested.pk and not reason:
        raise ValidationError({"reason": "改变按首谈确定的归属须填写理由"})
    if suggested is None and not reason:
        raise ValidationError({"reason": "无首谈证明时须填写裁定理由"})
    losers = locked.projects.exclude(pk=winner.pk).filter(status__in=Status.ACTIVE | {Status.DRAFT})
    if losers.filter(status=Status.RECOGNISED).exists():
        raise ValidationError({"winner": "另一方项目已认定，不能裁定为本项目；如需变更请先撤销认定"})
    basis = reason or "按最早有证明的首谈登记确定"
    for loser in losers:
        project_close(
            actor=actor,
            project=loser,
            reason=f"报备冲突裁定：该企业归属 {winner.filing_unit.name}（{winner.display_code}）。{basis}",
        )
    locked.status = Conflict.RESOLVED
    locked.winner = winner
    locked.suggested_winner = suggested
    locked.resolution_reason = basis
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.save()
    event_record(
        actor=actor,
        verb=Verb.CONFLICT_RESOLVE,
        target=locked,
        after={"winner": winner.display_code, "suggested": suggested.display_code if suggested else None},
        reason=basis,
    )
    return locked


def projects_export_record(*, actor: Any, filters: dict[str, str], description: str, rows: int) -> None:
    """Every data export leaves an audit row saying who took which rows (数据导出留痕)."""
    event_record(
        actor=actor,
        verb=Verb.EXPORT,
        object_type="projects.project",
        object_repr=f"协作项目库导出（{rows}行）",
        after={"filters": filters, "description": description, "rows": rows},
    )


# ---------------------------------------------------------------- sharing defaults: change from a day on

# Fields of a policy row that say which rule it is, or that the change itself sets; every other concrete
# field (the ratio, the duration and whatever a later migration adds) may be changed and is otherwise copied.
POLICY_FIXED = frozenset(
    {
        "id",
        "kind",
        "relocation_class",
        "host_contribution",
        "effective_from",
        "effective_to",
        "is_default",
        "note",
    }
)
POLICY_REASON_MAX = 200


def _policy_value_errors(row: SharingPolicy) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("cooperating_bp", "host_bp"):
        value = getattr(row, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
            errors[name] = "分成比例应在0到10000基点（0%到100%）之间"
    if not errors and row.cooperating_bp + row.host_bp != 10_000:
        errors["host_bp"] = "协作地与承载地分成之和应为10000基点（100%）"
    months = row.duration_months
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 600:
        errors["duration_months"] = "分享期限应为1到600个月"
    if row.start_event not in StartEvent.values:
        errors["start_event"] = "请选择分享期限的起算事件"
    years = row.cap_years_before_move
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 10):
        errors["cap_years_before_move"] = "分享上限应为搬迁前1到10年的纳税额，不设上限请留空"
    extension = row.extension_months
    if not isinstance(extension, int) or isinstance(extension, bool) or not 0 <= extension <= 600:
        errors["extension_months"] = "未达上限延长应为0到600个月"
    elif extension and years is None:
        errors["extension_months"] = "延长只在设有分享上限时适用，请填写上限或将延长设为0"
    return errors


@transaction.atomic
def policy_change(
    *, actor: Any, policy: SharingPolicy, from_date: dt.date, values: dict[str, Any], reason: str
) -> SharingPolicy:
    """Change the sharing default of `policy`'s kind and relocation class from a day on (调整利益分享默认比例):
    the row in force that day ends the day before, a new row starts that day with `values` changed and every
    other field copied, running to where the old row ran; one audit row with the reason. Agreements already
    recognised keep the row they cite, so a day on or before the recognition of one that cites the running
    row is refused, as is the running row's own first day (history is never overwritten)."""
    if not scope_of(actor).can_change_rules:
        raise PermissionDenied("您的角色无权调整利益分享默认比例")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    changeable = {f.name for f in SharingPolicy._meta.concrete_fields} - POLICY_FIXED
    for name in sorted(set(values) - changeable):
        errors[name] = "该字段不能通过调整修改（类型、流转类别、生效日期和说明由调整本身确定）"
    if not values:
        errors["__all__"] = "请填写要调整的比例或期限"
    if not reason:
        errors["reason"] = "调整利益分享默认比例必须填写原因"
    elif len(reason) > POLICY_REASON_MAX:
        errors["reason"] = f"原因不能超过{POLICY_REASON_MAX}字"
    if errors:
        raise ValidationError(errors)
    rows = SharingPolicy.objects.filter(
        kind=policy.kind, relocation_class=policy.relocation_class, host_contribution=policy.host_contribution
    )
    running = effective.row_in_force(rows, from_date)
    label = policy.get_relocation_class_display() or policy.get_kind_display()
    if running is None:
        raise ValidationError(
            {"from_date": f"{label}在{from_date:%Y-%m-%d}没有生效的默认比例，请在管理后台新增一条"}
        )
    if all(getattr(running, name) == value for name, value in values.items()):
        raise ValidationError({"__all__": f"{label}在{from_date:%Y-%m-%d}适用的默认比例已是这些值，无需调整"})
    if running.effective_from == from_date:
        raise ValidationError({"from_date": (
            f"{label}的现行默认比例正是自{from_date:%Y-%m-%d}起生效的；历史记录不覆盖，同一天不能再调整。"
            f"请选择{from_date + dt.timedelta(days=1):%Y-%m-%d}或更晚的生效日期")})  # fmt: skip
    cited = (
        Agreement.objects.filter(policy=running, project__recognised_on__gte=from_date)
        .select_related("project")
        .order_by("-project__recognised_on")
        .first()
    )
    if cited is not None:
        day = cited.project.recognised_on
        raise ValidationError({"from_date": (
            f"项目{cited.project.display_code}已于{day:%Y-%m-%d}按现行默认比例认定，调整不能改变已认定协议的依据；"
            f"生效日期最早为{day + dt.timedelta(days=1):%Y-%m-%d}")})  # fmt: skip
    successor = effective.successor_build(
        running, start=from_date, changes={**values, "note": reason, "is_default": False}
    )
    errors = _policy_value_errors(successor)
    if errors:
        raise ValidationError(errors)
    successor.full_clean(exclude=["effective_from", "effective_to"], validate_unique=False)
    return effective.succession_save(
        actor=actor, running=running, successor=successor, running_ends=from_date - dt.timedelta(days=1),
        reason=reason,
    )  # fmt: skip
