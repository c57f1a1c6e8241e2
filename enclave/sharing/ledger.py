"""Tamper evidence for the frozen ledger (check 20, ledger postings): each closed month is sealed with
HMAC-SM3 (the audit chain's key and function) plus the previous closed month's value, in closing order.

Version 2 seals (since issue 14) cover the month's inputs as well as its postings: per project, the SM3 of
its monthly report's figures and statuses, its tax lines, its settlement lines and every party's share —
so `verify_audit_chain` names the project and the month whose figure changed — and the audit trail's head
at closing (row id and MAC), an independent record of the trail's length: a trail emptied or cut below it
is a failure. Version 1 seals (months closed before, left so when their postings no longer verified at the
upgrade: sharing 0009) cover the postings only.

Open months are recomputed by every run by design, so only closed months are sealed; once closed, a month's
reports, taxes and postings never change (corrections are adjustments in an open month)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from enclave.audit import chain
from enclave.audit.models import Event
from enclave.sharing.models import ClosedMonth, MonthlyReport, MonthlyTax, SettlementLine, SettlementShare

SEAL_VERSION = 2
# The report figures a version-2 seal covers (fixed here: a later column does not change old seals).
REPORT_FIGURES = (
    "rebates_fen",
    "fixed_asset_investment_fen",
    "industrial_output_fen",
    "trade_sales_fen",
    "services_revenue_fen",
    "out_of_province_funds_fen",
    "foreign_capital_fen",
)


@dataclass(frozen=True)
class Models:
    """The models a seal reads (the data migrations pass their historical ones)."""

    line: Any = SettlementLine
    share: Any = SettlementShare
    report: Any = MonthlyReport
    tax: Any = MonthlyTax


def _shares(month: dt.date, share_model: Any) -> dict[int, list[str]]:
    shares: dict[int, list[str]] = {}
    for line_id, party, amount in (
        share_model.objects.filter(line__month=month).order_by("line_id", "party_code")
        .values_list("line_id", "party_code", "amount_fen")
    ):  # fmt: skip
        shares.setdefault(line_id, []).append(f"{party}:{amount}")
    return shares


def _lines(month: dt.date, models: Models) -> list[tuple[str, str]]:
    """(project code, posting text) per settlement line of the month, in project order."""
    shares = _shares(month, models.share)
    rows = []
    for line in (
        models.line.objects.filter(month=month)
        .order_by("project__code", "id")
        .values("id", "project__code", "county_parts", "rebates_fen", "adjustments_fen", "retained_fen")
    ):
        parts = json.dumps(line["county_parts"], sort_keys=True, separators=(",", ":"))
        rows.append((line["project__code"], f"{month.isoformat()}|{parts}|{line['rebates_fen']}|"
                     f"{line['adjustments_fen']}|{line['retained_fen']}|{','.join(shares.get(line['id'], []))}"))  # fmt: skip
    return rows


def month_canonical(
    month: dt.date, line_model: Any = SettlementLine, share_model: Any = SettlementShare
) -> bytes:
    """Version 1: the month's postings as sorted text, one line per project-month with its shares."""
    return "\n".join(
        f"{code}|{text}" for code, text in _lines(month, Models(line_model, share_model))
    ).encode()


def month_digests(month: dt.date, models: Models = Models()) -> dict[str, str]:
    """Version 2: per project code, the SM3 of the month's inputs (report figures and statuses, tax lines)
    and postings (settlement lines and shares)."""
    texts: dict[str, list[str]] = {}
    taxes: dict[int, list[str]] = {}
    for report_id, code, paid in (
        models.tax.objects.filter(report__month=month).order_by("report_id", "tax_type__code")
        .values_list("report_id", "tax_type__code", "paid_fen")
    ):  # fmt: skip
        taxes.setdefault(report_id, []).append(f"{code}:{paid}")
    for report in (
        models.report.objects.filter(month=month)
        .order_by("project__code", "id")
        .values("id", "project__code", "tax_status", "indicator_status", *REPORT_FIGURES)
    ):
        figures = "|".join(str(report[name]) for name in REPORT_FIGURES)
        texts.setdefault(report["project__code"], []).append(
            f"report|{figures}|{report['tax_status']}|{report['indicator_status']}|"
            f"{','.join(taxes.get(report['id'], []))}"
        )
    for code, text in _lines(month, models):
        texts.setdefault(code, []).append(f"line|{text}")
    return {
        str(code): hashlib.new("sm3", "\n".join(rows).encode()).hexdigest()
        for code, rows in sorted(texts.items(), key=lambda item: str(item[0]))
    }


