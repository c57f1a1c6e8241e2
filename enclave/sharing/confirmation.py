"""Tax figures confirmed in bulk by the finance and tax bureaus (市财政局/市税务局), issue 13.

Two ways, both ending in the same write: every estimated report of a filter (a month, a park, a project…),
previewed with its count and total, then confirmed exactly as previewed; and the tax bureau's extract
(tax_extract.py), whose equal figures confirm the reports and whose differences replace the estimates only
when the user accepts them. One transaction and one audit row per action, naming how many.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from enclave.accounts.scope import may_confirm_tax
from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.lib import params
from enclave.sharing.models import ClosedMonth, DataStatus, MonthlyReport

DIGEST_CHANGED = "待确认的报表在预览后有变化（新增、修改或已被他人确认），请重新预览后再确认"


@dataclass(frozen=True)
class ReportFilter:
    """The reports page's filter, also the bulk confirmation's and the API's: all optional."""

    period: str = ""  # a month (2024-07), quarter (2024Q3) or year (2024)
    park: str = ""  # park code
    q: str = ""  # project code or name, a part of it
    status: str = ""  # tax data status: estimated / confirmed

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("period", self.period), ("park", self.park), ("q", self.q),
                                  ("status", self.status)) if v}  # fmt: skip


def reports_filter(qs: QuerySet[MonthlyReport], flt: ReportFilter) -> QuerySet[MonthlyReport]:
    """Narrow a scoped queryset by the filter. A period that cannot be read is a ValueError (Chinese)."""
    if flt.period:
        span = params.period(flt.period)
        qs = qs.filter(month__gte=span.start, month__lte=span.end)
    if flt.park:
        qs = qs.filter(project__park__code=flt.park)
    if flt.q:
        qs = qs.filter(Q(project__code__icontains=flt.q) | Q(project__name__icontains=flt.q))
    if flt.status in DataStatus.values:
        qs = qs.filter(tax_status=flt.status)
    return qs


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk confirmation would confirm: the estimated reports of the filter."""

    count: int
    total_fen: int  # the taxes paid of those reports, all types
    months: tuple[dt.date, ...]
    closed_months: tuple[dt.date, ...]
    digest: str  # of the reports' ids and last changes: the POST must match it


def _digest(rows: Iterable[tuple[int, Any]]) -> str:
    text = "\n".join(f"{pk}:{stamp.isoformat() if stamp else ''}" for pk, stamp in sorted(rows))
    return hashlib.sha256(text.encode()).hexdigest()


def _pending(qs: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
    return qs.filter(tax_status=DataStatus.ESTIMATED).order_by()


def bulk_preview(qs: QuerySet[MonthlyReport]) -> BulkPreview:
    """Count, total and digest of the estimated reports in `qs` (already scoped and filtered)."""
    pending = _pending(qs)
    rows = list(pending.values_list("pk", "updated_at", "month"))
    months = tuple(sorted({m for _pk, _at, m in rows}))
    closed = tuple(
        ClosedMonth.objects.filter(month__in=months).order_by("month").values_list("month", flat=True)
    )
    total = MonthlyReport.objects.filter(pk__in=pending.values("pk")).aggregate(t=Sum("taxes__paid_fen"))
    return BulkPreview(
        count=len(rows), total_fen=total["t"] or 0, months=months, closed_months=closed,
        digest=_digest((pk, at) for pk, at, _m in rows),
    )  # fmt: skip


def _months_text(months: Iterable[dt.date]) -> str:
    return "、".join(f"{m:%Y-%m}" for m in months)


def _id_ranges(ids: Iterable[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and ranges[-1][1] == pk - 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


@transaction.atomic
def reports_confirm_bulk(
    *, actor: Any, reports: QuerySet[MonthlyReport], digest: str, described: dict[str, str] | None = None
) -> BulkPreview:
    """Confirm the tax figures of every estimated report in `reports`, exactly the set previewed.

    The rows are locked, then their digest is compared with the preview's: a report added, changed or
    confirmed by someone else in between refuses the whole action. A closed month refuses it too."""
    if not may_confirm_tax(actor):
        raise PermissionDenied("只有市财政局/市税务局（财税部门）可以确认税收数据")
    ids = list(_pending(reports).values_list("pk", flat=True))
    locked = list(
        MonthlyReport.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "updated_at")
    )
    preview = bulk_preview(MonthlyReport.objects.filter(pk__in=ids))
    if not digest or preview.digest != digest or _digest(locked) != digest:
        raise ValidationError({"digest": DIGEST_CHANGED})
    if not preview.count:
        raise ValidationError({"digest": "没有待确认的报表"})
    if preview.closed_months:
        raise ValidationError(
            {
                "month": f"{_months_text(preview.closed_months)} 已关账，不能再确认；请缩小筛选范围（如按月份）后重试"
            }
        )
    now = timezone.now()
    MonthlyReport.objects.filter(pk__in=ids).update(
        tax_status=DataStatus.CONFIRMED, tax_confirmed_by=actor, tax_confirmed_at=now, updated_at=now
    )
    event_record(
        actor=actor,
        verb=Verb.UPDATE,
        object_type=MonthlyReport._meta.label_lower,
        object_repr=f"批量确认税收数据 {preview.count} 份月度报表"[:200],
        after={
            "confirmed": "tax",
            "count": preview.count,
            "taxes_fen": preview.total_fen,
            "filter": described or {},
            "months": [preview.months[0].isoformat(), preview.months[-1].isoformat()],
            "report_ids": _id_ranges(ids),
        },
    )
    return preview


# ---------------------------------------------------------------- the tax bureau's extract

EXTRACT_CHANGED = "数据在检查后有变化（报表被修改或确认、差异不同），请重新检查后再确认"


@transaction.atomic
def tax_extract_apply(
    *, actor: Any, file: Any, filename: str, accept: bool = False, digest: str = "", dry_run: bool = False
) -> Any:
    """Parse and match the extract; write only if the file is clean, or if the user accepts the listed
    differences (`accept`, with the digest of the check they saw when given). Then the equal figures are
    confirmed, the differences replace the estimates and are confirmed, rows that match no report are
    left out; one audit row per corrected report and one for the import. A problem writes nothing."""
    from enclave.sharing import queries, tax_extract
    from enclave.sharing.models import MonthlyTax, TaxType

    if not may_confirm_tax(actor):
        raise PermissionDenied("只有市财政局/市税务局（财税部门）可以导入税务局数据")
    parsed = tax_extract.parse(file)
    visible = queries.reports_visible_to(actor)
    if not parsed.problems and not dry_run:
        # Lock every report the file could touch before matching, so what is checked is what is written.
        candidates = visible.filter(
            project__enterprise__credit_code__in={r.uscc for r in parsed.rows},
            month__in={r.month for r in parsed.rows},
        ).values_list("pk", flat=True)
        list(MonthlyReport.objects.select_for_update().filter(pk__in=list(candidates)).values_list("pk"))
    result = tax_extract.match(parsed, visible)
    if dry_run or result.problems or not (result.clean or accept):
        return result
    if digest and digest != result.digest:
        raise ValidationError({"digest": EXTRACT_CHANGED})
    ids = [m.report_id for m in (*result.equal, *result.differences)]
    locked = {r.pk: r for r in MonthlyReport.objects.filter(pk__in=ids)}
    closed = set(
        ClosedMonth.objects.filter(month__in={locked[i].month for i in ids}).values_list("month", flat=True)
    )
    if closed:
        raise ValidationError({"month": f"{_months_text(sorted(closed))} 已关账，不能再确认或更正"})
    now = timezone.now()
    confirm = [m.report_id for m in result.equal if not m.confirmed]
    MonthlyReport.objects.filter(pk__in=confirm).update(
        tax_status=DataStatus.CONFIRMED, tax_confirmed_by=actor, tax_confirmed_at=now, updated_at=now
    )
    types = {t.code: t for t in TaxType.objects.all()}
    for m in result.differences:
        report = locked[m.report_id]
        for code, fen in m.extract.items():
            MonthlyTax.objects.update_or_create(
                report=report, tax_type=types[code], defaults={"paid_fen": fen}
            )
        MonthlyReport.objects.filter(pk=report.pk).update(
            tax_status=DataStatus.CONFIRMED, tax_confirmed_by=actor, tax_confirmed_at=now, updated_at=now
        )
        changed = {c for c in m.extract if m.extract[c] != m.estimate.get(c, 0)}
        event_record(
            actor=actor, verb=Verb.UPDATE, target=report,
            before={"taxes": {c: m.estimate.get(c, 0) for c in sorted(changed)}, "tax_status": report.tax_status},
            after={"taxes": {c: m.extract[c] for c in sorted(changed)}, "tax_status": DataStatus.CONFIRMED.value},
            reason=f"税务局数据导入（{filename}）：接受所列差异，以税务局实缴数为准"[:200],
        )  # fmt: skip
    event_record(
        actor=actor,
        verb=Verb.UPDATE,
        object_type=MonthlyReport._meta.label_lower,
        object_repr=f"导入税务局数据 {filename}：确认 {len(confirm)} 份，更正并确认 {len(result.differences)} 份"[
            :200
        ],
        after={
            "source": filename[:100],
            "rows": result.row_count,
            "confirmed": len(confirm),
            "corrected": len(result.differences),
            "unmatched_rows": sum(len(u.rows) for u in result.unmatched),
            "accepted_differences": bool(result.differences or result.unmatched),
            "digest": result.digest,
            "report_ids": _id_ranges(ids),
        },
    )
    from dataclasses import replace

    return replace(
        result, written=True, confirmed_count=len(confirm), corrected_count=len(result.differences)
    )
