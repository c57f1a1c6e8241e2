"""Writes of the accounting mechanism: monthly reports, confirmations, adjustments, rates, runs, closing.

Each is one transaction with its audit row. Runs load plain inputs (fetch.py), call the pure engine and
store the ledger with the digest of what produced it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json

# bandit B404 (low severity): only `git rev-parse` for the code version, an argument list.
import subprocess  # nosec B404
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from enclave import effective
from enclave.accounts.models import Role
from enclave.accounts.scope import may_confirm_indicators, may_confirm_tax, scope_of
from enclave.audit.models import Verb
from enclave.audit.services import diff, event_record, snapshot
from enclave.lib import periods
from enclave.parks.models import Park, Unit
from enclave.projects.models import Project
from enclave.projects.workflow import Status
from enclave.sharing import engine, fetch, ledger, trueup
from enclave.sharing.models import (
    INDICATORS,
    Adjustment,
    AdjustmentTarget,
    ClosedMonth,
    DataStatus,
    MonthlyReport,
    MonthlyTax,
    ProvisionalStatement,
    RetentionRate,
    RunTotal,
    SettlementLine,
    SettlementRun,
    SettlementShare,
    TaxType,
    TrueUpLine,
    TrueUpStatement,
)

MAX_FEN = 10**15
INDICATOR_FIELDS = tuple(f for f, _, _ in INDICATORS)


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _require(actor: Any, roles: set[str], what: str) -> None:
    if getattr(actor, "role", None) not in roles:
        raise PermissionDenied(f"您的角色无权{what}")


def month_is_closed(month: dt.date) -> bool:
    return ClosedMonth.objects.filter(month=month).exists()


# ---------------------------------------------------------------- monthly reports


def _may_report(actor: Any, project: Project) -> None:
    """The host park committee and the city enter monthly figures; the city confirms them."""
    role = getattr(actor, "role", None)
    if role == Role.CITY_ADMIN:
        return
    if role == Role.PARK and project.park_id == actor.park_id:
        return
    raise PermissionDenied("只有承载园区或市级管理员可以填报该项目的月度数据")


def active_tax_codes() -> set[str]:
    return set(TaxType.objects.filter(is_active=True).values_list("code", flat=True))


def _clean_report(
    project: Project,
    month: dt.date,
    taxes: Mapping[str, int],
    values: Mapping[str, int],
    *,
    known: set[str] | None = None,
    this_month: dt.date | None = None,
) -> None:
    """The figures' own rules. `known` (active tax codes) and `this_month` are looked up when not given;
    a batch import passes them preloaded, so both paths apply the very same rules and messages."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if month.day != 1:
        add("month", "月份应为该月1日")
    if project.status != Status.RECOGNISED:
        add("project", f"项目“{project.display_code}”尚未认定，不能填报月度数据")
    else:
        agreement = getattr(project, "agreement", None)
        months = fetch.agreement_months(agreement) if agreement is not None else None
        if months is None or not months.covers(month):
            span = "无"
            if months is not None:
                end = f"{months.end:%Y-%m}" if months.end else "首个纳税月份后确定"
                span = f"{months.covers_from:%Y-%m}至{end}"
            add("month", f"{month:%Y-%m} 不在该项目的利益分享期限内（{span}）")
    if month > (this_month or timezone.localdate().replace(day=1)):
        add("month", "不能填报未来月份的数据")
    if known is None:
        known = active_tax_codes()
    for code, paid in taxes.items():
        if code not in known:
            add("taxes", f"未知税种“{code}”")
        elif not isinstance(paid, int) or isinstance(paid, bool):
            add(f"tax_{code}", "税额应为整数分")
        elif paid < 0:
            add(f"tax_{code}", "实缴税额不能为负数；如需冲减，请录入带原因的调整记录")
        elif paid > MAX_FEN:
            add(f"tax_{code}", "税额超过上限，请核对单位")
    for field, value in values.items():
        if field not in ("rebates_fen", *INDICATOR_FIELDS):
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            add(field, "金额应为整数分")
        elif value < 0:
            add(field, "金额不能为负数；如需冲减，请录入带原因的调整记录")
        elif value > MAX_FEN:
            add(field, "金额超过上限，请核对单位")
    total_paid = sum(v for v in taxes.values() if isinstance(v, int) and v > 0)
    rebates = values.get("rebates_fen", 0)
    if isinstance(rebates, int) and rebates > total_paid:
        add("rebates_fen", "优惠政策返还不能超过当月实缴税额合计")
    if errors:
        raise ValidationError(errors)


def _report_state(report: MonthlyReport) -> dict[str, Any]:
    data = snapshot(report)
    data["taxes"] = {t.tax_type.code: t.paid_fen for t in report.taxes.select_related("tax_type")}
    return data


def report_create_check(
    *,
    actor: Any,
    project: Project,
    month: dt.date,
    taxes: Mapping[str, int],
    values: Mapping[str, int],
    closed: bool,
    exists: bool,
    known: set[str] | None = None,
    this_month: dt.date | None = None,
) -> None:
    """Every refusal of `report_create`, in its order, from facts the caller looked up (raises
    PermissionDenied or ValidationError). The batch import calls it with facts it preloaded."""
    _may_report(actor, project)
    if closed:
        raise ValidationError({"month": f"{month:%Y-%m} 已关账，不能新增报表；请录入调整记录"})
    if exists:
        raise ValidationError(
            {"month": f"项目“{project.display_code}”{month:%Y-%m} 的月度报表已存在，请修改原报表"}
        )
    _clean_report(project, month, taxes, values, known=known, this_month=this_month)