def seal_content(month: dt.date, digests: dict[str, str], head_id: int | None, head_mac: str) -> bytes:
    """What a version-2 seal's MAC covers."""
    body = {"version": 2, "month": month.isoformat(), "projects": digests, "audit_head": [head_id, head_mac]}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def audit_head(event_model: Any = Event, before: dt.datetime | None = None) -> tuple[int | None, str]:
    """The audit trail's last row (id, MAC); with `before`, the last one written by then."""
    rows = event_model.objects.all() if before is None else event_model.objects.filter(at__lte=before)
    head = rows.order_by("-id").values("id", "mac").first()
    return (head["id"], head["mac"]) if head else (None, "")


def month_seal(closed: ClosedMonth) -> None:
    """Seal a month being closed (inside the closing transaction, under the chain lock)."""
    chain.lock(ClosedMonth.objects.db)
    previous = (
        ClosedMonth.objects.exclude(pk=closed.pk)
        .exclude(mac="")
        .order_by("-id")
        .values_list("mac", flat=True)
        .first()
    )
    closed.seal_version = SEAL_VERSION
    closed.digests = month_digests(closed.month)
    closed.audit_head_id, closed.audit_head_mac = audit_head()
    closed.prev_mac = previous or chain.GENESIS
    content = seal_content(closed.month, closed.digests, closed.audit_head_id, closed.audit_head_mac)
    closed.mac = chain.mac(content, closed.prev_mac)
    closed.save(
        update_fields=["seal_version", "digests", "audit_head_id", "audit_head_mac", "prev_mac", "mac"]
    )


@dataclass(frozen=True)
class LedgerReport:
    months: int
    first_bad: dt.date | None
    reason: str = ""
    project: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def _changed_project(sealed: dict[str, str], now: dict[str, str]) -> tuple[str, str] | None:
    for code in sorted(set(sealed) | set(now)):
        if code not in now:
            return code, f"项目 {code} 的月度报表、税收和结算分录在关账后被删除"
        if code not in sealed:
            return code, f"项目 {code} 的月度报表或结算分录在关账后被增加"
        if not hmac.compare_digest(sealed[code], now[code]):
            return code, f"项目 {code} 的月度报表、税收或结算分录与封存值不符：关账后被修改"
    return None


def ledger_verify() -> LedgerReport:
    """Walk the closed months in closing order; the first that does not hold, and why (its project when
    a version-2 seal names one)."""
    from enclave.audit.services import purged_through

    previous = chain.GENESIS
    count = 0
    purged = purged_through()
    for closed in ClosedMonth.objects.order_by("id"):
        count += 1
        if closed.prev_mac != previous:
            return LedgerReport(count, closed.month, "关账顺序链不衔接：已关账月份记录被删除或调换")
        if closed.seal_version < 2:
            expected = chain.mac(month_canonical(closed.month), closed.prev_mac)
            if not hmac.compare_digest(expected, closed.mac):
                return LedgerReport(
                    count, closed.month, "已关账月份的结算分录与封存值不符：分录被修改、删除或增加"
                )
        else:
            sealed = closed.digests if isinstance(closed.digests, dict) else {}
            content = seal_content(closed.month, sealed, closed.audit_head_id, closed.audit_head_mac)
            if not hmac.compare_digest(chain.mac(content, closed.prev_mac), closed.mac):
                return LedgerReport(count, closed.month, "封存记录本身与封存值不符：封存记录被改动")
            changed = _changed_project(sealed, month_digests(closed.month))
            if changed is not None:
                return LedgerReport(count, closed.month, changed[1], project=changed[0])
            if closed.audit_head_id is not None:
                stored = Event.objects.filter(pk=closed.audit_head_id).values_list("mac", flat=True).first()
                purged_away = stored is None and closed.audit_head_id <= purged
                if stored != closed.audit_head_mac and not purged_away:
                    return LedgerReport(
                        count,
                        closed.month,
                        f"关账时的审计记录 id={closed.audit_head_id} 已不在审计日志中或已改变："
                        "审计日志被截短或清空",
                    )
        previous = closed.mac
    return LedgerReport(count, None)
