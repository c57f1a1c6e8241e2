from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from enclave.conftest import make_recognised
from enclave.lib import periods
from enclave.sharing import queries, services

pytestmark = pytest.mark.django_db
JULY = dt.date(2024, 7, 1)


@pytest.fixture
def settled(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)  # 50:50 Wuhua / Mohan from July 2024
    services.report_create(
        actor=mohan_user, project=project, month=JULY, taxes={"vat": 1_000_001},
        values={"fixed_asset_investment_fen": 5_000, "out_of_province_funds_fen": 700},
    )  # fmt: skip
    services.settlement_run(actor=city_admin, period="2024Q3")
    return project


def test_a_statement_lists_each_project_with_retained_and_share(settled, wuhua):
    party = queries.party_for_user_or_403(wuhua, "530102")
    st = queries.statement(periods.parse("2024Q3"), party)
    assert [(line.project_code, line.retained_fen, line.share_fen) for line in st.lines] == [
        (settled.code, 200_000, 100_000)
    ]
    assert not st.is_closed


def test_a_unit_reads_only_its_own_statement(settled, panlong, mohan_user):
    with pytest.raises(PermissionDenied):
        queries.party_for_user_or_403(panlong, "530102")
    assert [p.code for p in queries.parties_visible_to(mohan_user)] == ["mohan"]


def test_the_accounting_table_double_counts_for_places_and_once_for_the_city(settled, city_admin):
    table, parties = queries.accounting_table(periods.parse("2024"), city_admin)
    assert table.by_place[("unit", "530102")]["fixed_asset_investment_fen"] == 5_000
    assert table.by_place[("park", "mohan")]["fixed_asset_investment_fen"] == 5_000
    assert table.by_place[("park", "mohan")]["out_of_province_funds_fen"] == 0
    assert table.city["fixed_asset_investment_fen"] == 5_000
    assert len(parties) == 21


def test_investment_progress_flags_a_project_far_behind_its_promise(wuhua, reviewer, mohan_user):
    project = make_recognised(wuhua, reviewer)  # recognised 2024-06-20, planned 5000万元
    services.report_create(
        actor=mohan_user,
        project=project,
        month=JULY,
        taxes={},
        values={"fixed_asset_investment_fen": 500 * 10**6},
    )
    early = queries.investment_progress(project, today=dt.date(2024, 9, 1))
    assert early.actual_fen == 500 * 10**6 and early.percent == 10 and not early.far_behind
    late = queries.investment_progress(project, today=dt.date(2025, 6, 1))  # 12 of 24 months: expected 2500万
    assert late.expected_fen == 2500 * 10**6 and late.far_behind and late.estimated


def test_the_demo_has_live_settlements():
    """The demo's monthly reports settle: 2024 is closed quarter by quarter and every statement adds up."""
    from django.core.management import call_command

    from enclave.projects import demo
    from enclave.sharing.models import ClosedMonth, MonthlyReport, SettlementShare

    with override_demo():
        demo.demo_build()
    assert MonthlyReport.objects.filter(month__lte=dt.date(2025, 3, 1)).count() > 300
    # Q2–Q4 by the sharing demo; Q1 (nothing landed yet) by the assessment demo, so the year can be assessed.
    assert ClosedMonth.objects.filter(month__year=2024).count() == 12
    q1 = periods.parse("2025Q1")
    for party in queries.all_parties():
        st = queries.statement(q1, party)
        total = SettlementShare.objects.filter(
            party_code=party.code, line__month__gte=q1.start, line__month__lte=q1.end
        ).values_list("amount_fen", flat=True)
        assert st.share_fen == sum(total)
    call_command("check")


def override_demo():
    from django.test import override_settings

    return override_settings(DEMO_MODE=True)
