"""Effective-dated tiers: a unit is assessed in the tier it had when the period began, and a move adds a dated
row with its reason (never overwrites), so a published period keeps its tier, ranks and fingerprints."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.assessment import services
from enclave.assessment.models import UnitResult
from enclave.audit.models import Event, Verb
from enclave.parks.models import TIERS_IN_FORCE_FROM, Unit, UnitTier
from enclave.parks.queries import unit_tiers_on

pytestmark = pytest.mark.django_db

JAN_2026 = dt.date(2026, 1, 1)


def wuhua_unit() -> Unit:
    return Unit.objects.get(code="530102")


def move(actor, unit, tier="T2", on=JAN_2026, reason="经市政府同意调整分级分类"):
    return services.unit_tier_change(actor=actor, unit=unit, tier=tier, valid_from=on, reason=reason)


class TestShippedTiers:
    def test_every_unit_has_its_default_tier_from_before_any_data(self):
        rows = UnitTier.objects.all()
        assert rows.count() == Unit.objects.count()
        assert all(r.is_default and r.valid_from == TIERS_IN_FORCE_FROM for r in rows)
        assert {r.unit.code: r.tier for r in rows.select_related("unit")}["530102"] == "T1"
        assert unit_tiers_on(dt.date(2024, 7, 1)) == dict(Unit.objects.values_list("pk", "tier"))


class TestTierAsOfThePeriod:
    def test_a_unit_moved_in_2026_keeps_its_2024_tier_and_the_2024_run_replays_identically(
        self, q3_world, city_admin
    ):
        published = services.assessment_run(actor=city_admin, period="2024Q3").run
        services.assessment_publish(actor=city_admin, run=published)
        move(city_admin, wuhua_unit(), "T2", JAN_2026)
        again = services.assessment_run(actor=city_admin, period="2024Q3")
        assert not again.created and again.run == published  # same fingerprints: the published result stands
        assert services.assessment_verify(run=published).matches
        assert UnitResult.objects.get(run=published, unit__code="530102").tier == "T1"
        later = services.assessment_run(actor=city_admin, period="2026Q1", provisional=True).run
        assert UnitResult.objects.get(run=later, unit__code="530102").tier == "T2"
        assert later.input_digest != published.input_digest

    def test_the_tier_in_force_on_the_periods_first_day_counts(self, q3_world, city_admin):
        move(city_admin, wuhua_unit(), "T3", dt.date(2024, 10, 1))
        q3 = services.assessment_run(actor=city_admin, period="2024Q3").run
        year = services.assessment_run(actor=city_admin, period="2024", provisional=True).run
        q4 = services.assessment_run(actor=city_admin, period="2024Q4", provisional=True).run
        tier = {r.pk: UnitResult.objects.get(run=r, unit__code="530102").tier for r in (q3, year, q4)}
        assert (tier[q3.pk], tier[year.pk], tier[q4.pk]) == ("T1", "T1", "T3")

    def test_a_move_changes_a_draft_runs_input_fingerprint(self, q3_world, city_admin):
        first = services.assessment_run(actor=city_admin, period="2024Q3").run
        move(city_admin, wuhua_unit(), "T2", dt.date(2024, 7, 1))
        second = services.assessment_run(actor=city_admin, period="2024Q3")
        assert second.created and second.run.input_digest != first.input_digest
        assert UnitResult.objects.get(run=second.run, unit__code="530102").tier == "T2"


class TestTierChange:
    def test_a_change_adds_a_dated_row_and_keeps_the_history(self, city_admin):
        unit = wuhua_unit()
        move(city_admin, unit, "T2", JAN_2026)
        move(city_admin, unit, "T1", dt.date(2027, 1, 1), reason="恢复一类")
        rows = list(
            unit.tier_history.order_by("valid_from", "id").values_list("tier", "valid_from", "is_default")
        )
        assert rows == [
            ("T1", TIERS_IN_FORCE_FROM, True),
            ("T2", JAN_2026, False),
            ("T1", dt.date(2027, 1, 1), False),
        ]
        assert unit_tiers_on(dt.date(2025, 12, 31))[unit.pk] == "T1"
        assert unit_tiers_on(dt.date(2026, 6, 30))[unit.pk] == "T2"
        assert unit_tiers_on(dt.date(2027, 1, 1))[unit.pk] == "T1"

    def test_the_units_tier_field_follows_the_tier_in_force_today(self, city_admin):
        unit = wuhua_unit()
        move(city_admin, unit, "T2", dt.date(2000, 4, 1))
        unit.refresh_from_db()
        assert unit.tier == "T2"
        move(city_admin, unit, "T3", dt.date(2999, 1, 1), reason="远期调整")
        unit.refresh_from_db()
        assert unit.tier == "T2"

    def test_each_change_writes_one_audit_row_with_its_reason(self, city_admin):
        row = move(city_admin, wuhua_unit(), "T2", JAN_2026)
        event = Event.objects.get(object_type="parks.unittier", object_id=str(row.pk))
        assert event.verb == Verb.CREATE and event.actor == city_admin
        assert event.reason == "经市政府同意调整分级分类"
        assert event.before == {"tier": "T1"}
        assert event.after == {"unit": "530102", "tier": "T2", "valid_from": "2026-01-01"}

    def test_only_the_city_administrator_moves_a_unit(self, reviewer, auditor, wuhua):
        for user in (reviewer, auditor, wuhua):
            with pytest.raises(PermissionDenied):
                move(user, wuhua_unit())
        assert UnitTier.objects.filter(is_default=False).count() == 0

    @pytest.mark.parametrize(
        ("tier", "on", "reason", "field", "message"),
        [
            ("T9", JAN_2026, "原因", "tier", "未知的考核分类"),
            ("T2", JAN_2026, "  ", "reason", "调整考核分类必须填写原因"),
            ("T2", dt.date(2026, 2, 1), "原因", "valid_from", "生效日期应为季度首日"),
            ("T2", TIERS_IN_FORCE_FROM, "原因", "valid_from", "生效日期应晚于2000-01-01"),
            ("T1", JAN_2026, "原因", "tier", "已是一类（主城区），无需调整"),
        ],
    )
    def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
        self, city_admin, tier, on, reason, field, message
    ):
        with pytest.raises(ValidationError) as caught:
            move(city_admin, wuhua_unit(), tier, on, reason)
        assert any(message in m for m in caught.value.message_dict[field]), caught.value.message_dict
        assert UnitTier.objects.filter(is_default=False).count() == 0
        assert not Event.objects.filter(object_type="parks.unittier").exists()

    def test_a_change_may_not_reach_back_into_a_published_period(self, q3_world, city_admin):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        services.assessment_publish(actor=city_admin, run=run)
        with pytest.raises(ValidationError) as caught:
            move(city_admin, wuhua_unit(), "T2", dt.date(2024, 7, 1))
        assert "2024Q3 的考核结果已发布" in caught.value.message_dict["valid_from"][0]
        assert "生效日期最早为2024-10-01" in caught.value.message_dict["valid_from"][0]
        move(city_admin, wuhua_unit(), "T2", dt.date(2024, 10, 1))

    def test_a_unit_without_dated_rows_gets_its_old_tier_as_the_first_row(self, city_admin):
        unit = wuhua_unit()
        unit.tier_history.all().delete()
        assert unit_tiers_on(dt.date(2024, 1, 1))[unit.pk] == "T1"  # the tier field, for lack of a row
        move(city_admin, unit, "T2", JAN_2026)
        assert unit_tiers_on(dt.date(2024, 1, 1))[unit.pk] == "T1"
        assert unit.tier_history.count() == 2


class TestTierShownToday:
    def test_a_move_dated_ahead_shows_on_the_reference_pages_from_its_date_on(self, city_admin, auditor):
        from django.test import Client

        unit = Unit.objects.get(code="530113")  # 东川区, T3

        def shown() -> str:
            c = Client()  # signed in afresh at each date (sessions end after hours)
            c.force_login(auditor)
            units = c.get("/parks/units/").context["units"]
            api = c.get("/api/v1/units").json()
            assert {u.code: u.tier for u in units}["530113"] == {u["code"]: u["tier"] for u in api}["530113"]
            return {u.code: u.tier for u in units}["530113"]

        with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
            move(city_admin, unit, "T2", dt.date(2026, 7, 1))
            assert shown() == "T3"
        with time_machine.travel(dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC), tick=False):
            assert shown() == "T2"
