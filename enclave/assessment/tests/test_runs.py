"""Assessment runs: computed from the accounting, reproducible, publishable once, corrected by a new run."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.assessment import services
from enclave.assessment.models import AssessmentRun, Contribution, Deduction, ScoringItem, Target, UnitResult
from enclave.assessment.tests.conftest import AUGUST, JULY, SEPTEMBER, WAN
from enclave.audit.models import Event
from enclave.parks.models import Unit
from enclave.sharing.models import SettlementShare

pytestmark = pytest.mark.django_db


def result(run, code):
    return UnitResult.objects.get(run=run, unit__code=code)


def indicator(run, code, source):
    return result(run, code).indicators.get(source=source)


class TestComputation:
    def test_a_quarter_is_scored_from_the_accounting_with_a_worked_example(self, q3_world, city_admin):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        assert not run.provisional and run.period_kind == "quarter"
        # 五华区 (T1), default quarterly scheme and targets:
        # - projects recognised in Q3: 0 of 1, pass/fail, weight 30 → 0
        # - planned investment recognised in Q3: 0 of 2000万, linear from 50%, weight 20 → 0
        # - fixed-asset investment 300 + 500 + 700 = 1500万 of 625万, capped at 100%, weight 30 → 30
        # - out-of-province funds 3 × 100 = 300万 of 375万 = 80%, weight 20 → 16
        wuhua = result(run, "530102")
        fai = indicator(run, "530102", "fixed_asset_investment_fen")
        assert (fai.value, fai.target, fai.points_centi) == (1500 * WAN, 625 * WAN, 3000)
        funds = indicator(run, "530102", "out_of_province_funds_fen")
        assert (funds.value, funds.completion_bp, funds.points_centi) == (300 * WAN, 8000, 1600)
        assert indicator(run, "530102", "projects").points_centi == 0
        assert wuhua.total_centi == 4600
        # Panlong, the partner, is credited in full too (双核算) and ties with Wuhua: both rank 1.
        panlong = result(run, "530103")
        assert panlong.total_centi == 4600
        assert (wuhua.rank, wuhua.rank_in_tier, panlong.rank, panlong.rank_in_tier) == (1, 1, 1, 1)
        assert result(run, "530111").rank == 3  # the rest score 0 and share rank 3
        assert run.results.count() == Unit.objects.filter(is_active=True).count()

    def test_every_value_drills_down_to_its_project_months(self, q3_world, city_admin):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        fai = indicator(run, "530102", "fixed_asset_investment_fen")
        rows = list(fai.contributions.values_list("project_id", "month", "amount"))
        assert rows == [
            (q3_world.pk, JULY, 300 * WAN),
            (q3_world.pk, AUGUST, 500 * WAN),
            (q3_world.pk, SEPTEMBER, 700 * WAN),
        ]
        assert sum(a for _p, _m, a in rows) == fai.value

    def test_shared_tax_is_the_units_settlement_shares(self, q3_world, city_admin):
        run = services.assessment_run(actor=city_admin, period="2024", provisional=True).run
        tax = indicator(run, "530102", "shared_tax_fen")
        shares = SettlementShare.objects.filter(party_code="530102", line__month__year=2024)
        assert tax.value == sum(shares.values_list("amount_fen", flat=True)) > 0
        assert sorted(tax.contributions.values_list("month", "amount")) == sorted(
            shares.values_list("line__month", "amount_fen")
        )

    def test_projects_and_planned_investment_count_in_the_recognition_quarter(self, q3_world, city_admin):
        from enclave.sharing import services as sharing_services

        sharing_services.settlement_close(actor=city_admin, period="2024Q2")
        run = services.assessment_run(actor=city_admin, period="2024Q2").run
        projects = indicator(run, "530103", "projects")
        planned = indicator(run, "530103", "planned_investment_fen")
        assert (projects.value, projects.points_centi) == (1, 3000)
        # 5000万 of 2000万 → full 20 points
        assert (planned.value, planned.points_centi) == (5000 * WAN, 2000)
        assert list(projects.contributions.values_list("project_id", flat=True)) == [q3_world.pk]


class TestProvisional:
    def test_a_period_whose_settlement_is_open_runs_only_as_provisional(self, q3_world, city_admin):
        with pytest.raises(ValidationError) as refused:
            services.assessment_run(actor=city_admin, period="2024")
        assert "尚未全部关账" in str(refused.value)
        run = services.assessment_run(actor=city_admin, period="2024", provisional=True).run
        assert run.provisional
        with pytest.raises(ValidationError, match="临时结果"):
            services.assessment_publish(actor=city_admin, run=run)

    def test_a_month_or_nonsense_is_not_an_assessment_period(self, city_admin):
        for bad in ("2024-07", "abc", ""):
            with pytest.raises(ValidationError):
                services.assessment_run(actor=city_admin, period=bad)

    def test_only_the_city_administrator_runs_and_publishes(self, q3_world, reviewer, wuhua, city_admin):
        for actor in (reviewer, wuhua):
            with pytest.raises(PermissionDenied):
                services.assessment_run(actor=actor, period="2024Q3")
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        with pytest.raises(PermissionDenied):
            services.assessment_publish(actor=reviewer, run=run)


class TestReproducibility:
    def test_the_same_inputs_give_the_same_run(self, q3_world, city_admin):
        first = services.assessment_run(actor=city_admin, period="2024Q3")
        again = services.assessment_run(actor=city_admin, period="2024Q3")
        assert first.created and not again.created and again.run == first.run
        assert services.assessment_verify(run=first.run).matches

    def test_a_changed_input_gives_a_new_fingerprint(self, q3_world, city_admin):
        first = services.assessment_run(actor=city_admin, period="2024Q3").run
        services.deduction_create(
            actor=city_admin, unit=Unit.objects.get(code="530102"), period="2024Q3", kind="deduct",
            points_centi=250, reason="月度报表迟报两次",
        )  # fmt: skip
        check = services.assessment_verify(run=first)
        assert not check.same_inputs and not check.matches
        second = services.assessment_run(actor=city_admin, period="2024Q3").run
        assert second.pk != first.pk and second.input_digest != first.input_digest
        assert second.rules_digest == first.rules_digest
        assert result(second, "530102").total_centi == 4600 - 250
        assert result(second, "530102").rank == 2  # Panlong now leads alone

    def test_changed_targets_change_the_rules_fingerprint(self, q3_world, city_admin):
        first = services.assessment_run(actor=city_admin, period="2024Q3").run
        Target.objects.filter(tier="T1", quarter=3, source="out_of_province_funds_fen").update(
            value=300 * WAN
        )
        second = services.assessment_run(actor=city_admin, period="2024Q3").run
        assert second.rules_digest != first.rules_digest and second.input_digest == first.input_digest
        assert result(second, "530102").total_centi == 5000


class TestPublication:
    def test_publish_freezes_and_a_correction_is_a_new_run_with_a_reason(self, q3_world, city_admin):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        services.assessment_publish(actor=city_admin, run=run)
        run.refresh_from_db()
        assert run.status == "published" and run.published_by == city_admin and run.is_frozen
        with pytest.raises(ValidationError, match="已发布"):
            services.assessment_publish(actor=city_admin, run=run)
        same = services.assessment_run(
            actor=city_admin, period="2024Q3"
        )  # nothing changed: the published run
        assert same.run == run and not same.created
        services.deduction_create(
            actor=city_admin, unit=Unit.objects.get(code="530103"), period="2024Q3", kind="veto",
            points_centi=0, reason="发生重大安全生产事故",
        )  # fmt: skip
        with pytest.raises(ValidationError, match="更正原因"):
            services.assessment_run(actor=city_admin, period="2024Q3")
        correction = services.assessment_run(
            actor=city_admin, period="2024Q3", reason="补录盘龙区否决事项"
        ).run
        assert correction.corrects == run and correction.reason == "补录盘龙区否决事项"
        assert result(correction, "530103").total_centi == 0 and result(correction, "530103").vetoed
        services.assessment_publish(actor=city_admin, run=correction)
        run.refresh_from_db()
        assert run.status == "superseded"
        assert result(run, "530103").total_centi == 4600  # the old result is kept as it was
        assert AssessmentRun.objects.filter(period="2024Q3", status="published").get() == correction
        verbs = list(
            Event.objects.filter(object_type="assessment.assessmentrun")
            .order_by("id")
            .values_list("verb", "object_id")
        )
        assert ("transition", str(run.pk)) in verbs and ("transition", str(correction.pk)) in verbs

    def test_an_unrelated_draft_cannot_displace_the_published_run(self, q3_world, city_admin):
        draft = services.assessment_run(actor=city_admin, period="2024Q3").run
        Target.objects.filter(tier="T1", quarter=3).update(value=1)
        other = services.assessment_run(actor=city_admin, period="2024Q3").run
        services.assessment_publish(actor=city_admin, run=other)
        with pytest.raises(ValidationError, match="不是对它的更正"):
            services.assessment_publish(actor=city_admin, run=draft)


class TestBadRules:
    def test_weights_that_do_not_add_up_are_refused_with_the_tier_named(self, q3_world, city_admin):
        ScoringItem.objects.filter(tier="T2", period_kind="quarter", source="projects").update(weight=25)
        with pytest.raises(ValidationError) as refused:
            services.assessment_run(actor=city_admin, period="2024Q3")
        assert "二类" in str(refused.value) and "合计为95分" in str(refused.value)
        assert not AssessmentRun.objects.exists()

    def test_a_missing_target_for_a_units_tier_is_refused(self, q3_world, city_admin):
        Target.objects.filter(tier="T3", quarter=3, source="fixed_asset_investment_fen").delete()
        with pytest.raises(ValidationError) as refused:
            services.assessment_run(actor=city_admin, period="2024Q3")
        assert "三类" in str(refused.value) and "缺少2024Q3的考核目标" in str(refused.value)

    def test_a_later_row_replaces_an_item_from_its_year_on(self, q3_world, city_admin):
        # From 2025 T1 drops planned investment (weight 0) and gives its 20 points to the funds indicator.
        ScoringItem.objects.create(tier="T1", period_kind="quarter", source="planned_investment_fen",
                                   effective_from=2025, weight=0, is_default=False)  # fmt: skip
        ScoringItem.objects.create(tier="T1", period_kind="quarter", source="out_of_province_funds_fen",
                                   effective_from=2025, weight=40, is_default=False)  # fmt: skip
        run_2024 = services.assessment_run(actor=city_admin, period="2024Q3").run
        assert result(run_2024, "530102").indicators.count() == 4

    def test_deductions_need_a_reason_and_sensible_points(self, city_admin):
        unit = Unit.objects.get(code="530102")
        with pytest.raises(ValidationError) as refused:
            services.deduction_create(actor=city_admin, unit=unit, period="2024Q3", kind="deduct", points_centi=0,
                                      reason=" ")  # fmt: skip
        assert set(refused.value.message_dict) == {"reason", "points_centi"}
        assert not Deduction.objects.exists()


def test_contributions_are_kept_per_run(q3_world, city_admin):
    services.assessment_run(actor=city_admin, period="2024Q3")
    assert Contribution.objects.filter(indicator__result__unit__code="530102").count() == 3 + 3