def report_update_merge(
    current_taxes: Mapping[str, int],
    current_values: Mapping[str, int],
    taxes: Mapping[str, int],
    values: Mapping[str, int],
) -> tuple[dict[str, int], dict[str, int]]:
    """A report's figures after an update: the given ones over the current ones (blank keeps)."""
    merged_taxes = dict(current_taxes)
    merged_taxes.update(taxes)
    merged_values = dict(current_values)
    merged_values.update({k: v for k, v in values.items() if k in merged_values})
    return merged_taxes, merged_values


def report_update_check(
    *,
    actor: Any,
    project: Project,
    month: dt.date,
    merged_taxes: Mapping[str, int],
    merged_values: Mapping[str, int],
    closed: bool,
    known: set[str] | None = None,
    this_month: dt.date | None = None,
) -> None:
    """Every refusal of `report_update`, in its order, from facts the caller looked up."""
    _may_report(actor, project)
    if closed:
        raise ValidationError(
            {"month": f"{month:%Y-%m} 已关账，报表不能修改；请录入调整记录，计入下一个开放期间"}
        )
    _clean_report(project, month, merged_taxes, merged_values, known=known, this_month=this_month)


REPORT_AMOUNT_FIELDS = ("rebates_fen", *INDICATOR_FIELDS)


@transaction.atomic
def report_create(
    *,
    actor: Any,
    project: Project,
    month: dt.date,
    taxes: Mapping[str, int],
    values: Mapping[str, int],
) -> MonthlyReport:
    """Enter one project-month (月度报表), as estimated figures until the bureau confirms them."""
    report_create_check(
        actor=actor, project=project, month=month, taxes=taxes, values=values,
        closed=month_is_closed(month),
        exists=MonthlyReport.objects.filter(project=project, month=month).exists(),
    )  # fmt: skip
    report = MonthlyReport(project=project, month=month, created_by=actor)
    for field in ("rebates_fen", *INDICATOR_FIELDS):
        setattr(report, field, values.get(field, 0))
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise ValidationError({"month": "该项目该月份的月度报表已存在"}) from exc
    types = {t.code: t for t in TaxType.objects.filter(code__in=list(taxes))}
    MonthlyTax.objects.bulk_create(
        [MonthlyTax(report=report, tax_type=types[c], paid_fen=v) for c, v in taxes.items()]
    )
    event_record(actor=actor, verb=Verb.CREATE, target=report, after=_report_state(report))
    return report


def reports_insert(
    *,
    actor: Any,
    reports: list[tuple[Project, dt.date, Mapping[str, int], Mapping[str, int]]],
    tax_types: list[TaxType],
    source: str,
    progress: Callable[[int], None] | None = None,
    batch: int = 2000,
) -> int:
    """Write many new reports at once (the Excel batch import), each already passed `report_create_check`
    in the caller's transaction: multi-row INSERTs (COPY on PostgreSQL) of the reports and their tax rows,
    and ONE audit row for them all, naming the file, how many, and the id ranges of the reports written.

    The rows are what `report_create` would store: estimated figures, every given tax type, created by
    the actor now."""
    if not reports:
        return 0
    report_t, tax_t = MonthlyReport._meta.db_table, MonthlyTax._meta.db_table
    type_ids = {t.code: t.pk for t in tax_types}
    now = timezone.now()
    stamp = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    columns = ("project_id", "month", *REPORT_AMOUNT_FIELDS, "tax_status", "indicator_status",
               "created_by_id", "created_at", "updated_at")  # fmt: skip
    report = progress or (lambda done: None)
    ranges: list[list[int]] = []
    with connection.cursor() as cursor:
        # bandit B608 waived: table names come from the models, values are parameters.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {report_t}")  # nosec B608
        floor = cursor.fetchone()[0]
        for start in range(0, len(reports), batch):
            chunk = reports[start : start + batch]
            rows_insert(
                cursor, report_t, columns,
                [(p.pk, month, *(values.get(f, 0) for f in REPORT_AMOUNT_FIELDS), DataStatus.ESTIMATED.value,
                  DataStatus.ESTIMATED.value, actor.pk, stamp, stamp) for p, month, _t, values in chunk],
            )  # fmt: skip
            cursor.execute(
                f"SELECT id, project_id, month FROM {report_t} WHERE id > %s AND created_by_id = %s",  # nosec B608
                [floor, actor.pk],
            )
            ids = {(project_id, fetch._as_date(month)): pk for pk, project_id, month in cursor.fetchall()}
            written = [ids[(p.pk, month)] for p, month, _t, _v in chunk]
            floor = max(written)
            rows_insert(
                cursor, tax_t, ("report_id", "tax_type_id", "paid_fen"),
                [(pk, type_ids[code], paid)
                 for pk, (_p, _m, taxes, _v) in zip(written, chunk, strict=True) for code, paid in taxes.items()],
            )  # fmt: skip
            for pk in sorted(written):
                if ranges and ranges[-1][1] == pk - 1:
                    ranges[-1][1] = pk
                else:
                    ranges.append([pk, pk])
            report(start + len(chunk))
    months = sorted({month for _p, month, _t, _v in reports})
    event_record(
        actor=actor,
        verb=Verb.CREATE,
        object_type=MonthlyReport._meta.label_lower,
        object_repr=f"Excel 导入 {len(reports)} 份月度报表（{source}）"[:200],
        after={
            "source": source,
            "count": len(reports),
            "projects": len({p.pk for p, _m, _t, _v in reports}),
            "months": [months[0].isoformat(), months[-1].isoformat()],
            "taxes_fen": sum(sum(t.values()) for _p, _m, t, _v in reports),
            "report_ids": ranges,
        },
    )
    return len(reports)


