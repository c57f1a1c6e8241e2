"""Plausible monthly reports for the demo's recognised projects, so the settlement pages are alive.

Every recognised project reports from the first month of its agreement to 2025-03: taxes scaled to its
planned investment, some rebates, a build-out of fixed-asset investment, and output or sales once it runs.
2024 is confirmed and settled quarter by quarter and closed; 2025 Q1 is settled but still open, with one
month left as estimates so the page shows what "预估" means.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from enclave.lib.periods import add_months
from enclave.projects.models import Project
from enclave.projects.workflow import Status
from enclave.sharing import services
from enclave.sharing.models import MonthlyReport

LAST_MONTH = dt.date(2025, 3, 1)
CLOSED_QUARTERS = ("2024Q2", "2024Q3", "2024Q4")
OPEN_QUARTERS = ("2025Q1",)


def _report_values(
    project: Project, month_index: int, rng: random.Random
) -> tuple[dict[str, int], dict[str, int]]:
    planned = project.planned_investment_fen
    scale = planned // 1000  # a month's taxes around 0.1% of planned investment
    vat = rng.randint(scale // 2, scale) if month_index else rng.randint(0, scale // 3)
    taxes = {
        "vat": vat,
        "cit": rng.randint(0, scale // 3) if month_index % 3 == 2 else 0,  # paid quarterly
        "iit": rng.randint(scale // 50, scale // 20),
        "local": rng.randint(scale // 100, scale // 30),
    }
    rebates = rng.randint(0, vat // 4)
    building = month_index < 12
    running = month_index >= 3  # production starts a quarter after the agreement, while building goes on
    output = rng.randint(scale * 20, scale * 40) if running else 0
    values = {
        "rebates_fen": rebates,
        "fixed_asset_investment_fen": (planned // 14) * rng.randint(70, 110) // 100 if building else 0,
        "industrial_output_fen": output if project.industry.section_code == "C" else 0,
        "trade_sales_fen": rng.randint(scale * 5, scale * 30) if project.industry.section_code == "F" else 0,
        "services_revenue_fen": rng.randint(scale * 2, scale * 8)
        if project.industry.section_code in "GIM"
        else 0,
        "out_of_province_funds_fen": (planned // 20) if project.kind != "relocation" and building else 0,
        "foreign_capital_fen": (planned // 40) if project.kind == "new_abroad" and building else 0,
    }
    return taxes, values


@transaction.atomic
def demo_reports_build(*, park_users: dict[str, Any], city_admin: Any, finance: Any) -> int:
    """Enter, confirm, settle and close the demo's monthly reports through the services; returns the count."""
    if MonthlyReport.objects.exists():
        return 0
    count = 0
    projects = Project.objects.filter(status=Status.RECOGNISED).select_related(
        "agreement", "park", "industry"
    )
    for project in projects.order_by("code"):
        rng = random.Random(project.code)
        month, index = project.agreement.start_month, 0
        while month <= LAST_MONTH and month <= project.agreement.end_month:
            taxes, values = _report_values(project, index, rng)
            report = services.report_create(
                actor=park_users[project.park.code], project=project, month=month, taxes=taxes, values=values
            )
            if month < dt.date(2025, 3, 1):
                services.report_confirm(actor=finance, report=report, what="tax")
                services.report_confirm(actor=city_admin, report=report, what="indicators")
            month, index, count = add_months(month, 1), index + 1, count + 1
    for quarter in CLOSED_QUARTERS:
        services.settlement_close(actor=city_admin, period=quarter)
    for quarter in OPEN_QUARTERS:
        services.settlement_run(actor=city_admin, period=quarter)
    return count
