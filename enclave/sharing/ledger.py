"""Tamper evidence for the frozen ledger (check 20, ledger postings): each closed month's postings — its
settlement lines and every party's share — are sealed with HMAC-SM3 (the audit chain's key and function)
over their canonical text plus the previous closed month's value, in closing order.

Open months are recomputed by every run by design, so only closed months are sealed; once closed, a month's
postings never change (corrections are adjustments in an open month), and `verify_audit_chain` recomputes
the seals and names the first closed month whose postings no longer match."""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass
from typing import Any

from enclave.audit import chain
from enclave.sharing.models import ClosedMonth, SettlementLine, SettlementShare


def month_canonical(
    month: dt.date, line_model: Any = SettlementLine, share_model: Any = SettlementShare
) -> bytes:
    """The month's postings as sorted text: one line per project-month with its shares. (The models are
    parameters so the data migration can pass its historical ones.)"""
    shares: dict[int, list[str]] = {}
    for line_id, party, amount in (
        share_model.objects.filter(line__month=month).order_by("line_id", "party_code")
        .values_list("line_id", "party_code", "amount_fen")
    ):  # fmt: skip
        shares.setdefault(line_id, []).append(f"{party}:{amount}")
    rows = []
    for line in (
        line_model.objects.filter(month=month).select_related("project").order_by("project__code", "id")
    ):
        parts = json.dumps(line.county_parts, sort_keys=True, separators=(",", ":"))
        rows.append(
            f"{line.project.code}|{month.isoformat()}|{parts}|{line.rebates_fen}|{line.adjustments_fen}|"
            f"{line.retained_fen}|{','.join(shares.get(line.pk, []))}"
        )
    return "\n".join(rows).encode()


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
    closed.prev_mac = previous or chain.GENESIS
    closed.mac = chain.mac(month_canonical(closed.month), closed.prev_mac)
    closed.save(update_fields=["prev_mac", "mac"])


@dataclass(frozen=True)
class LedgerReport:
    months: int
    first_bad: dt.date | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def ledger_verify() -> LedgerReport:
    previous = chain.GENESIS
    count = 0
    for closed in ClosedMonth.objects.order_by("id"):
        count += 1
        if closed.prev_mac != previous:
            return LedgerReport(count, closed.month, "关账顺序链不衔接：已关账月份记录被删除或调换")
        expected = chain.mac(month_canonical(closed.month), closed.prev_mac)
        if not hmac.compare_digest(expected, closed.mac):
            return LedgerReport(
                count, closed.month, "已关账月份的结算分录与封存值不符：分录被修改、删除或增加"
            )
        previous = closed.mac
    return LedgerReport(count, None)