@transaction.atomic
def report_update(
    *, actor: Any, report: MonthlyReport, taxes: Mapping[str, int], values: Mapping[str, int]
) -> MonthlyReport:
    """Correct an open month's report. Changing a figure makes it an estimate again."""
    report = MonthlyReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    merged_taxes, merged_values = report_update_merge(
        {t.tax_type.code: t.paid_fen for t in report.taxes.select_related("tax_type")},
        {f: getattr(report, f) for f in REPORT_AMOUNT_FIELDS},
        taxes,
        values,
    )
    report_update_check(
        actor=actor, project=report.project, month=report.month, merged_taxes=merged_taxes,
        merged_values=merged_values, closed=month_is_closed(report.month),
    )  # fmt: skip
    before = _report_state(report)
    tax_changed = merged_taxes != before["taxes"] or merged_values["rebates_fen"] != report.rebates_fen
    indicators_changed = any(merged_values[f] != getattr(report, f) for f in INDICATOR_FIELDS)
    for field, value in merged_values.items():
        setattr(report, field, value)
    if tax_changed:
        report.tax_status, report.tax_confirmed_by, report.tax_confirmed_at = DataStatus.ESTIMATED, None, None
    if indicators_changed:
        report.indicator_status = DataStatus.ESTIMATED
        report.indicators_confirmed_by, report.indicators_confirmed_at = None, None
    report.save()
    types = {t.code: t for t in TaxType.objects.filter(code__in=list(merged_taxes))}
    for code, paid in merged_taxes.items():
        MonthlyTax.objects.update_or_create(report=report, tax_type=types[code], defaults={"paid_fen": paid})
    b, a = diff(before, _report_state(report))
    if a:
        event_record(actor=actor, verb=Verb.UPDATE, target=report, before=b, after=a)
    return report


@transaction.atomic
def report_confirm(*, actor: Any, report: MonthlyReport, what: str) -> MonthlyReport:
    """The finance/tax bureau confirms tax figures; the statistics bureau's indicators are confirmed via
    the city (accounts.scope: may_confirm_tax, may_confirm_indicators)."""
    if not (may_confirm_tax(actor) or may_confirm_indicators(actor)):
        raise PermissionDenied("您的角色无权确认月度数据")
    if what == "tax" and not may_confirm_tax(actor):
        raise PermissionDenied("只有市财政局/市税务局（财税部门）可以确认税收数据")
    if what == "indicators" and not may_confirm_indicators(actor):
        raise PermissionDenied("只有市级管理员可以确认统计指标数据")
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if month_is_closed(report.month):
        raise ValidationError({"month": "该月份已关账"})
    now = timezone.now()
    if what == "tax":
        report.tax_status, report.tax_confirmed_by, report.tax_confirmed_at = DataStatus.CONFIRMED, actor, now
    elif what == "indicators":
        report.indicator_status = DataStatus.CONFIRMED
        report.indicators_confirmed_by, report.indicators_confirmed_at = actor, now
    else:
        raise ValidationError({"what": "只能确认税收（tax）或指标（indicators）"})
    report.save()
    event_record(actor=actor, verb=Verb.UPDATE, target=report, after={"confirmed": what})
    return report


# ---------------------------------------------------------------- adjustments


def first_open_month_after(month: dt.date) -> dt.date:
    """The next month that is not closed, after `month` (where a correction settles)."""
    closed = set(ClosedMonth.objects.filter(month__gt=month).values_list("month", flat=True))
    candidate = periods.add_months(month, 1)
    while candidate in closed:
        candidate = periods.add_months(candidate, 1)
    return candidate


def adjustment_outside_agreement(project: Project, concerns_month: dt.date) -> str | None:
    """Why an adjustment about `concerns_month` cannot settle for the project (no agreement covers the
    month), or None. A month inside the agreement settles with its shares even after the agreement ended."""
    agreement = getattr(project, "agreement", None)
    if agreement is None:
        return f"项目“{project.display_code}”没有利益分享协议，不能录入调整"
    if not agreement.start_month <= concerns_month <= agreement.end_month:
        return (
            f"{concerns_month:%Y-%m} 不在该项目的利益分享期限内（{agreement.start_month:%Y-%m}至"
            f"{agreement.end_month:%Y-%m}），没有可依据的分享比例，不能录入调整"
        )
    return None


def adjustment_void_refusal(*, is_reversal: bool, is_voided: bool) -> str | None:
    """The state rule of voiding (作废): an adjustment is voided once; a reversal is never voided
    (enter a new adjustment instead). None when the adjustment may be voided."""
    if is_reversal:
        return "这是一条作废冲销记录，不能再作废；如需恢复原调整，请重新录入一条调整"
    if is_voided:
        return "该调整已作废，不能重复作废"
    return None


