"""Load the database into the engine's plain inputs (saleor's fetch pattern), in a few bulk queries."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from enclave.lib.periods import add_months
from enclave.sharing import engine
from enclave.sharing.models import Adjustment, AdjustmentTarget, MonthlyReport, MonthlyTax, RetentionRate


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

    def canonical(self) -> bytes:
        """A stable byte form of the inputs for the run's digest."""
        payload = {
            "reports": [
                [r.project_code, r.month.isoformat(), sorted((t.tax_type, t.paid_fen) for t in r.taxes), r.rebates_fen,
                 sorted((a.amount_fen, a.reason) for a in r.adjustments)]
                for r in sorted(self.reports, key=lambda r: (r.project_code, r.month))
            ],
            "agreements": [
                [a.project_code, a.start_month.isoformat(), a.end_month.isoformat(),
                 sorted((p.code, p.share_bp, p.is_host) for p in a.parties)]
                for a in sorted(self.agreements.values(), key=lambda a: a.project_code)
            ],
        }  # fmt: skip
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

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


def load(months: list[dt.date]) -> Inputs:
    """Reports, adjustments, agreements and rates for the given months (recognised projects only)."""
    from enclave.projects.models import AgreementParty

    if not months:
        return Inputs((), {}, {}, {})
    first, last = min(months), max(months)
    month_set = set(months)
    report_rows = list(
        MonthlyReport.objects.filter(month__gte=first, month__lte=last)
        .values_list("id", "project_id", "project__code", "month", "rebates_fen")
        .order_by()
    )
    report_rows = [r for r in report_rows if r[3] in month_set]
    taxes: dict[int, list[engine.TaxPaid]] = defaultdict(list)
    tax_rows = MonthlyTax.objects.filter(report__month__gte=first, report__month__lte=last).values_list(
        "report_id", "tax_type__code", "paid_fen"
    )
    for report_id, code, paid in tax_rows.order_by():
        taxes[report_id].append(engine.TaxPaid(code, paid))
    adjustments: dict[tuple[int, dt.date], list[engine.Adjustment]] = defaultdict(list)
    for project_id, month, amount, reason in (
        Adjustment.objects.filter(month__gte=first, month__lte=last, target=AdjustmentTarget.RETAINED)
        .values_list("project_id", "month", "amount_fen", "reason")
        .order_by()
    ):
        if month in month_set:
            adjustments[(project_id, month)].append(engine.Adjustment(amount, reason))

    project_ids: dict[str, int] = {}
    reports = []
    seen: set[tuple[int, dt.date]] = set()
    for report_id, project_id, code, month, rebates in report_rows:
        project_ids[code] = project_id
        seen.add((project_id, month))
        reports.append(
            engine.MonthReport(
                code, month, tuple(taxes[report_id]), rebates, tuple(adjustments[(project_id, month)])
            )
        )
    # An adjustment in a month with no report still settles (the correction of a closed month).
    if adjustments:
        from enclave.projects.models import Project

        codes = dict(Project.objects.filter(pk__in={p for p, _ in adjustments}).values_list("pk", "code"))
        for (project_id, month), adjs in adjustments.items():
            if (project_id, month) not in seen:
                project_ids[codes[project_id]] = project_id
                reports.append(engine.MonthReport(codes[project_id], month, (), 0, tuple(adjs)))

    agreements: dict[str, engine.Agreement] = {}
    parties: dict[int, list[engine.Party]] = defaultdict(list)
    agreement_rows = {}
    for row in AgreementParty.objects.filter(agreement__project_id__in=set(project_ids.values())).values_list(
        "agreement__project_id", "agreement__project__code", "agreement__start_month", "agreement__end_month",
        "unit__code", "park__code", "share_bp",
    ).order_by():  # fmt: skip
        project_id, code, start, end, unit_code, park_code, bp = row
        agreement_rows[project_id] = (code, start, end)
        parties[project_id].append(engine.Party(unit_code or park_code, bp, is_host=park_code is not None))
    for project_id, (code, start, end) in agreement_rows.items():
        agreements[code] = engine.Agreement(code, tuple(sorted(parties[project_id])), start, end)
    return Inputs(tuple(reports), agreements, rates_for_months(months), project_ids)
