"""The city's own page for targets and tiers: everyone in business reads them, the city administrator changes
them as new dated rows with a reason (history kept, one audit row each), bad input is refused in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from enclave.assessment import fetch, services
from enclave.assessment.models import Target
from enclave.audit.models import Event, Verb
from enclave.parks.models import Unit, UnitTier

pytestmark = pytest.mark.django_db

WAN = 10**6
TARGETS = reverse("assessment:targets")
CHANGE = reverse("assessment:target_change")
HISTORY = reverse("assessment:target_history")
TIERS = reverse("assessment:tiers")


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def target_post(**overrides):
    data = {"tier": "T1", "source": "fixed_asset_investment_fen", "quarter": "0", "effective_from": "2026",
            "value": "3000", "reason": "市考核办确认2026年目标"}  # fmt: skip
    data.update(overrides)
    return data


def tier_post(**overrides):
    data = {"unit": Unit.objects.get(code="530113").pk, "tier": "T2", "valid_from": "2026-01-01",
            "reason": "东川区经济总量上升，调整为二类"}  # fmt: skip
    data.update(overrides)
    return data


class TestTargetService:
    def test_a_change_is_a_new_row_and_the_old_target_stays(self, city_admin):
        before = Target.objects.count()
        row = services.target_change(actor=city_admin, tier="T1", source="fixed_asset_investment_fen", quarter=0,
                                     effective_from=2026, value=3000 * WAN, reason="确认")  # fmt: skip
        again = services.target_change(actor=city_admin, tier="T1", source="fixed_asset_investment_fen",
                                       quarter=0, effective_from=2026, value=3200 * WAN, reason="再次确认")  # fmt: skip
        assert Target.objects.count() == before + 2 and not row.is_default
        assert fetch.targets_in_force(2026, 0)[("T1", "fixed_asset_investment_fen")] == 3200 * WAN
        assert fetch.targets_in_force(2025, 0)[("T1", "fixed_asset_investment_fen")] == 2500 * WAN
        assert Target.objects.filter(pk=row.pk, value=3000 * WAN).exists()
        assert again.pk > row.pk

    def test_each_change_writes_one_audit_row(self, city_admin):
        row = services.target_change(actor=city_admin, tier="T2", source="projects", quarter=1, effective_from=2026,
                                     value=2, reason="每季度两个项目")  # fmt: skip
        event = Event.objects.get(object_type="assessment.target", object_id=str(row.pk))
        assert event.verb == Verb.CREATE and event.reason == "每季度两个项目"
        assert event.before["value"] == 1
        assert event.after == {
            "tier": "T2",
            "source": "projects",
            "quarter": 1,
            "effective_from": 2026,
            "value": 2,
        }

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"value": -1}, "value", "目标值不能为负数"),
            ({"quarter": 5}, "quarter", "未知的考核期间"),
            ({"tier": "T7"}, "tier", "未知的考核分类"),
            ({"source": "gdp"}, "source", "未知的考核指标"),
            ({"effective_from": 1999}, "effective_from", "起始年度应为2000至2100之间"),
            ({"reason": " "}, "reason", "调整目标必须填写原因"),
            ({"value": 2500 * WAN}, "value", "现行目标已是该值"),
        ],
    )
    def test_bad_input_is_refused_in_chinese(self, city_admin, overrides, field, message):
        args = {"tier": "T1", "source": "fixed_asset_investment_fen", "quarter": 0, "effective_from": 2026,
                "value": 3000 * WAN, "reason": "确认", **overrides}  # fmt: skip
        count = Target.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.target_change(actor=city_admin, **args)
        assert message in caught.value.message_dict[field][0]
        assert Target.objects.count() == count and not Event.objects.filter(object_type="assessment.target")

    def test_a_year_already_published_cannot_be_changed(self, q3_world, city_admin):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        services.assessment_publish(actor=city_admin, run=run)
        with pytest.raises(ValidationError) as caught:
            services.target_change(actor=city_admin, tier="T1", source="projects", quarter=3, effective_from=2024,
                                   value=2, reason="改")  # fmt: skip
        assert "2024Q3 的考核结果已发布" in caught.value.message_dict["effective_from"][0]
        assert "起始年度最早为2025年" in caught.value.message_dict["effective_from"][0]
        services.target_change(actor=city_admin, tier="T1", source="projects", quarter=3, effective_from=2025,
                               value=2, reason="改")  # fmt: skip
        assert services.assessment_run(actor=city_admin, period="2024Q3").run == run  # 2024 untouched

    def test_only_the_city_administrator_changes_targets(self, reviewer, auditor, wuhua):
        for user in (reviewer, auditor, wuhua):
            with pytest.raises(PermissionDenied):
                services.target_change(actor=user, tier="T1", source="projects", quarter=0, effective_from=2026,
                                       value=9, reason="改")  # fmt: skip


class TestTargetsPage:
    def test_everyone_in_business_reads_the_targets_with_the_defaults_marked(
        self, auditor, wuhua, mohan_user
    ):
        for user in (auditor, wuhua, mohan_user):
            response = client(user).get(TARGETS, {"year": "2025"})
            body = response.content.decode()
            assert response.status_code == 200 and "系统默认值" in body
            assert 'action="/assessment/targets/change/"' not in body  # no form for readers

    def test_only_the_city_administrator_may_post_a_change(self, reviewer, auditor, wuhua):
        for user in (reviewer, auditor, wuhua):
            assert client(user).post(CHANGE, target_post()).status_code == 403
        assert not Target.objects.filter(is_default=False).exists()

    def test_the_city_administrator_changes_a_target_in_wan_yuan(self, city_admin):
        c = client(city_admin)
        assert 'action="/assessment/targets/change/"' in c.get(TARGETS).content.decode()
        response = c.post(CHANGE, target_post(value="3,000.5"))
        assert response.status_code == 302 and response.url == f"{TARGETS}?year=2026"
        row = Target.objects.get(is_default=False)
        assert (row.value, row.created_by, row.reason) == (
            3_000_500_000,
            city_admin,
            "市考核办确认2026年目标",
        )
        assert Event.objects.filter(object_type="assessment.target", verb=Verb.CREATE).count() == 1

    def test_a_changed_target_is_no_longer_marked_default(self, city_admin):
        c = client(city_admin)
        c.post(CHANGE, target_post(tier="T3", source="projects", quarter="0", value="3"))

        def cell(year):
            tables = c.get(TARGETS, {"year": year}).context["tables"]
            lines = next(lines for tier, kind, _q, lines, _t in tables if tier == "T3" and kind == "year")
            return next(values[0] for item, _label, values, _d in lines if item.source == "projects")

        assert (cell("2025").value, cell("2025").is_default) == (2, True)
        assert (cell("2026").value, cell("2026").is_default) == (3, False)

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"value": "-5"}, "目标值不能为负数"),
            ({"quarter": "7"}, "未知的考核期间"),
            ({"effective_from": "26"}, "起始年度应为四位年份"),
            ({"value": "1.0000001"}, "精确到分以下"),
            ({"source": "projects", "value": "1.5"}, "项目数应为整数"),
            ({"reason": ""}, "调整目标必须填写原因"),
        ],
    )
    def test_bad_input_is_explained_at_the_field_and_kept(self, city_admin, overrides, message):
        response = client(city_admin).post(CHANGE, target_post(**overrides))
        body = response.content.decode()
        assert response.status_code == 200 and message in body
        assert not Target.objects.filter(is_default=False).exists()

    def test_the_history_lists_every_row_with_who_and_why(self, city_admin, auditor):
        client(city_admin).post(CHANGE, target_post())
        client(city_admin).post(CHANGE, target_post(value="3500", reason="第二次调整"))
        response = client(auditor).get(HISTORY, {"tier": "T1", "source": "fixed_asset_investment_fen"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "市考核办确认2026年目标" in body and "第二次调整" in body and "系统默认值" in body
        assert body.index("第二次调整") < body.index("市考核办确认2026年目标")  # newest first


class TestTiersPage:
    def test_everyone_in_business_reads_the_tiers_with_the_defaults_marked(self, reviewer, wuhua, mohan_user):
        for user in (reviewer, wuhua, mohan_user):
            response = client(user).get(TIERS)
            body = response.content.decode()
            assert response.status_code == 200 and "东川区" in body and "系统默认值" in body
            assert 'name="reason"' not in body

    def test_only_the_city_administrator_may_move_a_unit(self, reviewer, auditor, wuhua):
        for user in (reviewer, auditor, wuhua):
            assert client(user).post(TIERS, tier_post()).status_code == 403
        assert not UnitTier.objects.filter(is_default=False).exists()

    def test_the_city_administrator_moves_a_unit_and_the_history_keeps_both_rows(self, city_admin):
        c = client(city_admin)
        response = c.post(TIERS, tier_post())
        assert response.status_code == 302 and response.url == TIERS
        rows = list(UnitTier.objects.filter(unit__code="530113").order_by("valid_from"))
        assert [(r.tier, r.is_default) for r in rows] == [("T3", True), ("T2", False)]
        assert Event.objects.filter(object_type="parks.unittier", verb=Verb.CREATE).count() == 1
        body = c.get(TIERS, {"unit": "530113"}).content.decode()
        assert "东川区经济总量上升，调整为二类" in body and "2000-01-01" in body and "2026-01-01" in body
        on_2025 = c.get(TIERS, {"on": "2025-12-31"}).context["lines"]
        on_2026 = c.get(TIERS, {"on": "2026-01-01"}).context["lines"]
        assert {x.unit.code: x.tier for x in on_2025}["530113"] == "T3"
        assert {x.unit.code: (x.tier, x.is_default) for x in on_2026}["530113"] == ("T2", False)

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"valid_from": "2026-02-15"}, "生效日期应为季度首日"),
            ({"valid_from": "不是日期"}, "日期"),
            ({"tier": "T3"}, "无需调整"),
            ({"reason": ""}, "调整考核分类必须填写原因"),
        ],
    )
    def test_bad_input_is_explained_in_chinese(self, city_admin, overrides, message):
        response = client(city_admin).post(TIERS, tier_post(**overrides))
        assert response.status_code == 200 and message in response.content.decode()
        assert not UnitTier.objects.filter(is_default=False).exists()

    def test_a_date_reaching_into_a_published_period_is_refused(self, q3_world, city_admin):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        services.assessment_publish(actor=city_admin, run=run)
        response = client(city_admin).post(TIERS, tier_post(valid_from="2024-07-01"))
        assert "2024Q3 的考核结果已发布" in response.content.decode()
        assert not UnitTier.objects.filter(is_default=False).exists()
        assert dt.date(2024, 10, 1).isoformat() in response.content.decode()


class TestHistoryExports:
    @pytest.mark.parametrize(
        ("url", "object_type"), [(HISTORY, "assessment.target"), (TIERS, "parks.unittier")]
    )
    def test_each_history_exports_as_xlsx_with_one_audit_row(self, auditor, url, object_type):
        response = client(auditor).get(url, {"format": "xlsx"})
        assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
        assert Event.objects.filter(verb=Verb.EXPORT, object_type=object_type, actor=auditor).count() == 1