@transaction.atomic
def adjustment_create(
    *, actor: Any, project: Project, concerns_month: dt.date, target: str, amount_fen: int, reason: str
) -> Adjustment:
    """Correct a closed month: a new signed row that the next open month settles, with its reason."""
    _require(actor, {Role.CITY_ADMIN}, "录入调整记录")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "调整记录必须填写原因"
    if concerns_month.day != 1:
        errors["concerns_month"] = "更正月份应为该月1日"
    elif not month_is_closed(concerns_month):
        errors["concerns_month"] = f"{concerns_month:%Y-%m} 尚未关账，请直接修改该月报表"
    if target not in AdjustmentTarget.values:
        errors["target"] = "未知的调整对象"
    if (
        not isinstance(amount_fen, int)
        or isinstance(amount_fen, bool)
        or amount_fen == 0
        or abs(amount_fen) > MAX_FEN
    ):
        errors["amount_fen"] = "调整金额应为非零整数分，且不超过上限"
    if project.status != Status.RECOGNISED:
        errors["project"] = "只能调整已认定项目"
    elif "concerns_month" not in errors and (outside := adjustment_outside_agreement(project, concerns_month)):
        errors["concerns_month"] = outside
    if errors:
        raise ValidationError(errors)
    adjustment = Adjustment.objects.create(
        project=project,
        month=first_open_month_after(concerns_month),
        concerns_month=concerns_month,
        target=target,
        amount_fen=amount_fen,
        reason=reason,
        created_by=actor,
    )
    event_record(actor=actor, verb=Verb.CREATE, target=adjustment, after=snapshot(adjustment), reason=reason)
    return adjustment


@transaction.atomic
def adjustment_void(*, actor: Any, adjustment: Adjustment, reason: str) -> Adjustment:
    """Void (作废) an adjustment: its reversal, the negated amount with the reason, lands in the first open
    month like any adjustment. Nothing is deleted; one audit row. Returns the reversal."""
    _require(actor, {Role.CITY_ADMIN}, "作废调整记录")
    reason = (reason or "").strip()
    # Lock the original so two voids at once cannot both pass the check (the one-to-one key also refuses).
    original = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "作废调整必须填写原因"
    refusal = adjustment_void_refusal(
        is_reversal=original.reverses_id is not None,
        is_voided=Adjustment.objects.filter(reverses=original).exists(),
    )
    if refusal:
        errors["adjustment"] = refusal
    if errors:
        raise ValidationError(errors)
    reversal = Adjustment.objects.create(
        project_id=original.project_id,
        month=first_open_month_after(periods.add_months(original.month, -1)),
        concerns_month=original.concerns_month,
        target=original.target,
        amount_fen=-original.amount_fen,
        reason=reason,
        reverses=original,
        created_by=actor,
    )
    event_record(
        actor=actor, verb=Verb.UPDATE, target=original,
        after={"voided": True, "reversal_id": reversal.pk, "reversal_month": reversal.month.isoformat(),
               "amount_fen": reversal.amount_fen},
        reason=reason,
    )  # fmt: skip
    return reversal


# ---------------------------------------------------------------- rates

# How a running rate is changed, named wherever a user meets the old dead end.
RATE_CHANGE_WAYS = "本页的“调整留成比例”、API（POST /api/v1/rates/change）或 Excel 导入“县级留成比例调整”"
REASON_MAX = 200


def _may_change_rules(actor: Any, what: str) -> None:
    if not scope_of(actor).can_change_rules:
        raise PermissionDenied(f"您的角色无权{what}")


def _percent(bp: int) -> str:
    return f"{bp / 100:g}%" if bp % 100 else f"{bp // 100}%"


@transaction.atomic
def rate_save(
    *,
    actor: Any,
    tax_type: TaxType,
    effective_from: dt.date,
    effective_to: dt.date | None,
    rate_bp: int,
    note: str = "",
) -> RetentionRate:
    """Add an effective-dated retained rate; overlapping another row of the same tax type is refused."""
    _may_change_rules(actor, "修改县级留成比例")
    errors: dict[str, str] = {}
    if not 0 <= rate_bp <= 10000:
        errors["rate_bp"] = "留成比例应在0到10000基点之间"
    if effective_from.day != 1 or (effective_to and effective_to.day != 1):
        errors["effective_from"] = "生效/失效月份应为该月1日"
    if effective_to and effective_to < effective_from:
        errors["effective_to"] = "失效月份不能早于生效月份"
    if (
        ClosedMonth.objects.filter(month__gte=effective_from)
        .filter(Q(month__lte=effective_to) if effective_to else Q())
        .exists()
    ):
        errors["effective_from"] = "生效期间包含已关账月份，已关账月份的规则不能变更"
    overlap = RetentionRate.objects.filter(tax_type=tax_type).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)
    )
    if effective_to:
        overlap = overlap.filter(effective_from__lte=effective_to)
    if overlap.exists():
        errors["effective_from"] = (
            f"与{tax_type.name}已有的留成比例生效期间重叠。要自某月起改变现行比例，请使用{RATE_CHANGE_WAYS}："
            "原比例在前一个月结束，新比例自该月起生效，一步完成"
        )
    if errors:
        raise ValidationError(errors)
    rate = RetentionRate.objects.create(
        tax_type=tax_type,
        effective_from=effective_from,
        effective_to=effective_to,
        rate_bp=rate_bp,
        note=note,
        is_default=False,
    )
    event_record(actor=actor, verb=Verb.CREATE, target=rate, after=snapshot(rate))
    return rate


