from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.conftest import make_filed, make_recognised
from enclave.parks.models import Unit
from enclave.projects import services as project_services
from enclave.sharing import services
from enclave.sharing.models import (
    ClosedMonth,
    MonthlyReport,
    RunTotal,
    SettlementLine,
    SettlementRun,
    SettlementShare,
    TaxType,
)

pytestmark = pytest.mark.django_db
JULY, AUGUST, SEPTEMBER = dt.date(2024, 7, 1), dt.date(2024, 8, 1), dt.date(2024, 9, 1)


@pytest.fixture
def three_party_project(wuhua, panlong, reviewer):
    """Wuhua and Panlong bring a project to Mohan; shares 30:20:50 from July 2024 (mid-year start)."""
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
        end_month=dt.date(2029, 6, 1),
        on=dt.date(2024, 6, 20),
    )


def enter(actor, project, month, vat=0, cit=0, rebates=0, **indicators):
    return services.report_create(
        actor=actor,
        project=project,
        month=month,
        taxes={"vat": vat, "cit": cit},
        values={"rebates_fen": rebates, **indicators},
    )


class TestReports:
    def test_a_park_user_enters_its_projects_and_figures_start_as_estimates(
        self, three_party_project, mohan_user
    ):
        report = enter(mohan_user, three_party_project, JULY, vat=1_000_00)
        assert report.tax_status == "estimated"

    def test_it_refuses_bad_reports_with_clear_messages(
        self, three_party_project, mohan_user, lingang_user, wuhua
    ):
        with pytest.raises(ValidationError, match="不在该项目的利益分享期限内"):
            enter(mohan_user, three_party_project, dt.date(2024, 6, 1), vat=1)
        with pytest.raises(ValidationError, match="不能为负数"):
            enter(mohan_user, three_party_project, JULY, vat=-1)
        with pytest.raises(ValidationError, match="不能超过当月实缴税额"):
            enter(mohan_user, three_party_project, JULY, vat=100, rebates=101)
        with pytest.raises(PermissionDenied):
            enter(lingang_user, three_party_project, JULY, vat=1)
        with pytest.raises(PermissionDenied):
            enter(wuhua, three_party_project, JULY, vat=1)
        enter(mohan_user, three_party_project, JULY, vat=1)
        with pytest.raises(ValidationError, match="已存在"):
            enter(mohan_user, three_party_project, JULY, vat=2)
        assert MonthlyReport.objects.count() == 1

    def test_an_unrecognised_project_gets_no_report(self, wuhua, city_admin):
        with pytest.raises(ValidationError, match="尚未认定"):
            enter(city_admin, make_filed(wuhua), JULY, vat=1)


