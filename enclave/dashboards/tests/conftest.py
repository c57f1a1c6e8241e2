from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from enclave.conftest import make_draft, make_filed
from enclave.parks.models import Industry, Park, Unit
from enclave.projects import services
from enclave.projects.models import Project


def landed(unit_user, reviewer, on: dt.date, wan: int, **overrides: Any) -> Project:
    project = make_filed(unit_user, planned_investment_fen=wan * 1_000_000, **overrides)
    project = services.project_start_review(actor=reviewer, project=project)
    return services.project_recognise(actor=reviewer, project=project, on=on)


@pytest.fixture
def landings(wuhua, panlong, reviewer, mohan_user):
    """Wuhua: Mohan 2024Q2 (3000万, textiles, Shanghai) and 2024Q4 (2000万, relocation, voluntary);
    Lingang 2025Q1 (5000万, abroad from Laos, electronics) with Panlong as partner. Panlong: Mohan 2024Q2
    (1000万, 2024-06-10); one filing of Panlong's waiting since 2024-06-03 and one draft of Wuhua's."""
    lingang = Park.objects.get(code="lingang")
    landed(wuhua, reviewer, dt.date(2024, 6, 20), 3_000, name="五华纺织项目")
    landed(
        wuhua, reviewer, dt.date(2024, 11, 5), 2_000, name="五华流转项目", kind="relocation",
        relocation_class="voluntary", origin="五华区", moved_on=dt.date(2024, 10, 28),
        move_evidence="五华区市场监管局变更登记通知书",
    )  # fmt: skip
    landed(
        wuhua, reviewer, dt.date(2025, 2, 10), 5_000, name="五华老挝电子项目", park=lingang, kind="new_abroad",
        origin="老挝", industry=Industry.objects.get(code="39"), partner_units=[Unit.objects.get(code="530103")],
    )  # fmt: skip
    landed(panlong, reviewer, dt.date(2024, 6, 10), 1_000, name="盘龙纺织项目")
    waiting = make_filed(panlong, name="盘龙待审项目")
    make_draft(wuhua, name="五华草稿项目")
    return waiting


@pytest.fixture
def settled(landings, city_admin, mohan_user, lingang_user):
    """Monthly reports for March 2025 of the Mohan textiles and the Lingang electronics projects, settled."""
    from enclave.sharing import services as sharing_services

    for name, park_user in (("五华纺织项目", mohan_user), ("五华老挝电子项目", lingang_user)):
        sharing_services.report_create(
            actor=park_user, project=Project.objects.get(name=name), month=dt.date(2025, 3, 1),
            taxes={"vat": 8_000_000}, values={"fixed_asset_investment_fen": 700_000_00,
                                              "out_of_province_funds_fen": 90_000_00},
        )  # fmt: skip
    sharing_services.settlement_run(actor=city_admin, period="2025Q1")