def _closed_reach(first_month: dt.date) -> str | None:
    """Why a rule change from `first_month` on would reach into a closed month (None when it does not)."""
    latest = ClosedMonth.objects.filter(month__gte=first_month).order_by("-month").first()
    if latest is None:
        return None
    return (
        f"该调整涉及已关账月份（{latest.month:%Y-%m}）：已关账月份适用的比例不能变更，"
        f"生效月份最早为{first_open_month_after(latest.month):%Y-%m}；已关账月份的更正请录入调整记录"
    )


@transaction.atomic
def rate_change(
    *, actor: Any, tax_type: TaxType, from_month: dt.date, rate_bp: int, reason: str
) -> RetentionRate:
    """Change a tax type's retained rate from a month on (调整县级留成比例), in one step: the row in force
    that month ends the month before, the new row starts that month and runs to where the old one ran.
    History is never overwritten, so a month already closed or a row's own first month is refused."""
    _may_change_rules(actor, "修改县级留成比例")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not isinstance(rate_bp, int) or isinstance(rate_bp, bool) or not 0 <= rate_bp <= 10000:
        errors["rate_bp"] = "留成比例应在0%到100%之间（0到10000基点），百分数最多保留两位小数"
    if not reason:
        errors["reason"] = "调整留成比例必须填写原因"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"原因不能超过{REASON_MAX}字"
    if from_month.day != 1:
        errors["from_month"] = "生效月份应为该月1日"
    elif reach := _closed_reach(from_month):
        errors["from_month"] = reach
    if errors:
        raise ValidationError(errors)
    running = effective.row_in_force(RetentionRate.objects.filter(tax_type=tax_type), from_month)
    if running is None:
        raise ValidationError(
            {"from_month": f"{tax_type.name}在{from_month:%Y-%m}没有生效的留成比例，请用“添加留成比例”新增一条"}
        )
    if running.rate_bp == rate_bp:
        raise ValidationError(
            {"rate_bp": f"{tax_type.name}在{from_month:%Y-%m}适用的比例已是{_percent(rate_bp)}，无需调整"}
        )
    if running.effective_from == from_month:
        raise ValidationError(
            {
                "from_month": (
                    f"{tax_type.name}的现行比例正是自{from_month:%Y-%m}起生效的；历史记录不覆盖，同一月份不能再调整。"
                    f"请选择{periods.add_months(from_month, 1):%Y-%m}或更晚的生效月份"
                )
            }
        )
    successor = effective.successor_build(
        running, start=from_month, changes={"rate_bp": rate_bp, "note": reason, "is_default": False}
    )
    return effective.succession_save(
        actor=actor, running=running, successor=successor,
        running_ends=periods.add_months(from_month, -1), reason=reason,
    )  # fmt: skip


# ---------------------------------------------------------------- runs


@dataclass(frozen=True)
class RunResult:
    run: SettlementRun
    created: bool
    totals: tuple[engine.Share, ...]


Progress = Callable[[int, int, str], None]


def _party_ids() -> tuple[dict[str, int], dict[str, int]]:
    return dict(Unit.objects.values_list("code", "pk")), dict(Park.objects.values_list("code", "pk"))


def engine_refusal(exc: engine.EngineError, label: str) -> str:
    """The engine's refusal as the page shows it: a project-month it cannot settle is named, with what
    to do; the run writes nothing."""
    if isinstance(exc, engine.ProjectMonthError):
        return (
            f"{label} 未结算，未写入任何数据：项目 {exc.project_code} 的 {exc.month:%Y-%m} 无法结算（{exc}）。"
            f"请在“调整记录”中作废该项目计入 {exc.month:%Y-%m} 的有关调整，或更正该项目的利益分享协议，然后重新运行结算"
        )
    return f"{label} 未结算，未写入任何数据：{exc}"


def settlement_run(*, actor: Any, period: str, progress: Progress | None = None) -> RunResult:
    """Settle a period (month 2024-07, quarter 2024Q3 or year 2024).

    Open months are recomputed from the current reports; closed months keep their frozen lines. The same
    period with the same inputs gives the same run (nothing is written again), also when two processes
    ask at once.
    """
    _require(actor, {Role.CITY_ADMIN}, "运行结算")
    try:
        span = periods.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    months = fetch.months_between(span.start, span.end)
    report = progress or (lambda done, total, stage: None)
    report(0, 4, "读取数据")
    inputs = fetch.load(months)
    input_digest, rules_digest = sm3(inputs.canonical()), sm3(inputs.canonical_rules())
    existing = SettlementRun.objects.filter(
        period=span.label,
        input_digest=input_digest,
        rules_digest=rules_digest,
        engine_version=engine.ENGINE_VERSION,
    ).first()
    report(1, 4, "计算")
    try:
        settled = engine.settle(inputs.reports, inputs.agreements, inputs.rates_by_month)
        result = engine.caps_apply(settled, inputs.agreements, inputs.caps)
    except engine.EngineError as exc:
        raise ValidationError({"period": engine_refusal(exc, span.label)}) from exc
    if existing is not None:
        # The same inputs were settled before. The ledger's open months may since have been rewritten by a
        # run on other inputs (a figure changed and then changed back): put the run's postings back.
        with transaction.atomic():
            _ledger_restore(actor, existing, months, inputs, result)
        report(4, 4, "输入未变化，沿用已有结算")
        return RunResult(existing, False, _totals(existing))
    output_digest = sm3(_canonical_output(result))
    report(2, 4, "写入")
    try:
        with transaction.atomic():
            run, created = _write(
                actor, span, months, inputs, result, input_digest, rules_digest, output_digest
            )
    except IntegrityError:
        # Another process stored the same run first: take that one (idempotent). Any other integrity
        # failure (e.g. the audit store refusing its row) is not a race: let it through.
        run = SettlementRun.objects.filter(
            period=span.label, input_digest=input_digest, rules_digest=rules_digest,
            engine_version=engine.ENGINE_VERSION,
        ).first()  # fmt: skip
        if run is None:
            raise
        created = False
    report(4, 4, "完成")
    return RunResult(run, created, _totals(run))


