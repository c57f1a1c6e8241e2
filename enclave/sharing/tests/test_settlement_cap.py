"""A capped agreement settled through the services: the cooperating side's total stops at the cap, across
runs (what earlier runs gave counts), and the host gets the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from enclave.conftest import make_filed
from enclave.parks.models import Unit
from enclave.projects import services as project_services
from enclave.sharing import services
from enclave.sharing.models import SettlementLine, SettlementShare

pytestmark = pytest.mark.django_db
JULY, AUGUST, SEPTEMBER = dt.date(2024, 7, 1), dt.date(2024, 8, 1), dt.date(2024, 9, 1)


@pytest.fixture
def capped(wuhua, reviewer):
    """30:20:50 from July 2024; the two units together may receive at most 1,500.00元."""
    project = make_filed(wuhua, partner_units=[Unit.objects.get(code="530103")])
    project = project_services.project_start_review(actor=reviewer, project=project)
    return project_services.project_recognise(
        actor=reviewer,
        project=project,
        parties=[
            project_services.PartyShare("unit", "530102", 3000),
            project_services.PartyShare("unit", "530103", 2000),
            project_services.PartyShare("park", "mohan", 5000),
        ],
        start_month=JULY,
        end_month=dt.date(2027, 6, 1),
        cap_fen=150_000,
        on=dt.date(2024, 6, 20),
    )


def enter(actor, project, month, vat):
    return services.report_create(actor=actor, project=project, month=month, taxes={"vat": vat}, values={})


def shares_of(month):
    line = SettlementLine.objects.get(month=month)
    return dict(SettlementShare.objects.filter(line=line).values_list("party_code", "amount_fen"))


def test_the_cap_is_reached_mid_quarter(capped, mohan_user, city_admin):
    """Each month VAT 10,000.00元 × 20% = 2,000.00元 retained; the units' half is 1,000.00元 a month.
    July: 600.00 / 400.00 (total 1,000.00). August: 500.00 left → 3:2 = 300.00 / 200.00, Mohan 1,500.00.
    September: the cap is reached, Mohan gets all 2,000.00."""
    for month in (JULY, AUGUST, SEPTEMBER):
        enter(mohan_user, capped, month, 1_000_000)
    result = services.settlement_run(actor=city_admin, period="2024Q3")
    assert shares_of(JULY) == {"530102": 60_000, "530103": 40_000, "mohan": 100_000}
    assert shares_of(AUGUST) == {"530102": 30_000, "530103": 20_000, "mohan": 150_000}
    assert shares_of(SEPTEMBER) == {"530102": 0, "530103": 0, "mohan": 200_000}
    assert dict(result.totals) == {"530102": 90_000, "530103": 60_000, "mohan": 450_000}
    assert services.settlement_verify(period="2024Q3").matches


def test_what_earlier_runs_gave_counts_towards_the_cap(capped, mohan_user, city_admin):
    enter(mohan_user, capped, JULY, 1_000_000)
    services.settlement_run(actor=city_admin, period="2024-07")
    enter(mohan_user, capped, AUGUST, 1_000_000)
    services.settlement_run(actor=city_admin, period="2024-08")
    assert shares_of(AUGUST) == {"530102": 30_000, "530103": 20_000, "mohan": 150_000}
    enter(mohan_user, capped, SEPTEMBER, 1_000_000)
    result = services.settlement_run(actor=city_admin, period="2024-09")
    assert dict(result.totals) == {"530102": 0, "530103": 0, "mohan": 200_000}