class TestRuns:
    def test_hand_worked_quarter_with_three_parties_a_rebate_and_an_adjustment_after_close(
        self, three_party_project, mohan_user, city_admin, finance
    ):
        """July: VAT 12,345.67元 × 20% = 2,469.134 → 2,469.13元; CIT 5,000.01元 × 16% = 800.0016 → 800.00元;
        retained 3,269.13 − rebate 1,000.00 = 2,269.13元 → 3:2:5 = 680.739 / 453.826 / 1,134.565 →
        680.73 / 453.82 / 1,134.56 (= 2,269.11) + 2 fen to the two largest remainders (Wuhua .9, Panlong .6;
        Mohan's .5 gets none).
        August: VAT 10,000.00元 × 20% = 2,000.00元 → 600.00 / 400.00 / 1,000.00."""
        july = enter(mohan_user, three_party_project, JULY, vat=1_234_567, cit=500_001, rebates=100_000)
        august = enter(mohan_user, three_party_project, AUGUST, vat=1_000_000)
        result = services.settlement_run(actor=city_admin, period="2024Q3")
        assert result.created
        line = SettlementLine.objects.get(month=JULY)
        assert line.county_parts == {"vat": 246_913, "cit": 80_000}
        assert line.retained_fen == 226_913
        shares = dict(SettlementShare.objects.filter(line=line).values_list("party_code", "amount_fen"))
        assert shares == {"530102": 68_074, "530103": 45_383, "mohan": 113_456}
        assert dict((s.party_code, s.amount_fen) for s in result.totals) == {
            "530102": 68_074 + 60_000,
            "530103": 45_383 + 40_000,
            "mohan": 113_456 + 100_000,
        }

        # Re-running with the same inputs is the same run; nothing is written again.
        again = services.settlement_run(actor=city_admin, period="2024Q3")
        assert not again.created and again.run == result.run

        # Closing needs confirmed tax figures.
        with pytest.raises(ValidationError, match="预估"):
            services.settlement_close(actor=city_admin, period="2024-07")
        services.report_confirm(actor=finance, report=july, what="tax")
        services.settlement_close(actor=city_admin, period="2024-07")
        assert ClosedMonth.objects.filter(month=JULY).exists()

        # A closed month's report cannot change; the correction is an adjustment settled in August.
        with pytest.raises(ValidationError, match="已关账"):
            services.report_update(actor=mohan_user, report=july, taxes={"vat": 1}, values={})
        adjustment = services.adjustment_create(
            actor=city_admin, project=three_party_project, concerns_month=JULY, target="retained",
            amount_fen=-1_000, reason="7月增值税退库更正",
        )  # fmt: skip
        assert adjustment.month == AUGUST
        services.settlement_run(actor=city_admin, period="2024Q3")
        august_line = SettlementLine.objects.get(month=AUGUST)
        assert august_line.retained_fen == 200_000 - 1_000
        assert dict(august_line.shares.values_list("party_code", "amount_fen")) == {
            "530102": 59_700,
            "530103": 39_800,
            "mohan": 99_500,
        }
        # July's frozen line did not move.
        assert SettlementLine.objects.get(month=JULY).retained_fen == 226_913
        assert august.pk

    def test_quarters_add_up_to_the_year_in_the_ledger(self, three_party_project, mohan_user, city_admin):
        for m in range(7, 13):
            enter(
                mohan_user, three_party_project, dt.date(2024, m, 1), vat=123_457 * m, cit=99_999, rebates=m
            )
        year = services.settlement_run(actor=city_admin, period="2024")
        q3 = services.settlement_run(actor=city_admin, period="2024Q3")
        q4 = services.settlement_run(actor=city_admin, period="2024Q4")
        by_party = lambda r: {s.party_code: s.amount_fen for s in r.totals}  # noqa: E731
        assert {k: by_party(q3)[k] + by_party(q4)[k] for k in by_party(year)} == by_party(year)
        assert year.run.retained_fen == q3.run.retained_fen + q4.run.retained_fen

    def test_a_figure_changed_and_changed_back_settles_to_the_first_runs_ledger_again(
        self, three_party_project, mohan_user, city_admin
    ):
        """Found by the ledger state machine: the second run with the first run's inputs reused that run
        but left the ledger with the intermediate figures, so statements showed money nobody owed."""
        report = enter(mohan_user, three_party_project, JULY, vat=1000_00)
        first = services.settlement_run(actor=city_admin, period="2024Q3")
        ledger = lambda: sorted(SettlementShare.objects.values_list("party_code", "amount_fen"))  # noqa: E731
        before = ledger()
        services.report_update(actor=city_admin, report=report, taxes={"vat": 2000_00}, values={})
        services.settlement_run(actor=city_admin, period="2024Q3")
        assert ledger() != before
        services.report_update(actor=city_admin, report=report, taxes={"vat": 1000_00}, values={})
        again = services.settlement_run(actor=city_admin, period="2024Q3")
        assert again.run.pk == first.run.pk and not again.created
        assert ledger() == before
        assert set(SettlementLine.objects.values_list("run_id", flat=True)) == {first.run.pk}
        lines = SettlementLine.objects.count()
        assert services.settlement_run(actor=city_admin, period="2024Q3").run.pk == first.run.pk
        assert SettlementLine.objects.count() == lines and ledger() == before

    def test_only_the_city_runs_and_closed_periods_cannot_be_closed_again(
        self, three_party_project, mohan_user, city_admin, finance
    ):
        with pytest.raises(PermissionDenied):
            services.settlement_run(actor=mohan_user, period="2024Q3")
        report = enter(mohan_user, three_party_project, JULY, vat=100)
        services.report_confirm(actor=finance, report=report, what="tax")
        services.settlement_close(actor=city_admin, period="2024-07")
        with pytest.raises(ValidationError, match="已关账"):
            services.settlement_close(actor=city_admin, period="2024-07")
        with pytest.raises(ValidationError):
            services.settlement_run(actor=city_admin, period="2024-13")

    def test_overlapping_rates_are_refused(self, city_admin):
        vat = TaxType.objects.get(code="vat")
        with pytest.raises(ValidationError, match="重叠"):
            services.rate_save(
                actor=city_admin,
                tax_type=vat,
                effective_from=dt.date(2025, 1, 1),
                effective_to=None,
                rate_bp=2500,
            )

    def test_a_run_that_fails_half_way_leaves_nothing(
        self, three_party_project, mohan_user, city_admin, monkeypatch
    ):
        enter(mohan_user, three_party_project, JULY, vat=100_000)

        def boom(*args, **kwargs):
            raise RuntimeError("disk full")

        # Fails after the ledger rows are inserted: they must not survive.
        monkeypatch.setattr(RunTotal.objects, "bulk_create", boom)
        with pytest.raises(RuntimeError):
            services.settlement_run(actor=city_admin, period="2024Q3")
        assert not SettlementRun.objects.exists() and not SettlementLine.objects.exists()


@time_machine.travel(dt.datetime(2024, 8, 15, 12, tzinfo=dt.UTC))
def test_future_months_are_refused(wuhua, reviewer, mohan_user):
    project = make_recognised(wuhua, reviewer)
    with pytest.raises(ValidationError, match="未来"):
        enter(mohan_user, project, SEPTEMBER, vat=1)