@dataclass(frozen=True)
class Verification:
    period: str
    input_digest: str
    output_digest: str
    run: SettlementRun | None  # the stored run with the same inputs, if any

    @property
    def matches(self) -> bool:
        return self.run is not None and self.run.output_digest == self.output_digest


def settlement_verify(*, period: str) -> Verification:
    """Recompute a period from today's data without writing anything, and compare with the stored run.

    A closed period's inputs are frozen, so its run must be found and its output digest reproduced."""
    try:
        span = periods.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    inputs = fetch.load(fetch.months_between(span.start, span.end))
    input_digest, rules_digest = sm3(inputs.canonical()), sm3(inputs.canonical_rules())
    try:
        settled = engine.settle(inputs.reports, inputs.agreements, inputs.rates_by_month)
        result = engine.caps_apply(settled, inputs.agreements, inputs.caps)
    except engine.EngineError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    run = SettlementRun.objects.filter(
        period=span.label,
        input_digest=input_digest,
        rules_digest=rules_digest,
        engine_version=engine.ENGINE_VERSION,
    ).first()
    return Verification(span.label, input_digest, sm3(_canonical_output(result)), run)


def settlement_replay(*, run: SettlementRun) -> Verification:
    """Recompute a stored run's period from the data as it is now (without writing) for `replay_settlement`:
    with unchanged inputs the output digest must be the run's, byte for byte."""
    return settlement_verify(period=run.period)


@functools.cache
def code_version() -> str:
    """Enclave's version and, in a git checkout, its commit: stored with each run (可复现)."""
    version = importlib.metadata.version("enclave")
    try:
        commit = subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short=12", "HEAD"],  # noqa: S607
            cwd=Path(__file__).resolve().parent, capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{version}+{commit}" if commit else version


def _canonical_output(result: engine.Settlement) -> bytes:
    lines = [
        f"{m.project_code}|{m.month.isoformat()}|{m.retained_fen}|"
        + ",".join(f"{c}:{a}" for c, a in m.shares)
        for m in result.months
    ]
    lines += [f"T|{code}|{amount}" for code, amount in result.totals]
    return "\n".join(lines).encode()


def _write(
    actor: Any,
    span: periods.Period,
    months: list[dt.date],
    inputs: fetch.Inputs,
    result: engine.Settlement,
    input_digest: str,
    rules_digest: str,
    output_digest: str,
) -> tuple[SettlementRun, bool]:
    closed = set(
        ClosedMonth.objects.select_for_update().filter(month__in=months).values_list("month", flat=True)
    )
    run, created = SettlementRun.objects.get_or_create(
        period=span.label,
        input_digest=input_digest,
        rules_digest=rules_digest,
        engine_version=engine.ENGINE_VERSION,
        defaults={
            "start_month": months[0],
            "end_month": months[-1],
            "output_digest": output_digest,
            "retained_fen": result.retained_fen,
            "created_by": actor,
            "code_version": code_version(),
        },
    )
    if not created:
        return run, False
    open_months = [m for m in months if m not in closed]
    stale = SettlementLine.objects.filter(month__in=open_months)
    SettlementShare.objects.filter(line__in=stale).delete()
    stale.delete()
    _insert_ledger(run, [m for m in result.months if m.month not in closed], inputs.project_ids)
    run.months_recomputed = len(open_months)
    run.save(update_fields=["months_recomputed"])
    RunTotal.objects.bulk_create(
        [RunTotal(run=run, party_code=s.party_code, amount_fen=s.amount_fen) for s in result.totals]
    )
    event_record(
        actor=actor,
        verb=Verb.CREATE,
        target=run,
        after={"period": span.label, "input_digest": input_digest, "retained_fen": result.retained_fen,
               "months_recomputed": len(open_months)},
    )  # fmt: skip
    return run, True


