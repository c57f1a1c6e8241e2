"""sharing.services.rate_change: a retention rate changes from a month on, in one step, history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.audit.models import Event, Verb
from enclave.conftest import make_filed
from enclave.parks.models import Unit
from enclave.projects import services as project_services
from enclave.sharing import services
from enclave.sharing.models import RetentionRate, SettlementLine, SettlementShare, TaxType

pytestmark = pytest.mark.django_db
JUNE, JULY = dt.date(2024, 6, 1), dt.date(2024, 7, 1)


@pytest.fixture
def vat():
    return TaxType.objects.get(code="vat")


def change(actor, tax_type, from_month=JULY, rate_bp=2500, reason="市财政局通知调整"):
    return services.rate_change(
        actor=actor, tax_type=tax_type, from_month=from_month, rate_bp=rate_bp, reason=reason
    )


def history(tax_type):
    return list(
        RetentionRate.objects.filter(tax_type=tax_type)
        .order_by("effective_from")
        .values_list("effective_from", "effective_to", "rate_bp", "is_default")
    )


def refused(field, match, call):
    rows, events = RetentionRate.objects.count(), Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict
    assert any(match in m for m in caught.value.message_dict[field]), caught.value.message_dict
    assert (RetentionRate.objects.count(), Event.objects.count()) == (rows, events)


class TestRateChange:
    def test_the_running_row_ends_the_month_before_and_the_new_row_runs_open_ended(self, city_admin, vat):
        row = change(city_admin, vat)
        assert history(vat) == [
            (dt.date(2024, 1, 1), dt.date(2024, 6, 1), 2000, True),
            (JULY, None, 2500, False),
        ]
        assert row.note == "市财政局通知调整"

    def test_one_audit_row_carries_the_reason_and_both_halves(self, city_admin, vat):
        before = Event.objects.count()
        row = change(city_admin, vat)
        assert Event.objects.count() == before + 1
        event = Event.objects.latest("id")
        assert event.verb == Verb.UPDATE and event.reason == "市财政局通知调整"
        assert event.object_id == str(row.pk)
        assert event.before["in_force"]["rate_bp"] == 2000
        assert event.before["in_force"]["effective_to"] is None
        assert event.after["ended"]["effective_to"] == "2024-06-01"
        assert event.after["started"]["rate_bp"] == 2500

    def test_a_change_inside_a_bounded_row_runs_to_where_that_row_ran(self, city_admin, vat):
        change(city_admin, vat, from_month=JULY, rate_bp=2500)
        change(city_admin, vat, from_month=dt.date(2024, 10, 1), rate_bp=3000)
        change(city_admin, vat, from_month=dt.date(2024, 9, 1), rate_bp=2800)
        assert history(vat) == [
            (dt.date(2024, 1, 1), dt.date(2024, 6, 1), 2000, True),
            (JULY, dt.date(2024, 8, 1), 2500, False),
            (dt.date(2024, 9, 1), dt.date(2024, 9, 1), 2800, False),
            (dt.date(2024, 10, 1), None, 3000, False),
        ]

    def test_a_month_that_is_not_a_first_day_is_refused(self, city_admin, vat):
        refused("from_month", "该月1日", lambda: change(city_admin, vat, from_month=dt.date(2024, 7, 15)))

    def test_rates_outside_0_to_100_percent_are_refused(self, city_admin, vat):
        refused("rate_bp", "0%到100%", lambda: change(city_admin, vat, rate_bp=10001))
        refused("rate_bp", "0%到100%", lambda: change(city_admin, vat, rate_bp=-1))

    def test_an_empty_reason_is_refused(self, city_admin, vat):
        refused("reason", "必须填写原因", lambda: change(city_admin, vat, reason="  "))

    def test_a_change_that_changes_nothing_is_refused(self, city_admin, vat):
        refused("rate_bp", "已是20%，无需调整", lambda: change(city_admin, vat, rate_bp=2000))

    def test_a_change_at_the_running_rows_own_start_says_to_pick_a_later_month(self, city_admin, vat):
        change(city_admin, vat)
        refused("from_month", "请选择2024-08或更晚", lambda: change(city_admin, vat, rate_bp=2600))
        assert history(vat)[-1] == (JULY, None, 2500, False)

    def test_a_month_no_row_covers_points_to_adding_a_row(self, city_admin, vat):
        refused("from_month", "添加留成比例", lambda: change(city_admin, vat, from_month=dt.date(2023, 7, 1)))

    def test_only_the_city_administrator_changes_a_rate(self, reviewer, wuhua, auditor, vat):
        for user in (reviewer, wuhua, auditor):
            with pytest.raises(PermissionDenied):
                change(user, vat)
        assert len(history(vat)) == 1

    def test_the_overlap_refusal_of_adding_a_row_names_the_change(self, city_admin, vat):
        refused(
            "effective_from",
            "调整留成比例",
            lambda: services.rate_save(
                actor=city_admin, tax_type=vat, effective_from=JULY, effective_to=None, rate_bp=2500
            ),  # fmt: skip
        )


@pytest.fixture
def june_project(wuhua, reviewer):
    """Wuhua and Panlong bring a project to Mohan; shares 30:20:50 from June 2024."""
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
        start_month=JUNE,
        end_month=dt.date(2029, 5, 1),
        on=dt.date(2024, 6, 20),
    )


def report(mohan_user, project, month):
    return services.report_create(actor=mohan_user, project=project, month=month,
                                  taxes={"vat": 1_000_005, "cit": 333_333}, values={})  # fmt: skip


def settled(project, month):
    line = SettlementLine.objects.get(project=project, month=month)
    shares = dict(SettlementShare.objects.filter(line=line).values_list("party_code", "amount_fen"))
    return line.county_parts, line.retained_fen, shares


class TestSettlementAcrossTheChange:
    def test_june_settles_at_the_old_rate_and_july_at_the_new_one_to_the_fen(
        self, june_project, mohan_user, city_admin, vat
    ):
        report(mohan_user, june_project, JUNE)
        report(mohan_user, june_project, JULY)
        change(city_admin, vat, from_month=JULY, rate_bp=2500)
        services.settlement_run(actor=city_admin, period="2024")
        # June, VAT at 20%: 1,000,005 × 20% = 200,001; CIT at 16%: 333,333 × 16% = 53,333.28 → 53,333.
        # Retained 253,334 split 30:20:50 = 76,000.2 / 50,666.8 / 126,667 → the left-over fen to Panlong (.8).
        assert settled(june_project, JUNE) == (
            {"vat": 200_001, "cit": 53_333},
            253_334,
            {"530102": 76_000, "530103": 50_667, "mohan": 126_667},
        )
        # July, VAT at 25%: 1,000,005 × 25% = 250,001.25 → 250,001; CIT unchanged 53,333.
        # Retained 303,334 split = 91,000.2 / 60,666.8 / 151,667 → 91,000 / 60,667 / 151,667.
        assert settled(june_project, JULY) == (
            {"vat": 250_001, "cit": 53_333},
            303_334,
            {"530102": 91_000, "530103": 60_667, "mohan": 151_667},
        )

    def test_a_change_reaching_into_a_closed_month_is_refused_and_the_next_open_month_is_named(
        self, june_project, mohan_user, city_admin, finance, vat
    ):
        services.report_confirm(actor=finance, report=report(mohan_user, june_project, JUNE), what="tax")
        services.settlement_close(actor=city_admin, period="2024-06")
        for month in (JUNE, dt.date(2024, 3, 1)):
            refused(
                "from_month", "已关账月份（2024-06）", lambda m=month: change(city_admin, vat, from_month=m)
            )
        refused("from_month", "最早为2024-07", lambda: change(city_admin, vat, from_month=JUNE))
        change(city_admin, vat, from_month=JULY)
        assert history(vat)[-1] == (JULY, None, 2500, False)
