"""Writes of the assessment: runs, publication, deductions and the bonus-points workflow.

Each is one transaction with its audit row. Who does what (the platform's roles and groups):
- 市发展改革委 (DRC): role city_admin — runs and publishes assessments, records deductions, drafts bonus points;
- 行业主管部门 (industry bureaus): city-level accounts in the group 行业主管部门 (permission
  assessment.remark_bonus) — add remarks to bonus proposals;
- 市目标管理绩效考核领导小组办公室 (assessment office): city-level accounts in the group 市考核办 (permission
  assessment.confirm_bonus) — confirm or amend bonus points. Nobody confirms a proposal they drafted.
The groups exist because the platform's roles (city_admin, reviewer, auditor, park, unit) name no industry
bureau and no assessment office; a role alone never confers these two steps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.assessment import fetch, scoring
from enclave.assessment.models import (
    AssessmentRun,
    BonusProposal,
    BonusRemark,
    BonusRule,
    Contribution,
    Deduction,
    IndicatorResult,
    Source,
    Target,
    UnitResult,
)
from enclave.audit.models import Verb
from enclave.audit.services import event_record, snapshot
from enclave.lib import periods
from enclave.parks.models import TIERS_IN_FORCE_FROM, Unit, UnitTier
from enclave.parks.queries import unit_tiers_on
from enclave.projects.models import Project
from enclave.projects.workflow import Status

MAX_CENTI = 100 * 100  # no deduction or bonus above 100 points


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _require_city_admin(actor: Any, what: str) -> None:
    if getattr(actor, "role", None) != Role.CITY_ADMIN:
        raise PermissionDenied(f"只有市发展改革委（市级管理员）可以{what}")


def _parse(period: str) -> periods.Period:
    try:
        span = periods.parse(period)
        fetch.period_kind(span)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    return span


# ---------------------------------------------------------------- runs


@dataclass(frozen=True)
class RunOutcome:
    run: AssessmentRun
    created: bool


def _canonical_output(result: scoring.Result) -> bytes:
    lines = []
    for r in result.ranked:
        s = r.score
        lines.append(f"{s.code}|{s.tier}|{s.total_centi}|{r.rank}|{r.rank_in_tier}|{s.base_centi}|"
                     f"{s.deductions_centi}|{s.bonus_centi}|{int(s.vetoed)}")  # fmt: skip
        lines += [f" {x.source}|{x.value}|{x.target}|{x.points_centi}" for x in s.lines]
    return "\n".join(lines).encode()


def compute(span: periods.Period) -> tuple[fetch.Inputs, scoring.Result]:
    """Load and score a period without writing anything (also used to verify a stored run)."""
    inputs = fetch.load(span)
    year_or_quarter = "年度" if inputs.kind == "year" else "季度"
    tiers = sorted({u.tier for u in inputs.units})
    missing_scheme = [t for t in tiers if t not in inputs.schemes]
    if missing_scheme:
        raise ValidationError(
            {
                "period": f"{span.label}：{'、'.join(Unit.Tier(t).label for t in missing_scheme)}没有{year_or_quarter}考核指标"
            }
        )
    errors = []
    for tier in tiers:
        try:
            scoring.weights_check(
                inputs.schemes[tier], label=f"{Unit.Tier(tier).label}{span.label}{year_or_quarter}考核"
            )
        except scoring.ScoringError as exc:
            errors.append(str(exc))
        absent = [
            str(fetch.Source(i.source).label)
            for i in inputs.schemes[tier]
            if (tier, i.source) not in inputs.targets
        ]
        if absent:
            errors.append(f"{Unit.Tier(tier).label}缺少{span.label}的考核目标：{'、'.join(absent)}")
    if errors:
        raise ValidationError({"period": errors})
    units = [
        scoring.UnitInput(
            code=u.code,
            tier=u.tier,
            values={i.source: inputs.value(u.code, i.source) for i in inputs.schemes[u.tier]},
            targets={i.source: inputs.targets[(u.tier, i.source)] for i in inputs.schemes[u.tier]},
            deductions_centi=inputs.deductions.get(u.code, (0, False))[0],
            vetoed=inputs.deductions.get(u.code, (0, False))[1],
            bonus_centi=inputs.bonus.get(u.code, 0),
            order=u.order,
        )
        for u in inputs.units
    ]
    try:
        result = scoring.assess(inputs.schemes, units)
    except scoring.ScoringError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    return inputs, result


@transaction.atomic
def assessment_run(*, actor: Any, period: str, provisional: bool = False, reason: str = "") -> RunOutcome:
    """Assess every active unit for a quarter (2024Q3) or a year (2024).

    The period's settlement must be closed, unless the run is provisional (marked so, never publishable).
    Once a period is published, a new run is a correction and needs a reason; the published run is kept.
    The same inputs and rules give the same run back (nothing is written twice): the published one, or the
    latest unpublished one."""
    _require_city_admin(actor, "运行考核")
    span = _parse(period)
    reason = (reason or "").strip()
    published = (
        AssessmentRun.objects.select_for_update()
        .filter(period=span.label, status=AssessmentRun.PUBLISHED)
        .first()
    )
    inputs, result = compute(span)
    if not inputs.closed and not provisional:
        raise ValidationError(
            {
                "provisional": f"{span.label} 的利益分享结算尚未全部关账，只能作为临时结果运行（勾选“临时结果”），临时结果不能发布"
            }
        )
    provisional = provisional and not inputs.closed
    input_digest, rules_digest = sm3(inputs.canonical()), sm3(inputs.canonical_rules())
    if published is not None and not reason:
        if (published.input_digest, published.rules_digest, published.scoring_version) == (
            input_digest, rules_digest, scoring.SCORING_VERSION,
        ):  # fmt: skip
            return RunOutcome(published, False)  # nothing changed: the published result stands
        raise ValidationError(
            {
                "reason": f"{span.label} 的考核结果已发布，其后数据或规则有变化；如需更正，请填写更正原因，原结果将保留"
            }
        )
    if published is None:
        same = AssessmentRun.objects.filter(
            period=span.label, status=AssessmentRun.DRAFT, input_digest=input_digest, rules_digest=rules_digest,
            scoring_version=scoring.SCORING_VERSION, provisional=provisional,
        ).first()  # fmt: skip
        if same is not None:
            return RunOutcome(same, False)
    run = AssessmentRun.objects.create(
        period=span.label,
        period_kind=inputs.kind,
        provisional=provisional,
        input_digest=input_digest,
        rules_digest=rules_digest,
        output_digest=sm3(_canonical_output(result)),
        scoring_version=scoring.SCORING_VERSION,
        corrects=published,
        reason=reason if published else "",
        created_by=actor,
    )
    _write_results(run, inputs, result)
    event_record(
        actor=actor,
        verb=Verb.CREATE,
        target=run,
        after={"period": span.label, "provisional": provisional, "input_digest": input_digest,
               "rules_digest": rules_digest, "output_digest": run.output_digest,
               "corrects": published.pk if published else None},
        reason=run.reason,
    )  # fmt: skip
    return RunOutcome(run, True)


def _write_results(run: AssessmentRun, inputs: fetch.Inputs, result: scoring.Result) -> None:
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    rows = UnitResult.objects.bulk_create(
        [
            UnitResult(
                run=run,
                unit_id=unit_ids[r.score.code],
                tier=r.score.tier,
                base_centi=r.score.base_centi,
                deductions_centi=r.score.deductions_centi,
                bonus_centi=r.score.bonus_centi,
                vetoed=r.score.vetoed,
                total_centi=r.score.total_centi,
                rank=r.rank,
                rank_in_tier=r.rank_in_tier,
            )  # fmt: skip
            for r in result.ranked
        ]
    )
    if any(
        row.pk is None for row in rows
    ):  # backends without RETURNING ids (not SQLite ≥ 3.35, not PostgreSQL)
        rows = list(UnitResult.objects.filter(run=run).order_by("pk"))
    by_unit = {row.unit_id: row for row in rows}
    indicators = []
    for r in result.ranked:
        for order, line in enumerate(r.score.lines):
            indicators.append(
                IndicatorResult(
                    result=by_unit[unit_ids[r.score.code]],
                    source=line.source,
                    value=line.value,
                    target=line.target,
                    weight=line.weight,
                    rule=line.rule,
                    completion_bp=line.completion_bp,
                    points_centi=line.points_centi,
                    max_centi=line.max_centi,
                    sort_order=order,
                )  # fmt: skip
            )
    IndicatorResult.objects.bulk_create(indicators)
    stored = {
        (ind.result_id, ind.source): ind.pk
        for ind in IndicatorResult.objects.filter(result__run=run).only("pk", "result_id", "source")
    }
    code_of = {pk: code for code, pk in unit_ids.items()}
    unit_of_result = {row.pk: row.unit_id for row in rows}
    contributions = []
    for (result_id, source), indicator_id in stored.items():
        code = code_of[unit_of_result[result_id]]
        for (project_id, month), amount in sorted(inputs.contributions.get((code, source), {}).items()):
            contributions.append(
                Contribution(indicator_id=indicator_id, project_id=project_id, month=month, amount=amount)
            )
    Contribution.objects.bulk_create(contributions, batch_size=2000)


@transaction.atomic
def assessment_publish(*, actor: Any, run: AssessmentRun) -> AssessmentRun:
    """Publish (freeze) a run. A provisional run cannot be published; publishing a correction marks the run it
    corrects as superseded (kept, still readable)."""
    _require_city_admin(actor, "发布考核结果")
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status != AssessmentRun.DRAFT:
        raise ValidationError({"run": "该次考核已发布或已被更正，不能再次发布"})
    if run.provisional:
        raise ValidationError({"run": "临时结果（结算未关账）不能发布；请在结算关账后重新运行考核"})
    current = (
        AssessmentRun.objects.select_for_update()
        .filter(period=run.period, status=AssessmentRun.PUBLISHED)
        .first()
    )
    if current is not None and run.corrects_id != current.pk:
        raise ValidationError(
            {
                "run": f"{run.period} 已有发布结果（第{current.pk}次运行），本次运行不是对它的更正；请重新运行并填写更正原因"
            }
        )
    if current is not None:
        current.status = AssessmentRun.SUPERSEDED
        current.save(update_fields=["status"])
        event_record(actor=actor, verb=Verb.TRANSITION, target=current, before={"status": "published"},
                     after={"status": "superseded", "by": run.pk}, reason=run.reason)  # fmt: skip
    run.status, run.published_by, run.published_at = AssessmentRun.PUBLISHED, actor, timezone.now()
    run.save(update_fields=["status", "published_by", "published_at"])
    event_record(actor=actor, verb=Verb.TRANSITION, target=run, before={"status": "draft"},
                 after={"status": "published", "output_digest": run.output_digest}, reason=run.reason)  # fmt: skip
    return run


@dataclass(frozen=True)
class Verification:
    run: AssessmentRun
    input_digest: str
    rules_digest: str
    output_digest: str

    @property
    def same_inputs(self) -> bool:
        return (self.input_digest, self.rules_digest) == (self.run.input_digest, self.run.rules_digest)

    @property
    def matches(self) -> bool:
        return self.same_inputs and self.output_digest == self.run.output_digest


def assessment_verify(*, run: AssessmentRun) -> Verification:
    """Recompute the run's period from today's data, writing nothing, and compare the fingerprints."""
    inputs, result = compute(_parse(run.period))
    return Verification(
        run, sm3(inputs.canonical()), sm3(inputs.canonical_rules()), sm3(_canonical_output(result))
    )


# ---------------------------------------------------------------- deductions


@transaction.atomic
def deduction_create(
    *, actor: Any, unit: Unit, period: str, kind: str, points_centi: int, reason: str
) -> Deduction:
    """Record a deduction (扣分) or a veto (一票否决) of a unit in a period, with its reason."""
    _require_city_admin(actor, "录入扣分或否决事项")
    span = _parse(period)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "扣分或否决必须填写原因"
    if kind not in (Deduction.DEDUCT, Deduction.VETO):
        errors["kind"] = "类型只能是扣分或一票否决"
    elif kind == Deduction.DEDUCT and not 0 < points_centi <= MAX_CENTI:
        errors["points_centi"] = "扣分应大于0且不超过100分"
    if kind == Deduction.VETO:
        points_centi = 0
    if errors:
        raise ValidationError(errors)
    deduction = Deduction.objects.create(
        unit=unit, period=span.label, kind=kind, points_centi=points_centi, reason=reason, created_by=actor
    )
    event_record(actor=actor, verb=Verb.CREATE, target=deduction, after=snapshot(deduction), reason=reason)
    return deduction


# ---------------------------------------------------------------- tiers and targets (effective-dated)


def _latest_published() -> tuple[periods.Period, AssessmentRun] | None:
    """The published run whose period starts last (a change must not reach back into it)."""
    found = None
    for run in AssessmentRun.objects.filter(status=AssessmentRun.PUBLISHED):
        span = periods.parse(run.period)
        if found is None or span.start > found[0].start:
            found = (span, run)
    return found


def _next_quarter_start(day: dt.date) -> dt.date:
    return periods.add_months(dt.date(day.year, 3 * periods.quarter_of(day) - 2, 1), 3)


@transaction.atomic
def unit_tier_change(*, actor: Any, unit: Unit, tier: str, valid_from: dt.date, reason: str) -> UnitTier:
    """Move a unit to a tier from the first day of a quarter on: a new dated row (earlier rows are kept).

    A unit is assessed in the tier it had when the period began, so the date must lie after the start of
    every published period: a published result is never re-tiered."""
    _require_city_admin(actor, "调整单位的考核分类")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if tier not in Unit.Tier.values:
        errors["tier"] = f"未知的考核分类“{tier}”"
    if not reason:
        errors["reason"] = "调整考核分类必须填写原因"
    elif len(reason) > 500:
        errors["reason"] = "调整原因不能超过500字"
    if not isinstance(valid_from, dt.date) or isinstance(valid_from, dt.datetime):
        errors["valid_from"] = "请填写生效日期"
    elif valid_from.day != 1 or valid_from.month not in (1, 4, 7, 10):
        errors["valid_from"] = "生效日期应为季度首日（1月1日、4月1日、7月1日或10月1日）"
    elif not periods.MIN_YEAR <= valid_from.year <= periods.MAX_YEAR or valid_from <= TIERS_IN_FORCE_FROM:
        errors["valid_from"] = f"生效日期应晚于{TIERS_IN_FORCE_FROM.isoformat()}"
    else:
        published = _latest_published()
        if published is not None and valid_from <= published[0].start:
            errors["valid_from"] = (
                f"{published[0].label} 的考核结果已发布，调整不能影响已发布的期间；"
                f"生效日期最早为{_next_quarter_start(published[0].start).isoformat()}"
            )
    if errors:
        raise ValidationError(errors)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not UnitTier.objects.filter(unit=unit).exists():
        # A unit added after the shipped rows: its tier until now becomes its first dated row.
        UnitTier.objects.create(unit=unit, tier=unit.tier, valid_from=TIERS_IN_FORCE_FROM,
                                reason="新增单位时的考核分类", is_default=True)  # fmt: skip
    before = unit_tiers_on(valid_from)[unit.pk]
    later = UnitTier.objects.filter(unit=unit, valid_from__gt=valid_from).exists()
    if before == tier and not later:
        raise ValidationError(
            {"tier": f"{unit.name}自{valid_from.isoformat()}起已是{Unit.Tier(tier).label}，无需调整"}
        )
    row = UnitTier.objects.create(
        unit=unit, tier=tier, valid_from=valid_from, reason=reason, is_default=False, created_by=actor
    )
    today = unit_tiers_on(timezone.localdate())[unit.pk]
    if unit.tier != today:
        unit.tier = today
        unit.save(update_fields=["tier"])
    event_record(actor=actor, verb=Verb.CREATE, target=row, before={"tier": before},
                 after={"unit": unit.code, "tier": tier, "valid_from": valid_from.isoformat()}, reason=reason)  # fmt: skip
    return row


QUARTERS = (0, 1, 2, 3, 4)  # 0: the year's target


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@transaction.atomic
def target_change(
    *, actor: Any, tier: str, source: str, quarter: int, effective_from: int, value: int, reason: str
) -> Target:
    """Set a tier's target of an indicator for a quarter (1–4) or the year (0) from a year on: a new row with
    its reason; the rows before it stay as history. A year already covered by a published run is refused (a
    published result never changes; a correction would be needed for the old figures anyway)."""
    _require_city_admin(actor, "调整考核目标")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if tier not in Unit.Tier.values:
        errors["tier"] = f"未知的考核分类“{tier}”"
    if source not in Source.values:
        errors["source"] = f"未知的考核指标“{source}”"
    if quarter not in QUARTERS or not _is_int(quarter):
        errors["quarter"] = "未知的考核期间：季度目标为第1–4季度，年度目标为全年"
    if not _is_int(value):
        errors["value"] = "目标值应为整数（项目数为个，金额为分）"
    elif value < 0:
        errors["value"] = "目标值不能为负数"
    if not reason:
        errors["reason"] = "调整目标必须填写原因"
    elif len(reason) > 500:
        errors["reason"] = "调整原因不能超过500字"
    if not _is_int(effective_from) or not 2000 <= effective_from <= 2100:
        errors["effective_from"] = "起始年度应为2000至2100之间的四位年份"
    else:
        published = _latest_published()
        if published is not None and effective_from <= published[0].start.year:
            errors["effective_from"] = (
                f"{published[0].label} 的考核结果已发布，目标调整不能影响已发布的期间；"
                f"起始年度最早为{published[0].start.year + 1}年"
            )
    if errors:
        raise ValidationError(errors)
    current = fetch.target_rows_in_force(effective_from, quarter).get((tier, source))
    later = Target.objects.filter(
        tier=tier, source=source, quarter=quarter, effective_from__gt=effective_from
    )
    if current is not None and current.value == value and not later.exists():
        raise ValidationError({"value": f"{effective_from}年起的现行目标已是该值，无需调整"})
    row = Target.objects.create(
        tier=tier, source=source, quarter=quarter, effective_from=effective_from, value=value, is_default=False,
        reason=reason, created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    event_record(actor=actor, verb=Verb.CREATE, target=row,
                 before={"value": current.value if current else None, "row": current.pk if current else None},
                 after={"tier": tier, "source": source, "quarter": quarter, "effective_from": effective_from,
                        "value": value}, reason=reason)  # fmt: skip
    return row


# ---------------------------------------------------------------- bonus points


def bonus_rule_for(year: int) -> BonusRule:
    rule = BonusRule.objects.filter(effective_from__lte=year).order_by("-effective_from").first()
    if rule is None:
        raise ValidationError({"year": f"没有适用于{year}年度的加分规则"})
    return rule


def _pure_rule(rule: BonusRule) -> scoring.BonusRule:
    return scoring.BonusRule(
        rule.per_project_centi, tuple((int(m), int(p)) for m, p in rule.bands), rule.cap_centi
    )


@transaction.atomic
def bonus_draft(*, actor: Any, year: int) -> list[BonusProposal]:
    """The DRC drafts every unit's bonus from the year's recognised projects by the rule in force.

    Undecided proposals are redrafted from today's data; decided ones are left as they are."""
    _require_city_admin(actor, "提出加分建议")
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度应为四位数字"})
    rule = bonus_rule_for(year)
    pure = _pure_rule(rule)
    span = periods.year(year)
    projects = list(
        Project.objects.filter(
            status=Status.RECOGNISED, recognised_on__gte=span.start, recognised_on__lte=span.end
        ).values_list("pk", "code", "name", "planned_investment_fen")
    )
    parties = fetch._unit_parties([p[0] for p in projects])
    info = {pk: (code, name) for pk, code, name, _planned in projects}
    per_unit: dict[str, list[tuple[int, int]]] = {}
    for pk, _code, _name, planned in projects:
        for unit_code in parties.get(pk, ()):
            per_unit.setdefault(unit_code, []).append((pk, planned))
    now = timezone.now()
    out = []
    for unit in Unit.objects.filter(code__in=list(per_unit)).order_by("sort_order", "code"):
        total, lines = scoring.bonus_points(pure, per_unit[unit.code])
        basis = [{"project_id": line.project_id, "code": info[line.project_id][0], "name": info[line.project_id][1],
                  "planned_fen": line.planned_fen, "points_centi": line.points_centi} for line in lines]  # fmt: skip
        proposal = BonusProposal.objects.select_for_update().filter(year=year, unit=unit).first()
        if proposal is not None and proposal.is_decided:
            out.append(proposal)
            continue
        before = snapshot(proposal) if proposal else None
        if proposal is None:
            proposal = BonusProposal(year=year, unit=unit)
        proposal.rule, proposal.drafted_centi, proposal.basis = rule, total, basis
        proposal.drafted_by, proposal.drafted_at = actor, now
        proposal.save()
        if before is None or before["drafted_centi"] != total or before["basis"] != basis:
            event_record(actor=actor, verb=Verb.CREATE if before is None else Verb.UPDATE, target=proposal,
                         before=before, after=snapshot(proposal))  # fmt: skip
        out.append(proposal)
    return out