def _ledger_restore(
    actor: Any,
    run: SettlementRun,
    months: list[dt.date],
    inputs: fetch.Inputs,
    result: engine.Settlement,
) -> bool:
    """Make the open months' postings the run's again if they no longer are; True if they were rewritten."""
    closed = set(
        ClosedMonth.objects.select_for_update().filter(month__in=months).values_list("month", flat=True)
    )
    open_months = [m for m in months if m not in closed]
    wanted = [m for m in result.months if m.month not in closed]
    expected = {
        (inputs.project_ids[m.project_code], m.month): (
            m.retained_fen, m.rebates_fen, m.adjustments_fen, tuple(sorted(dict(m.county_parts).items())),
            tuple(sorted((code, amount) for code, amount in m.shares)),
        )
        for m in wanted
    }  # fmt: skip
    shares: dict[int, list[tuple[str, int]]] = {}
    for line_id, code, amount in SettlementShare.objects.filter(line__month__in=open_months).values_list(
        "line_id", "party_code", "amount_fen"
    ):
        shares.setdefault(line_id, []).append((code, amount))
    stored = {
        (line.project_id, line.month): (
            line.retained_fen, line.rebates_fen, line.adjustments_fen,
            tuple(sorted(line.county_parts.items())), tuple(sorted(shares.get(line.pk, []))),
        )
        for line in SettlementLine.objects.filter(month__in=open_months)
    }  # fmt: skip
    if stored == expected:
        return False
    stale = SettlementLine.objects.filter(month__in=open_months)
    SettlementShare.objects.filter(line__in=stale).delete()
    stale.delete()
    _insert_ledger(run, wanted, inputs.project_ids)
    event_record(
        actor=actor,
        verb=Verb.UPDATE,
        target=run,
        after={"ledger_restored": [m.isoformat() for m in open_months], "input_digest": run.input_digest},
    )
    return True


def rows_insert(
    cursor: Any, table: str, columns: tuple[str, ...], rows: list[tuple], batch: int = 1000
) -> None:
    """Bulk insert: PostgreSQL's COPY; elsewhere multi-row INSERTs of `batch` rows a statement."""
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 - names from the models
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        cursor.execute(head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])


def _insert_ledger(
    run: SettlementRun, months: list[engine.MonthSettlement], project_ids: dict[str, int]
) -> None:
    """Write the ledger rows with plain multi-row inserts: at province scale (100,000+ project-months a
    year) building ORM objects would cost more than the whole computation."""
    units, parks = _party_ids()
    json_field = SettlementLine._meta.get_field("county_parts")
    if (
        connection.vendor == "sqlite"
    ):  # the field's own preparation is a plain json.dumps here, minus its overhead
        prep_json = json.dumps
    else:
        prep_json = lambda value: json_field.get_db_prep_save(value, connection)  # noqa: E731
    line_t, share_t = SettlementLine._meta.db_table, SettlementShare._meta.db_table
    with connection.cursor() as cursor:
        rows_insert(
            cursor,
            line_t,
            ("run_id", "project_id", "month", "county_parts", "rebates_fen", "adjustments_fen", "retained_fen"),
            [
                (run.pk, project_ids[m.project_code], m.month, prep_json(dict(m.county_parts)), m.rebates_fen,
                 m.adjustments_fen, m.retained_fen)
                for m in months
            ],
        )  # fmt: skip
        # bandit B608 waived: the table name comes from the model, the value is a parameter.
        cursor.execute(f"SELECT id, project_id, month FROM {line_t} WHERE run_id = %s", [run.pk])  # nosec B608
        ids = {(project_id, fetch._as_date(month)): pk for pk, project_id, month in cursor.fetchall()}
        rows_insert(
            cursor,
            share_t,
            ("line_id", "party_code", "unit_id", "park_id", "amount_fen"),
            [
                (ids[(project_ids[m.project_code], m.month)], code, None if code in parks else units.get(code),
                 parks.get(code), amount)
                for m in months
                for code, amount in m.shares
            ],
        )  # fmt: skip


def _totals(run: SettlementRun) -> tuple[engine.Share, ...]:
    return tuple(
        engine.Share(code, amount) for code, amount in run.totals.values_list("party_code", "amount_fen")
    )


@transaction.atomic
def settlement_close(*, actor: Any, period: str, progress: Progress | None = None) -> RunResult:
    """Close a period (关账): settle it once more from confirmed tax figures, then freeze its months."""
    _require(actor, {Role.CITY_ADMIN}, "关账")
    try:
        span = periods.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    months = fetch.months_between(span.start, span.end)
    if ClosedMonth.objects.filter(month__in=months).count() == len(months):
        raise ValidationError({"period": f"{span.label} 已关账，不能再次结算或关账"})
    estimated = MonthlyReport.objects.filter(month__in=months, tax_status=DataStatus.ESTIMATED)
    if estimated.exists():
        sample = ", ".join(str(r) for r in estimated.select_related("project")[:5])
        raise ValidationError(
            {
                "period": f"{span.label} 仍有{estimated.count()}份报表的税收数据为预估值（如 {sample}），须由财政/税务部门确认后才能关账"
            }
        )
    result = settlement_run(actor=actor, period=period, progress=progress)
    for month in months:
        closed, created = ClosedMonth.objects.get_or_create(
            month=month, defaults={"run": result.run, "closed_by": actor}
        )
        if created:
            ledger.month_seal(closed)
    event_record(actor=actor, verb=Verb.UPDATE, target=result.run, after={"closed": span.label})
    return result


# ---------------------------------------------------------------- provisional quarters and the annual true-up


