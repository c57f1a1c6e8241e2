"""Exports of the assessment's list and table pages (issue 5): the runs list, the targets of a year and one
unit's result with its drill-down. House style, amounts in 万元 as real numbers, the page's filter in the
title, and the page's scope (a unit sees published runs only, and its own result only)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from enclave.assessment import services
from enclave.excel.tests.sheets import column, sheet, table, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(q3_world, city_admin):
    """2024Q3 published, then a provisional run of 2024Q4 (settlement open) that only the city sees."""
    published = services.assessment_publish(
        actor=city_admin, run=services.assessment_run(actor=city_admin, period="2024Q3").run
    )
    draft = services.assessment_run(actor=city_admin, period="2024Q4", provisional=True).run
    return published, draft


class TestRunsExport:
    def test_the_city_gets_every_run_with_its_state(self, runs, city_admin):
        title, headers, rows = sheet(city_admin, reverse("assessment:runs_export"))
        assert title.startswith("考核运行") and "筛选条件：全部" in title
        assert headers[:4] == ["期间", "考核类型", "状态", "临时结果"]
        assert column(headers, rows, "期间") == ["2024Q4", "2024Q3"]
        assert column(headers, rows, "临时结果") == ["是", "否"]
        assert len(column(headers, rows, "输入摘要（SM3）")[0]) == 64

    def test_a_unit_gets_the_published_runs_only(self, runs, wuhua):
        _title, headers, rows = sheet(wuhua, reverse("assessment:runs_export"))
        assert column(headers, rows, "期间") == ["2024Q3"]

    def test_the_period_filter_is_carried_from_the_page(self, runs, city_admin):
        c = Client()
        c.force_login(city_admin)
        body = c.get(reverse("assessment:index") + "?period=2024q3").content.decode()
        assert reverse("assessment:runs_export") + "?period=2024Q3" in body
        title, headers, rows = sheet(city_admin, reverse("assessment:runs_export") + "?period=2024q3")
        assert "期间：2024Q3" in title and column(headers, rows, "期间") == ["2024Q3"]


class TestTargetsExport:
    def test_every_scoring_item_of_the_year_with_targets_in_wan(self, wuhua):
        title, headers, rows = sheet(wuhua, reverse("assessment:targets_export") + "?year=2024")
        assert "2024年度" in title
        assert headers[:6] == ["考核分类", "考核类型", "指标", "计量单位", "权重", "计分规则"]
        assert rows and set(column(headers, rows, "考核类型")) == {"季度考核", "年度考核"}
        yearly = [r for r in rows if r[1] == "年度考核" and r[0].startswith("一类") and r[3] == "万元"]
        assert Decimal("2500") in {
            Decimal(str(r[headers.index("全年目标")])) for r in yearly if r[10] is not None
        }
        quarterly = [r for r in rows if r[1] == "季度考核"]
        assert all(r[headers.index("全年目标")] is None for r in quarterly)
        assert "是" in column(headers, rows, "默认值（待市考核办确认）")

    def test_the_page_links_to_the_years_export(self, wuhua):
        c = Client()
        c.force_login(wuhua)
        body = c.get(reverse("assessment:targets"), {"year": "2024"}).content.decode()
        assert reverse("assessment:targets_export") + "?year=2024" in body


class TestUnitResultExport:
    def test_the_units_indicators_gaps_scores_and_project_months(self, runs, wuhua, q3_world):
        published, _draft = runs
        wb = workbook(wuhua, reverse("assessment:unit_export", args=[published.pk, "530102"]))
        assert wb.sheetnames == ["完成情况与差距", "指标明细"]
        title, headers, rows = table(wb["完成情况与差距"])
        assert "单位：五华区" in title and "期间：2024Q3" in title and "全市排名" in title
        assert headers == [
            "指标",
            "计分规则",
            "计量单位",
            "完成值",
            "目标值",
            "完成率（%）",
            "差距",
            "得分",
            "满分",
        ]
        funds = next(r for r in rows if r[0] == "省外产业到位资金（核算）")
        # 300 of 375万元: 80.00 %, 75.00万元 missing
        assert funds[3] == pytest.approx(300) and funds[4] == pytest.approx(375)
        assert funds[5] == pytest.approx(80) and funds[6] == pytest.approx(75)
        assert column(headers, rows, "指标")[-4:] == ["指标得分", "扣分", "加分", "总分"]
        _t, dheaders, details = table(wb["指标明细"])
        mine = [r for r in details if r[1] == q3_world.display_code]
        assert {r[3] for r in mine} >= {"2024-07", "2024-09"}
        assert any(r[3] == "2024-07" and r[4] == pytest.approx(300) for r in mine)

    def test_another_unit_and_an_unpublished_run_are_not_found(self, runs, panlong, mohan_user, wuhua):
        published, draft = runs
        for user, run in ((panlong, published), (mohan_user, published), (wuhua, draft)):
            c = Client()
            c.force_login(user)
            assert c.get(reverse("assessment:unit_export", args=[run.pk, "530102"])).status_code == 404

    def test_the_result_page_links_to_it(self, runs, wuhua):
        published, _draft = runs
        c = Client()
        c.force_login(wuhua)
        body = c.get(reverse("assessment:unit", args=[published.pk, "530102"])).content.decode()
        assert reverse("assessment:unit_export", args=[published.pk, "530102"]) in body
