"""Provisional quarters and the annual true-up (issue 13, item 5), through the services on the real database.

Hand-worked figures (VAT county part 20%; the project shares 3:2:5 between Wuhua 530102, Panlong 530103 and
Mohan, from July 2024):
- Q3 provisional: July VAT estimate 10,000.00元 → county 2,000.00 → 600.00 / 400.00 / 1,000.00.
- July corrected to 11,000.00元 afterwards → 2,200.00 → 660.00 / 440.00 / 1,100.00.
- Q4 provisional: October VAT 5,000.00元 → 1,000.00 → 300.00 / 200.00 / 500.00.
- Year on confirmed data: 960.00 / 640.00 / 1,600.00; quarters gave 900.00 / 600.00 / 1,500.00;
  difference +60.00 / +40.00 / +100.00 (the correction, paid at the true-up).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.audit.models import Event
from enclave.sharing import services
from enclave.sharing.models import (
    ClosedMonth,
    DataStatus,
    MonthlyReport,
    ProvisionalStatement,
    TrueUpStatement,
)
from enclave.sharing.tests.test_settlement_services import enter, three_party_project  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
JULY, OCTOBER = dt.date(2024, 7, 1), dt.date(2024, 10, 1)


def confirm_all() -> None:
    """The tax bureau's confirmation is not what these tests are about (reports' own tests cover it)."""
    MonthlyReport.objects.update(tax_status=DataStatus.CONFIRMED)


@pytest.fixture
def quarters(three_party_project, mohan_user, city_admin):  # noqa: F811
    july = enter(mohan_user, three_party_project, JULY, vat=1_000_000)
    q3 = services.settlement_provisional(actor=city_admin, period="2024Q3")
    services.report_update(actor=mohan_user, report=july, taxes={"vat": 1_100_000}, values={})
    enter(mohan_user, three_party_project, OCTOBER, vat=500_000)
    q4 = services.settlement_provisional(actor=city_admin, period="2024q4")
    return q3, q4


def totals(statement: ProvisionalStatement) -> dict[str, int]:
    return dict(statement.run.totals.values_list("party_code", "amount_fen"))


class TestProvisionalQuarters:
    def test_a_quarter_is_paid_on_the_figures_known_then_and_its_months_stay_open(self, quarters):
        q3, q4 = quarters
        assert q3.period == "2024Q3" and q4.period == "2024Q4"
        assert totals(q3) == {"530102": 60_000, "530103": 40_000, "mohan": 100_000}
        assert totals(q4) == {"530102": 30_000, "530103": 20_000, "mohan": 50_000}
        assert not ClosedMonth.objects.exists()
        assert Event.objects.filter(object_type="sharing.provisionalstatement").count() == 2

    def test_a_quarter_is_issued_once(self, quarters, city_admin):
        with pytest.raises(ValidationError, match="已出具"):
            services.settlement_provisional(actor=city_admin, period="2024Q3")
        assert ProvisionalStatement.objects.count() == 2

    @pytest.mark.parametrize("period, message", [("2024", "季度"), ("2024-07", "季度"), ("2024Q5", "季度")])
    def test_only_a_quarter(self, three_party_project, city_admin, period, message):  # noqa: F811
        with pytest.raises(ValidationError, match=message):
            services.settlement_provisional(actor=city_admin, period=period)
        assert not ProvisionalStatement.objects.exists()

    def test_a_closed_quarter_needs_none(self, three_party_project, mohan_user, city_admin):  # noqa: F811
        enter(mohan_user, three_party_project, JULY, vat=1_000_000)
        confirm_all()
        services.settlement_close(actor=city_admin, period="2024-07")
        with pytest.raises(ValidationError, match="已有月份关账"):
            services.settlement_provisional(actor=city_admin, period="2024Q3")

    def test_only_the_city_administrator(self, three_party_project, wuhua, mohan_user):  # noqa: F811
        for user in (wuhua, mohan_user):
            with pytest.raises(PermissionDenied):
                services.settlement_provisional(actor=user, period="2024Q3")


class TestTrueUp:
    def test_the_year_on_confirmed_data_less_the_quarters_per_party(self, quarters, city_admin):
        confirm_all()
        statement = services.settlement_true_up(actor=city_admin, year=2024)
        lines = {line.party_code: line for line in statement.lines.all()}
        assert {code: (line.q3_fen, line.q4_fen, line.provisional_fen, line.year_fen, line.difference_fen)
                for code, line in lines.items()} == {
            "530102": (60_000, 30_000, 90_000, 96_000, 6_000),
            "530103": (40_000, 20_000, 60_000, 64_000, 4_000),
            "mohan": (100_000, 50_000, 150_000, 160_000, 10_000),
        }  # fmt: skip
        assert all(line.q1_fen == line.q2_fen == 0 for line in lines.values())
        assert statement.quarters == ["Q3", "Q4"] and len(statement.digest) == 64
        assert ClosedMonth.objects.filter(month__year=2024).count() == 12  # the year is closed and frozen
        assert Event.objects.filter(object_type="sharing.trueupstatement").count() == 1

    def test_it_needs_confirmed_tax_data_and_writes_nothing_otherwise(self, quarters, city_admin):
        with pytest.raises(ValidationError, match="预估"):
            services.settlement_true_up(actor=city_admin, year=2024)
        assert not TrueUpStatement.objects.exists() and not ClosedMonth.objects.exists()

    def test_once_per_year_and_re_verifiable(self, quarters, city_admin):
        confirm_all()
        statement = services.settlement_true_up(actor=city_admin, year="2024")
        with pytest.raises(ValidationError, match="已完成"):
            services.settlement_true_up(actor=city_admin, year=2024)
        check = services.true_up_verify(year=2024)
        assert check.matches and check.digest == statement.digest

    def test_a_changed_quarter_run_is_caught_by_the_verification(self, quarters, city_admin):
        confirm_all()
        services.settlement_true_up(actor=city_admin, year=2024)
        q3 = ProvisionalStatement.objects.get(period="2024Q3")
        q3.run.totals.filter(party_code="mohan").update(amount_fen=100_001)
        assert not services.true_up_verify(year=2024).matches

    @pytest.mark.parametrize("year", ["0000", "24", "2101", "二〇二四"])
    def test_a_year_that_is_no_year(self, city_admin, year):
        with pytest.raises(ValidationError, match="年份"):
            services.settlement_true_up(actor=city_admin, year=year)

    def test_a_year_without_provisional_quarters_pays_the_whole_year(
        self, three_party_project, mohan_user, city_admin  # noqa: F811
    ):
        enter(mohan_user, three_party_project, JULY, vat=1_000_000)
        confirm_all()
        statement = services.settlement_true_up(actor=city_admin, year=2024)
        assert statement.quarters == []
        assert {line.party_code: line.difference_fen for line in statement.lines.all()} == {
            "530102": 60_000, "530103": 40_000, "mohan": 100_000,
        }  # fmt: skip

    def test_only_the_city_administrator(self, quarters, wuhua):
        confirm_all()
        with pytest.raises(PermissionDenied):
            services.settlement_true_up(actor=wuhua, year=2024)
