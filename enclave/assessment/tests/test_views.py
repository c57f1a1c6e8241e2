"""The assessment pages: running, ranking with sparklines, a unit's page with its drill-down, the export."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from enclave.assessment import services
from enclave.assessment.models import AssessmentRun, BonusProposal, Deduction
from enclave.audit.models import Event
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def published(q3_world, city_admin):
    run = services.assessment_run(actor=city_admin, period="2024Q3").run
    return services.assessment_publish(actor=city_admin, run=run)


class TestRunning:
    def test_the_city_administrator_runs_a_quarter_from_the_page(self, q3_world, city_admin):
        response = client(city_admin).post(reverse("assessment:run_start"), {"period": "2024q3"})
        run = AssessmentRun.objects.get()
        assert response.status_code == 302 and response.url == reverse("assessment:run", args=[run.pk])
        assert run.period == "2024Q3"

    def test_an_open_period_is_refused_at_the_field_and_the_input_is_kept(self, q3_world, city_admin):
        response = client(city_admin).post(
            reverse("assessment:run_start"), {"period": "2024", "reason": "试算"}
        )
        body = response.content.decode()
        assert response.status_code == 200 and "尚未全部关账" in body
        assert 'value="2024"' in body and "试算" in body
        assert not AssessmentRun.objects.exists()

    def test_a_month_is_not_an_assessment_period(self, city_admin):
        response = client(city_admin).post(reverse("assessment:run_start"), {"period": "2024-07"})
        assert "考核期间只能是季度" in response.content.decode()

    def test_publishing_from_the_page(self, q3_world, city_admin, reviewer):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        assert client(reviewer).post(reverse("assessment:publish", args=[run.pk])).status_code == 403
        client(city_admin).post(reverse("assessment:publish", args=[run.pk]))
        run.refresh_from_db()
        assert run.status == "published"


class TestRanking:
    def test_rankings_per_tier_and_city_wide_with_sparkline_data(self, published, wuhua):
        response = client(wuhua).get(reverse("assessment:run", args=[published.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        for heading in ("全市排名", "一类（主城区）", "二类", "三类", "开发（度假）区及滇中新区"):
            assert heading in body
        assert "46.00" in body  # Wuhua's and Panlong's total
        data = json.loads(json.dumps(response.context["sparklines"]))
        assert data["labels"][-1] == "2024Q3" and len(data["labels"]) == 8
        assert data["series"]["530102"][-1] == 46.0 and data["series"]["530102"][0] is None
        assert 'id="sparkline-data"' in body and "assessment-sparklines.js" in body
        assert "<script>" not in body  # no inline script: the data is a JSON block, the code a static file

    def test_a_unit_links_only_to_its_own_drilldown(self, published, wuhua):
        body = client(wuhua).get(reverse("assessment:run", args=[published.pk])).content.decode()
        assert reverse("assessment:unit", args=[published.pk, "530102"]) in body
        assert reverse("assessment:unit", args=[published.pk, "530103"]) not in body

    def test_an_unpublished_run_is_the_citys(self, q3_world, city_admin, wuhua, auditor):
        run = services.assessment_run(actor=city_admin, period="2024Q3").run
        assert client(wuhua).get(reverse("assessment:run", args=[run.pk])).status_code == 404
        assert client(auditor).get(reverse("assessment:run", args=[run.pk])).status_code == 200
        listing = client(wuhua).get(reverse("assessment:index")).content.decode()
        assert reverse("assessment:run", args=[run.pk]) not in listing


class TestUnitPage:
    def test_what_was_achieved_what_is_missing_and_the_project_months(self, published, wuhua, q3_world):
        response = client(wuhua).get(reverse("assessment:unit", args=[published.pk, "530102"]))
        body = response.content.decode()
        assert response.status_code == 200
        # funds: 300 of 375万元 → 75.00万元 missing; FAI: 1500 of 625 → nothing missing
        assert "375.00" in body and "75.00" in body and "80.00%" in body
        assert q3_world.code in body and "2024-07: 300.00" in body and "2024-09: 700.00" in body

    def test_another_units_page_is_a_404(self, published, panlong, mohan_user):
        for user in (panlong, mohan_user):
            response = client(user).get(reverse("assessment:unit", args=[published.pk, "530102"]))
            assert response.status_code == 404


class TestExport:
    def test_the_export_is_an_official_table(self, published, city_admin):
        response = client(city_admin).get(reverse("assessment:run", args=[published.pk]), {"format": "xlsx"})
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames == ["全市", "T1", "T2", "T3", "Z"]
        ws = wb["全市"]
        assert ws["A1"].value == "昆明市重点产业协作园区协作地2024Q3季度考核结果（全市）"
        assert "金额单位" in ws["A2"].value and "已发布" in ws["A2"].value
        merged = {str(r) for r in ws.merged_cells.ranges}
        assert (
            "D3:G3" in merged and "A3:A4" in merged
        )  # an indicator group over four columns; 序号 over two rows
        assert ws["D3"].value == "认定项目数" and ws["D4"].value == "完成值（个）"
        assert ws["H4"].value == "完成值（亿元）"  # planned investment in 亿元, the others in 万元
        assert ws["L4"].value == "完成值（万元）"
        first = [c.value for c in ws[5]]
        assert first[1] in ("五华区", "盘龙区") and first[-2] == 46 and first[-1] == 1
        assert ws.freeze_panes == "D5"
        assert Event.objects.filter(verb="export", object_type="assessment.assessmentrun").exists()

    def test_a_units_export_leaves_out_other_units_tax(self, published, wuhua):
        response = client(wuhua).get(reverse("assessment:run", args=[published.pk]), {"format": "xlsx"})
        ws = openpyxl.load_workbook(io.BytesIO(response.content))["全市"]
        headers = [c.value for c in ws[3]]
        assert "分享税收（县级留成分成）" not in headers


class TestDeductionsAndBonusPages:
    def test_the_city_administrator_records_a_deduction_and_errors_keep_the_input(self, city_admin):
        url = reverse("assessment:deductions")
        response = client(city_admin).post(
            url, {"unit": "", "period": "2024Q9", "kind": "deduct", "reason": "迟报"}
        )
        body = response.content.decode()
        assert "无法识别的期间" in body and "迟报" in body and not Deduction.objects.exists()
        from enclave.parks.models import Unit

        unit = Unit.objects.get(code="530102")
        data = {"unit": unit.pk, "period": "2024Q3", "kind": "deduct", "points": "1.25", "reason": "迟报"}
        assert client(city_admin).post(url, data).status_code == 302
        assert Deduction.objects.get().points_centi == 125

    def test_the_bonus_workflow_through_the_pages(self, q3_world, city_admin, bureau, office):
        client(city_admin).post(reverse("assessment:bonus_draft"), {"year": "2024"})
        proposal = BonusProposal.objects.get(unit__code="530102")
        url = reverse("assessment:bonus_detail", args=[proposal.pk])
        assert "提交意见" in client(bureau).get(url).content.decode()
        client(bureau).post(url, {"action": "remark", "text": "同意"})
        page = client(office).get(url).content.decode()
        assert "同意" in page and "确认加分" in page
        response = client(office).post(url, {"action": "confirm", "points": "0.25", "reason": ""})
        assert "调整建议分值时必须填写原因" in response.content.decode()
        client(office).post(url, {"action": "confirm", "points": "", "reason": ""})
        proposal.refresh_from_db()
        assert proposal.status == "confirmed" and proposal.final_centi == proposal.drafted_centi == 50

    def test_units_do_not_reach_bonus_or_deduction_pages(self, wuhua):
        assert client(wuhua).get(reverse("assessment:bonus")).status_code == 403
        assert client(wuhua).get(reverse("assessment:deductions")).status_code == 403


def test_targets_show_defaults_marked(wuhua):
    body = client(wuhua).get(reverse("assessment:targets"), {"year": "2024"}).content.decode()
    assert "默认" in body and "2,500.00" in body  # T1 annual fixed-asset investment target in 万元


def test_lists_export_to_excel_with_an_audit_row(q3_world, city_admin, wuhua):
    services.deduction_create(
        actor=city_admin, unit=Unit.objects.get(code="530102"),
        period="2024Q3", kind="deduct", points_centi=150, reason="迟报",
    )  # fmt: skip
    services.bonus_draft(actor=city_admin, year=2024)
    c = client(city_admin)
    ws = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("assessment:deductions"), {"format": "xlsx"}).content)
    ).active
    assert [v.value for v in ws[3]][:5] == ["2024Q3", "五华区", "扣分", 1.5, "迟报"]
    ws = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("assessment:bonus"), {"year": "2024", "format": "xlsx"}).content)
    ).active
    assert {ws.cell(r, 1).value for r in range(3, ws.max_row + 1)} == {"五华区", "盘龙区"}
    anonymous = Client().get(reverse("public:results"), {"format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(anonymous.content)).active
    assert ws["B3"].value == q3_world.name and ws["D3"].value == "五华区、盘龙区"
    assert Event.objects.filter(verb="export").count() == 3
    # A unit sees its own deductions' reasons on its result page, not another unit's.
    run = services.assessment_run(actor=city_admin, period="2024Q3").run
    services.assessment_publish(actor=city_admin, run=run)
    body = client(wuhua).get(reverse("assessment:unit", args=[run.pk, "530102"])).content.decode()
    assert "迟报" in body


def test_the_bonus_page_shows_its_audit_trail(q3_world, city_admin, office):
    services.bonus_draft(actor=city_admin, year=2024)
    proposal = BonusProposal.objects.get(unit__code="530102")
    services.bonus_confirm(actor=office, proposal=proposal, points_centi=0, reason="项目尚未开工")
    body = client(office).get(reverse("assessment:bonus_detail", args=[proposal.pk])).content.decode()
    assert "审计记录" in body and "项目尚未开工" in body and "kaohe" in body