def _quarter(period: str) -> periods.Period:
    try:
        span = periods.parse(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    if "Q" not in span.label:
        raise ValidationError({"period": f"预结算按季度出具，应为如 2025Q1 的季度，而不是“{span.label}”"})
    return span


def settlement_provisional(*, actor: Any, period: str, progress: Progress | None = None) -> ProvisionalStatement:
    """Issue a quarter's provisional statement (季度预结算): settle it on the figures known now, estimates
    included, and keep that run as what the quarter was paid on. Its months stay open: corrections and the
    confirmed tax data still reach them, and the year's true-up settles the difference. Issued once."""
    _require(actor, {Role.CITY_ADMIN}, "出具季度预结算")
    span = _quarter(period)
    if ProvisionalStatement.objects.filter(period=span.label).exists():
        raise ValidationError({"period": f"{span.label} 的季度预结算已出具，差额在年终体制结算中清算，不能重复出具"})
    months = fetch.months_between(span.start, span.end)
    if ClosedMonth.objects.filter(month__in=months).exists():
        raise ValidationError({"period": f"{span.label} 已有月份关账，结算已是最终结果，无需出具预结算"})
    result = settlement_run(actor=actor, period=span.label, progress=progress)
    try:
        with transaction.atomic():
            statement = ProvisionalStatement.objects.create(period=span.label, run=result.run, issued_by=actor)
            event_record(
                actor=actor, verb=Verb.CREATE, target=statement,
                after={"period": span.label, "run": result.run.pk, "retained_fen": result.run.retained_fen,
                       "totals": {s.party_code: s.amount_fen for s in result.totals}},
            )  # fmt: skip
    except IntegrityError as exc:  # issued by another request in the meantime
        raise ValidationError({"period": f"{span.label} 的季度预结算已出具，不能重复出具"}) from exc
    return statement


def _year(year: int | str) -> int:
    from enclave.lib import params

    try:
        return params.year(str(year))
    except params.ParamError as exc:
        raise ValidationError({"year": str(exc)}) from exc


def _true_up_of(year: int, run: SettlementRun) -> tuple[trueup.TrueUp, str]:
    """The true-up of a year from stored runs (the year's and each issued quarter's), with its digest."""
    issued = ProvisionalStatement.objects.filter(period__startswith=f"{year}Q").select_related("run")
    quarters = {s.period[4:]: dict(s.run.totals.values_list("party_code", "amount_fen")) for s in issued}
    result = trueup.true_up(year, quarters, dict(run.totals.values_list("party_code", "amount_fen")))
    digests = {s.period[4:]: s.run.output_digest for s in issued}
    digest = sm3(trueup.canonical(result, year_output_digest=run.output_digest, quarter_output_digests=digests))
    return result, digest


def settlement_true_up(*, actor: Any, year: int | str, progress: Progress | None = None) -> TrueUpStatement:
    """The annual true-up (年终体制结算): close the year on confirmed tax data (关账: every month settled once
    more and frozen), then write, per party, what the provisional quarters gave, what the year gives and the
    difference to pay or receive, with the digest of the runs it comes from. Once per year."""
    _require(actor, {Role.CITY_ADMIN}, "进行年终体制结算")
    year_no = _year(year)
    if TrueUpStatement.objects.filter(year=year_no).exists():
        raise ValidationError({"year": f"{year_no} 年的年终体制结算已完成，不能重复进行"})
    label = str(year_no)
    months = fetch.months_between(dt.date(year_no, 1, 1), dt.date(year_no, 12, 1))
    with transaction.atomic():
        if ClosedMonth.objects.filter(month__in=months).count() == len(months):
            result = settlement_run(actor=actor, period=label, progress=progress)  # closed by quarters already
        else:
            result = settlement_close(actor=actor, period=label, progress=progress)
        computed, digest = _true_up_of(year_no, result.run)
        statement = TrueUpStatement.objects.create(
            year=year_no, run=result.run, quarters=list(computed.issued), digest=digest, created_by=actor
        )
        TrueUpLine.objects.bulk_create(
            TrueUpLine(
                statement=statement, party_code=line.party_code,
                q1_fen=line.quarters_fen[0], q2_fen=line.quarters_fen[1], q3_fen=line.quarters_fen[2],
                q4_fen=line.quarters_fen[3], provisional_fen=line.provisional_fen, year_fen=line.year_fen,
                difference_fen=line.difference_fen,
            )
            for line in computed.lines
        )  # fmt: skip
        event_record(
            actor=actor, verb=Verb.CREATE, target=statement,
            after={"year": year_no, "run": result.run.pk, "quarters": list(computed.issued), "digest": digest,
                   "difference_fen": {line.party_code: line.difference_fen for line in computed.lines}},
        )  # fmt: skip
    return statement


@dataclass(frozen=True)
class TrueUpVerification:
    year: int
    stored_digest: str
    digest: str  # recomputed from the stored runs
    year_run_reproduced: bool  # the year settled again from today's data gives the stored run's output

    @property
    def matches(self) -> bool:
        return self.stored_digest == self.digest and self.year_run_reproduced


def true_up_verify(*, year: int | str) -> TrueUpVerification:
    """Recompute a stored true-up from its runs, and the year's run from the data, writing nothing."""
    year_no = _year(year)
    statement = TrueUpStatement.objects.filter(year=year_no).select_related("run").first()
    if statement is None:
        raise ValidationError({"year": f"{year_no} 年尚未进行年终体制结算"})
    _result, digest = _true_up_of(year_no, statement.run)
    check = settlement_verify(period=str(year_no))
    return TrueUpVerification(year_no, statement.digest, digest, check.output_digest == statement.run.output_digest)
