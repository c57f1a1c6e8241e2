"""Load the database into the engine's plain inputs (saleor's fetch pattern), in a few bulk queries."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from enclave.lib.periods import add_months
from enclave.sharing import engine, terms
from enclave.sharing.models import (
    Adjustment,
    AdjustmentTarget,
    MonthlyReport,
    MonthlyTax,
    RetentionRate,
    TaxType,
)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


@dataclass(frozen=True)
class Inputs:
    """Everything a settlement of some months depends on, as engine objects."""

    reports: tuple[engine.MonthReport, ...]
    agreements: dict[str, engine.Agreement]
    rates_by_month: dict[dt.date, dict[str, int]]
    project_ids: dict[str, int]  # project code → id
    # Capped agreements: project code → (cap, what the cooperating side received before the first month).
    caps: dict[str, tuple[int, int]] = field(default_factory=dict)

    def canonical(self) -> bytes:
        """A stable byte form of the inputs for the run's digest (one line per report and agreement)."""
        lines = []
        for r in sorted(self.reports, key=lambda r: (r.project_code, r.month)):
            taxes = ",".join(f"{t}:{v}" for t, v in sorted(r.taxes))
            # The month an adjustment corrects is left out: it decides only whether the month settles (the
            # agreement, in the digest, has one set of shares), and the runs stored before issue 13 keep
            # their digests.
            adjs = ",".join(f"{a.amount_fen}:{a.reason}" for a in sorted(r.adjustments))
            lines.append(f"R|{r.project_code}|{r.month.isoformat()}|{taxes}|{r.rebates_fen}|{adjs}")
        for a in sorted(self.agreements.values(), key=lambda a: a.project_code):
            parties = ",".join(f"{p.code}:{p.share_bp}:{int(p.is_host)}" for p in sorted(a.parties))
            lines.append(
                f"A|{a.project_code}|{a.start_month.isoformat()}|{a.end_month.isoformat()}|{parties}"
            )
        for code, (cap, received) in sorted(self.caps.items()):
            lines.append(f"C|{code}|{cap}|{received}")
        return "\n".join(lines).encode()

    def canonical_rules(self) -> bytes:
        rules = {m.isoformat(): sorted(r.items()) for m, r in sorted(self.rates_by_month.items())}
        return json.dumps(rules, separators=(",", ":")).encode()


def rates_for_months(months: list[dt.date]) -> dict[dt.date, dict[str, int]]:
    """The retained rate of every tax type in force in each month."""
    rows = list(
        RetentionRate.objects.filter(tax_type__is_active=True)
        .values_list("tax_type__code", "effective_from", "effective_to", "rate_bp")
        .order_by("effective_from")
    )
    result: dict[dt.date, dict[str, int]] = {}
    for month in months:
        rates: dict[str, int] = {}
        for code, start, end, bp in rows:
            if start <= month and (end is None or month <= end):
                rates[code] = bp
        result[month] = rates
    return result


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def first_tax_months(starts: Mapping[int, dt.date]) -> dict[int, dt.date]:
    """For each project id, the first month on or after the given month with tax paid (> 0), if any."""
    if not starts:
        return {}
    rows = (
        MonthlyTax.objects.filter(
            report__project_id__in=list(starts), paid_fen__gt=0, report__month__gte=min(starts.values())
        )
        .values_list("report__project_id", "report__month")
        .distinct()
        .order_by()
    )
    found: dict[int, dt.date] = {}
    for project_id, month in rows:
        month = _as_date(month)
        if month >= starts[project_id] and (project_id not in found or month < found[project_id]):
            found[project_id] = month
    return found


def stored_terms(agreement: Any) -> terms.StoredTerms:
    """The period fields of a projects.Agreement row."""
    return terms.StoredTerms(
        start_month=_as_date(agreement.start_month),
        end_month=_as_date(agreement.end_month),
        start_event=agreement.start_event,
        end_explicit=agreement.end_explicit,
        duration_months=agreement.duration_months,
        extension_months=agreement.extension_months,
        cap_fen=agreement.cap_fen,
    )


def _waits_for_first_tax(stored: terms.StoredTerms) -> bool:
    return stored.start_event == terms.FIRST_TAX and not stored.end_explicit


@dataclass(frozen=True)
class AgreementMonths:
    """An agreement's months as every reader sees them (terms.agreement_span with the first tax looked up).

    `covers_from`..`end` (None: open while a first-tax start is pending) is what reports may be filed and
    settled for; `start` is the month the period counts from (the first month with tax, where that is the
    event)."""

    covers_from: dt.date
    start: dt.date | None
    end: dt.date | None

    @property
    def pending(self) -> bool:
        return self.start is None

    def covers(self, month: dt.date) -> bool:
        return self.covers_from <= month and (self.end is None or month <= self.end)


def agreement_months(agreement: Any) -> AgreementMonths:
    """The months one stored agreement covers (one query more where the end waits for the first tax)."""
    stored = stored_terms(agreement)
    first = None
    if _waits_for_first_tax(stored):
        first = first_tax_months({agreement.project_id: stored.start_month}).get(agreement.project_id)
    covers_from, end = terms.agreement_span(stored, first_tax_month=first)
    start = first if _waits_for_first_tax(stored) else stored.start_month
    return AgreementMonths(covers_from, start, end)


