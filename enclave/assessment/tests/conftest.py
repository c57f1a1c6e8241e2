"""The assessment's world: a project Wuhua and Panlong brought to Mohan, reported and settled in 2024 Q3,
and the two groups of the bonus workflow (an industry bureau, the assessment office)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from enclave.accounts.models import Role
from enclave.conftest import make_filed, persona
from enclave.parks.models import Unit
from enclave.projects import services as project_services
from enclave.sharing import services as sharing_services

JULY, AUGUST, SEPTEMBER = dt.date(2024, 7, 1), dt.date(2024, 8, 1), dt.date(2024, 9, 1)
WAN = 10**6


@pytest.fixture
def office(db):
    """市考核办: a city-level read-only account in the group that confirms bonus points."""
    user = persona("kaohe", Role.AUDITOR)
    user.groups.add(Group.objects.get(name="市考核办"))
    return user


@pytest.fixture
def bureau(db):
    """市工业和信息化局: a city-level account in the industry bureaus' group."""
    user = persona("gongxin", Role.AUDITOR)
    user.groups.add(Group.objects.get(name="行业主管部门"))
    return user


def recognise(unit_user, reviewer, *, partners=(), planned_wan=5000, on=dt.date(2024, 6, 20), **kw):
    project = make_filed(
        unit_user,
        partner_units=[Unit.objects.get(code=c) for c in partners],
        planned_investment_fen=planned_wan * WAN,
        **kw,
    )
    project = project_services.project_start_review(actor=reviewer, project=project)
    return project_services.project_recognise(actor=reviewer, project=project, on=on)


@pytest.fixture
def q3_world(wuhua, panlong, reviewer, mohan_user, city_admin, finance):
    """Wuhua (with Panlong as partner) lands a 5000万元 project in Mohan on 2024-06-20; July–September are
    reported (fixed-asset investment 300, 500, 700万元; VAT 10, 20, 30万元), confirmed and closed."""
    project = recognise(wuhua, reviewer, partners=["530103"], name="五华盘龙轻纺项目")
    for month, fai, vat in ((JULY, 300, 10), (AUGUST, 500, 20), (SEPTEMBER, 700, 30)):
        report = sharing_services.report_create(
            actor=mohan_user,
            project=project,
            month=month,
            taxes={"vat": vat * WAN},
            values={"fixed_asset_investment_fen": fai * WAN, "out_of_province_funds_fen": 100 * WAN},
        )
        sharing_services.report_confirm(actor=finance, report=report, what="tax")
    sharing_services.settlement_close(actor=city_admin, period="2024Q3")
    return project


def close_year(city_admin, year=2024):
    for q in range(1, 5):
        label = f"{year}Q{q}"
        try:
            sharing_services.settlement_close(actor=city_admin, period=label)
        except Exception as exc:  # already closed
            if "已关账" not in str(exc):
                raise
