"""API of the finance and tax bureaus (市财政局/市税务局): confirm a whole filter of reports' tax figures, and
import the tax bureau's extract (issue 13). The same services as the pages (sharing/confirmation.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from ninja import File, Form, Router, Schema, UploadedFile
from pydantic import Field

from enclave.accounts.scope import may_confirm_tax
from enclave.api_schemas import Code, InputSchema, Text, responses
from enclave.sharing import queries, tax_extract
from enclave.sharing.confirmation import ReportFilter, bulk_preview, reports_confirm_bulk, reports_filter

router = Router(tags=["结算与核算"])
Digest = Text(64, 64)
REFUSED = "只有市财政局/市税务局（财税部门）可以确认税收数据"


class BulkConfirmIn(InputSchema):
    period: Text(10, 4) | None = Field(None, description="月份 2024-07、季度 2024Q3 或年度 2024")  # type: ignore[valid-type]
    park: Code | None = Field(None, description="园区代码")
    q: Text(60) | None = Field(None, description="项目编号或名称（部分即可）")  # type: ignore[valid-type]
    digest: Digest | None = Field(  # type: ignore[valid-type]
        None, pattern="^[0-9a-f]{64}$", description="预览返回的 digest：给出时，集合有变化即拒绝"
    )
    dry_run: bool = Field(False, description="只预览份数和合计，不确认")


class BulkConfirmOut(Schema):
    confirmed: bool
    count: int
    total_fen: int
    months: list[dt.date]
    digest: str


@router.post("/reports/confirm", response=responses(BulkConfirmOut))
def reports_confirm_bulk_api(request, payload: BulkConfirmIn):
    """Confirm the tax figures of every estimated report of the filter (finance role). `dry_run` previews
    the count, total and digest; passing that digest back confirms exactly that set or refuses."""
    if not may_confirm_tax(request.user):
        raise PermissionDenied(REFUSED)
    flt = ReportFilter(period=payload.period or "", park=payload.park or "", q=payload.q or "")
    try:
        qs = reports_filter(queries.reports_visible_to(request.user), flt)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    with transaction.atomic():
        preview = bulk_preview(qs)
        if not payload.dry_run:
            preview = reports_confirm_bulk(
                actor=request.user,
                reports=qs,
                digest=payload.digest or preview.digest,
                described=flt.as_dict(),
            )
    return {
        "confirmed": not payload.dry_run,
        "count": preview.count,
        "total_fen": preview.total_fen,
        "months": list(preview.months),
        "digest": preview.digest,
    }


class ExtractIn(Schema):
    dry_run: bool = Field(True, description="默认只检查不写入")
    accept: bool = Field(False, description="接受所列差异：以税务局数据为准更正并确认，未匹配的行不写入")
    digest: Digest | None = Field(None, pattern="^[0-9a-f]{64}$", description="检查返回的 digest")  # type: ignore[valid-type]


class PartyEffectOut(Schema):
    code: str
    name: str
    estimate_fen: int
    extract_fen: int
    difference_fen: int


class MatchedOut(Schema):
    report_id: int
    project_code: str
    month: dt.date
    uscc: str
    rows: list[int]
    estimate: dict[str, int]
    extract: dict[str, int]
    already_confirmed: bool
    parties: list[PartyEffectOut]
    note: str


class UnmatchedOut(Schema):
    rows: list[int]
    uscc: str
    name: str
    month: dt.date
    amount_fen: int
    reason: str


class ExtractOut(Schema):
    written: bool
    clean: bool
    row_count: int
    confirmed_count: int
    corrected_count: int
    equal: list[MatchedOut]
    differences: list[MatchedOut]
    unmatched: list[UnmatchedOut]
    digest: str


def _matched(m: tax_extract.Matched) -> dict:
    return {
        "report_id": m.report_id, "project_code": m.project_code, "month": m.month, "uscc": m.uscc,
        "rows": list(m.rows), "estimate": m.estimate, "extract": m.extract, "already_confirmed": m.confirmed,
        "parties": [{"code": p.code, "name": p.name, "estimate_fen": p.estimate_fen, "extract_fen": p.extract_fen,
                     "difference_fen": p.difference_fen} for p in m.parties],
        "note": m.note,
    }  # fmt: skip


@router.post("/tax-extracts", response=responses(ExtractOut))
def tax_extract_import(request, payload: Form[ExtractIn], file: File[UploadedFile]):
    """The tax bureau's extract (multipart/form-data, .xlsx; template at /sharing/tax-extract/template/).
    Checked only by default; with dry_run=false it is written if clean, or if `accept` is set (then the
    listed differences replace the estimates). A file with a problem is a 422 naming each row and cell."""
    if not may_confirm_tax(request.user):
        raise PermissionDenied(REFUSED)
    result = tax_extract.upload_apply(
        actor=request.user,
        upload=file,
        accept=payload.accept,
        digest=payload.digest or "",
        dry_run=payload.dry_run,
    )
    if result.problems:
        raise ValidationError({"file": [p.sentence() for p in result.problems]})
    return {
        "written": result.written,
        "clean": result.clean,
        "row_count": result.row_count,
        "confirmed_count": result.confirmed_count,
        "corrected_count": result.corrected_count,
        "equal": [_matched(m) for m in result.equal],
        "differences": [_matched(m) for m in result.differences],
        "unmatched": [
            {
                "rows": list(u.rows),
                "uscc": u.uscc,
                "name": u.name,
                "month": u.month,
                "amount_fen": u.amount_fen,
                "reason": u.reason,
            }
            for u in result.unmatched
        ],  # fmt: skip
        "digest": result.digest,
    }