def load(months: list[dt.date]) -> Inputs:
    """Reports, adjustments, agreements and rates for the given months (recognised projects only).

    One raw query per kind of row: at province scale (hundreds of thousands of tax lines a year) the ORM's
    per-row overhead would dominate the whole settlement.
    """
    from enclave.projects.models import Agreement as AgreementRow
    from enclave.projects.models import AgreementParty, Project

    if not months:
        return Inputs((), {}, {}, {})
    first, last = min(months), max(months)
    month_set = set(months)
    report_t, tax_t = MonthlyReport._meta.db_table, MonthlyTax._meta.db_table
    project_t, type_t = Project._meta.db_table, TaxType._meta.db_table

    adjustments: dict[tuple[int, dt.date], list[engine.Adjustment]] = defaultdict(list)
    rows = list(
        Adjustment.objects.filter(month__gte=first, month__lte=last, target=AdjustmentTarget.RETAINED)
        .values_list("pk", "reverses_id", "project_id", "month", "amount_fen", "reason", "concerns_month")
        .order_by()
    )
    # A voided adjustment and its reversal in the same month cancel out: neither is settled, so voiding
    # also clears an adjustment the engine could not settle (one entered before issue 13's check).
    month_of = {pk: month for pk, _r, _p, month, *_rest in rows}
    cancelled = {
        pk for pk, reverses, *_rest in rows if reverses is not None and month_of.get(reverses) == month_of[pk]
    }
    cancelled |= {reverses for pk, reverses, *_rest in rows if pk in cancelled}
    for pk, _reverses, project_id, month, amount, reason, concerns in rows:
        if month in month_set and pk not in cancelled:
            adjustments[(project_id, month)].append(engine.Adjustment(amount, reason, concerns))

    project_ids: dict[str, int] = {}
    reports: list[engine.MonthReport] = []
    seen: set[tuple[int, dt.date]] = set()
    sql = (
        f"SELECT r.id, r.project_id, p.code, r.month, r.rebates_fen, tt.code, t.paid_fen "  # noqa: S608 - table names from models
        f"FROM {report_t} r JOIN {project_t} p ON p.id = r.project_id "
        f"LEFT JOIN {tax_t} t ON t.report_id = r.id LEFT JOIN {type_t} tt ON tt.id = t.tax_type_id "
        f"WHERE r.month >= %s AND r.month <= %s ORDER BY r.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last])
        current: list = []
        taxes: list[engine.TaxPaid] = []

        def flush() -> None:
            _rid, project_id, code, month, rebates = current
            month = _as_date(month)
            if month not in month_set:
                return
            project_ids[code] = project_id
            seen.add((project_id, month))
            adjs = tuple(adjustments.get((project_id, month), ()))
            reports.append(engine.MonthReport(code, month, tuple(taxes), rebates, adjs))

        for rid, project_id, code, month, rebates, tax_code, paid in cursor.fetchall():
            if not current or current[0] != rid:
                if current:
                    flush()
                current, taxes = [rid, project_id, code, month, rebates], []
            if tax_code is not None:
                taxes.append(engine.TaxPaid(tax_code, paid))
        if current:
            flush()

    # An adjustment in a month with no report still settles (the correction of a closed month).
    missing = [key for key in adjustments if key not in seen]
    if missing:
        codes = dict(Project.objects.filter(pk__in={p for p, _ in missing}).values_list("pk", "code"))
        for project_id, month in missing:
            project_ids[codes[project_id]] = project_id
            reports.append(
                engine.MonthReport(codes[project_id], month, (), 0, tuple(adjustments[(project_id, month)]))
            )

    wanted = set(project_ids.values())
    heads: dict[int, tuple[str, dt.date, dt.date]] = {}
    waiting: dict[int, tuple[str, terms.StoredTerms]] = {}
    capped: dict[int, tuple[str, int]] = {}
    for row in AgreementRow.objects.filter(project_id__in=wanted).select_related("project").order_by():
        stored = stored_terms(row)
        if row.cap_fen is not None:
            capped[row.project_id] = (row.project.code, row.cap_fen)
        if _waits_for_first_tax(stored):
            waiting[row.project_id] = (row.project.code, stored)
        else:
            heads[row.project_id] = (row.project.code, *terms.agreement_span(stored))  # type: ignore[assignment]
    # A first-tax agreement runs its duration from the first month with tax; before any tax it is open, and
    # the run sees it open to the run's last month (a month with no tax settles to zero).
    found = first_tax_months({pid: stored.start_month for pid, (_c, stored) in waiting.items()})
    for pid, (code, stored) in waiting.items():
        start, end = terms.agreement_span(stored, first_tax_month=found.get(pid))
        heads[pid] = (code, start, end if end is not None else max(stored.end_month, last))
    parties: dict[int, list[engine.Party]] = defaultdict(list)
    for pid, unit_code, park_code, bp in AgreementParty.objects.values_list(
        "agreement__project_id", "unit__code", "park__code", "share_bp"
    ).order_by():
        if pid in wanted:
            parties[pid].append(engine.Party(unit_code or park_code, bp, park_code is not None))
    agreements = {
        code: engine.Agreement(code, tuple(sorted(parties[pid])), start, end)
        for pid, (code, start, end) in heads.items()
    }
    caps = {code: (cap, received) for code, cap, received in _received_before(capped, first)}
    return Inputs(tuple(reports), agreements, rates_for_months(months), project_ids, caps)


def _received_before(capped: Mapping[int, tuple[str, int]], first: dt.date) -> list[tuple[str, int, int]]:
    """(code, cap, the cooperating units' settled total before `first`) for each capped project."""
    if not capped:
        return []
    from django.db.models import Sum

    from enclave.sharing.models import SettlementShare

    totals = dict(
        SettlementShare.objects.filter(
            line__project_id__in=list(capped), line__month__lt=first, unit__isnull=False
        )
        .values_list("line__project_id")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    return [(code, cap, totals.get(pid) or 0) for pid, (code, cap) in capped.items()]