def _require_permission(actor: Any, perm: str, who: str) -> None:
    if not (scope_of(actor).is_city and actor.has_perm(f"assessment.{perm}")):
        raise PermissionDenied(f"只有{who}可以执行该操作")


@transaction.atomic
def bonus_remark(*, actor: Any, proposal: BonusProposal, text: str) -> BonusRemark:
    """An industry bureau's remark on an undecided proposal."""
    _require_permission(actor, "remark_bonus", "行业主管部门")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写意见"})
    if len(text) > 2000:
        raise ValidationError({"text": "意见不能超过2000字"})
    proposal = BonusProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.is_decided:
        raise ValidationError({"text": "该加分建议已由市考核办确认，不能再提出意见"})
    remark = BonusRemark.objects.create(
        proposal=proposal, author=actor, bureau=(getattr(actor, "full_name", "") or actor.get_username())[:60],
        text=text,
    )  # fmt: skip
    event_record(
        actor=actor, verb=Verb.UPDATE, target=proposal, after={"remark": text, "bureau": remark.bureau}
    )
    return remark


@transaction.atomic
def bonus_confirm(
    *, actor: Any, proposal: BonusProposal, points_centi: int | None = None, reason: str = ""
) -> BonusProposal:
    """The assessment office confirms the drafted points, or amends them with a reason (never above the cap)."""
    _require_permission(actor, "confirm_bonus", "市考核办")
    proposal = BonusProposal.objects.select_for_update().select_related("rule").get(pk=proposal.pk)
    if proposal.is_decided:
        raise ValidationError({"points_centi": "该加分建议已确认，不能重复确认"})
    if proposal.drafted_by_id == actor.pk:
        raise PermissionDenied("提出加分建议的人员不能确认自己的建议")
    reason = (reason or "").strip()
    points = proposal.drafted_centi if points_centi is None else points_centi
    errors: dict[str, str] = {}
    if not isinstance(points, int) or isinstance(points, bool) or points < 0:
        errors["points_centi"] = "加分应为不小于0的数"
    elif points > proposal.rule.cap_centi:
        errors["points_centi"] = (
            f"加分{points / 100:g}分超过每个单位{proposal.rule.cap_centi / 100:g}分的上限"
        )
    amended = points != proposal.drafted_centi
    if amended and not reason:
        errors["reason"] = "调整建议分值时必须填写原因"
    if errors:
        raise ValidationError(errors)
    before = snapshot(proposal, ["status", "final_centi"])
    proposal.status = BonusProposal.AMENDED if amended else BonusProposal.CONFIRMED
    proposal.final_centi, proposal.decided_by, proposal.decided_at = points, actor, timezone.now()
    proposal.decision_reason = reason
    proposal.save()
    event_record(actor=actor, verb=Verb.TRANSITION, target=proposal, before=before,
                 after=snapshot(proposal, ["status", "final_centi"]), reason=reason)  # fmt: skip
    return proposal
