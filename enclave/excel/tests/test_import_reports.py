"""Importing monthly reports (project + month), and the export → import round trip of every list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from enclave.audit.models import Event
from enclave.conftest import make_enterprise, make_recognised
from enclave.enterprises.models import Enterprise
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get
from enclave.excel.tests.builders import write, xlsx_bytes
from enclave.projects.models import Project
from enclave.sharing.models import MonthlyReport, MonthlyTax

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def project(wuhua, reviewer):
    return make_recognised(wuhua, reviewer, name="报表项目")


def headers():
    return ["项目编号", "项目名称", "月份", "增值税（元）", "优惠政策返还（元）", "固定资产投资（万元）"]


def run(tmp_path, actor, rows, *, kind="reports", dry_run=False, content=None):
    path = write(tmp_path, content or xlsx_bytes(rows))
    return import_file(actor=actor, kind=kind_get(kind), path=path, filename="报表.xlsx", dry_run=dry_run)


class TestReportImport:
    def test_new_reports_go_through_the_service_as_estimates(self, tmp_path, mohan_user, project):
        rows = [headers(), [project.code, "", "2024-08", "1,234.56", 100, "1.5亿元"],
                [project.code, "", 45536, 2000, "", 20]]  # 45536 = 2024-09-01 as an Excel serial  # fmt: skip
        result = run(tmp_path, mohan_user, rows)
        assert result.ok and (result.new, result.updated, result.unchanged) == (2, 0, 0), result.problems
        august = MonthlyReport.objects.get(project=project, month=dt.date(2024, 8, 1))
        assert august.taxes.get(tax_type__code="vat").paid_fen == 123456 and august.rebates_fen == 10000
        assert august.fixed_asset_investment_fen == 150_000_000_00 and august.tax_status == "estimated"
        (summary,) = Event.objects.filter(object_type="sharing.monthlyreport", actor=mohan_user)
        assert summary.after["count"] == 2  # the batch path: one audit row for the import's new reports

    def test_the_same_file_again_changes_nothing_and_a_changed_figure_updates(
        self, tmp_path, mohan_user, project
    ):
        rows = [headers(), [project.code, "", "2024年8月", "1234.56", "", ""]]
        run(tmp_path, mohan_user, rows)
        again = run(tmp_path, mohan_user, rows)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
        rows[1][3] = "2000"
        changed = run(tmp_path, mohan_user, rows)
        assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 0)
        assert MonthlyTax.objects.get(report__project=project, tax_type__code="vat").paid_fen == 200000

    def test_yuan_finer_than_a_fen_is_refused_with_a_message(self, tmp_path, mohan_user, project):
        result = run(tmp_path, mohan_user, [headers(), [project.code, "", "2024-08", "1234.565", "", ""]])
        (problem,) = result.problems
        assert (problem.row, problem.column, problem.value) == (2, "D", "1234.565")
        assert "精确到分以下" in problem.reason and not MonthlyReport.objects.exists()

    @pytest.mark.parametrize("typed", ["10⁵", "①②"])
    def test_a_money_cell_of_other_characters_is_refused_at_its_cell(
        self, tmp_path, mohan_user, project, typed
    ):
        result = run(tmp_path, mohan_user, [headers(), [project.code, "", "2024-08", typed, "", ""]])
        (problem,) = result.problems
        assert (problem.row, problem.column, problem.value) == (2, "D", typed)
        assert "不是有效的金额" in problem.reason and not MonthlyReport.objects.exists()

    def test_another_parks_project_is_refused_and_nothing_is_written(
        self, tmp_path, lingang_user, mohan_user, project
    ):
        rows = [headers(), [project.code, "", "2024-08", 1, "", ""]]
        result = run(tmp_path, lingang_user, rows)
        assert result.problems and not result.written and not MonthlyReport.objects.exists()

    def test_one_bad_row_keeps_every_good_row_out(self, tmp_path, mohan_user, project):
        rows = [headers(), [project.code, "", "2024-08", 1, "", ""], [project.code, "", "2030-01", 1, "", ""],
                ["MH-2099-9999", "", "2024-08", 1, "", ""]]  # fmt: skip
        result = run(tmp_path, mohan_user, rows)
        reasons = {p.row: p.reason for p in result.problems}
        assert "未来月份" in reasons[3] or "期限" in reasons[3]
        assert "不存在" in reasons[4] and not MonthlyReport.objects.exists()

    def test_a_unit_may_not_import_reports(self, tmp_path, wuhua, project):
        assert run(tmp_path, wuhua, [headers()]).refused


def _export(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content


class TestRoundTrip:
    def test_reports_exported_then_imported_change_nothing(self, tmp_path, mohan_user, project):
        run(tmp_path, mohan_user, [headers(), [project.code, "", "2024-08", "1234.56", "12.34", "0.000001"],
                                   [project.code, "", "2024-09", "99", "", "3"]])  # fmt: skip
        client = Client()
        client.force_login(mohan_user)
        content = _export(client, reverse("sharing:reports"), {"format": "xlsx"})
        events = Event.objects.count()
        result = run(tmp_path, mohan_user, None, content=content)
        assert result.ok and (result.new, result.updated, result.unchanged) == (0, 0, 2), result.problems
        assert Event.objects.count() == events

    def test_enterprises_exported_then_imported_change_nothing(self, tmp_path, reviewer):
        for n in range(3):
            make_enterprise(name=f"往返企业{n}（昆明）有限公司")
        Enterprise.objects.update(
            registered_capital_fen=123_456_789, registered_address="=1+1", contact_name="@x"
        )
        client = Client()
        client.force_login(reviewer)
        content = _export(client, reverse("enterprises:export"))
        events = Event.objects.count()
        result = run(tmp_path, reviewer, None, kind="enterprises", content=content)
        assert result.ok and (result.new, result.updated, result.unchanged) == (0, 0, 3), result.problems
        assert Event.objects.count() == events

    def test_projects_exported_then_imported_change_nothing(self, tmp_path, wuhua, project):
        client = Client()
        client.force_login(wuhua)
        content = _export(client, reverse("projects:export"))
        result = run(tmp_path, wuhua, None, kind="projects", content=content)
        assert result.ok and (result.new, result.updated, result.unchanged) == (0, 0, 1), result.problems
        assert Project.objects.count() == 1


class TestProjectImport:
    def test_a_unit_files_drafts_and_reimport_matches_them(self, tmp_path, wuhua):
        enterprise = make_enterprise(name="导入项目企业")
        rows = [["项目名称", "企业统一社会信用代码", "承载园区", "项目类型", "所属行业", "计划总投资（万元）", "来源地", "签约日期"],
                ["导入项目", enterprise.credit_code, "磨憨", "新招引（省外）", "17", "2.92亿元", "上海市", "2024年7月15日"]]  # fmt: skip
        result = run(tmp_path, wuhua, rows, kind="projects")
        assert result.ok and result.new == 1, result.problems
        project = Project.objects.get(name="导入项目")
        assert project.status == "draft" and project.planned_investment_fen == 29_200_000_000
        assert project.signed_on == dt.date(2024, 7, 15) and project.filing_unit == wuhua.unit
        again = run(tmp_path, wuhua, rows, kind="projects")
        assert (again.new, again.updated, again.unchanged) == (0, 0, 1)

    def test_a_recognised_project_cannot_be_changed_by_import(self, tmp_path, wuhua, project):
        rows = [["项目编号", "项目名称", "统一社会信用代码", "承载园区", "项目类型", "所属行业", "计划总投资（万元）", "来源地"],
                [project.code, "改名", project.enterprise.credit_code, "磨憨", "新招引（省外）", "17", 1, "上海市"]]  # fmt: skip
        result = run(tmp_path, wuhua, rows, kind="projects")
        assert result.problems and not result.written
        project.refresh_from_db()
        assert project.name == "报表项目"

    def test_another_units_project_code_is_not_found(self, tmp_path, panlong, project):
        rows = [["项目编号", "项目名称", "统一社会信用代码", "承载园区", "项目类型", "所属行业", "计划总投资（万元）", "来源地"],
                [project.code, "改名", project.enterprise.credit_code, "磨憨", "新招引（省外）", "17", 1, "上海市"]]  # fmt: skip
        result = run(tmp_path, panlong, rows, kind="projects")
        assert any("不存在" in p.reason for p in result.problems) or any("改名" for p in result.problems)
        assert not result.written
