from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client

from enclave.conftest import make_recognised
from enclave.sharing import services
from enclave.sharing.models import ClosedMonth, MonthlyReport, SettlementRun

pytestmark = pytest.mark.django_db
AUG = dt.date(2024, 8, 1)


def run_queued_jobs() -> None:
    """What the worker does: take each queued task of the database backend and run its job.

    (The real `db_worker` closes the connection between tasks, which a test's transaction cannot survive;
    test_worker.py runs the real worker against a committed database.)"""
    from django_tasks_db.models import DBTaskResult

    from enclave.jobs.services import job_execute

    for task in DBTaskResult.objects.ready():
        job_execute(*task.args_kwargs["args"])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def settled(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    services.report_create(
        actor=mohan_user, project=project, month=AUG, taxes={"vat": 1_000_001},
        values={"fixed_asset_investment_fen": 12_345_600, "out_of_province_funds_fen": 1_000_000},
    )  # fmt: skip
    services.settlement_run(actor=city_admin, period="2024Q3")
    return project


class TestOverviewAndStatements:
    def test_the_city_sees_every_party_and_runs_and_closes_in_the_background(
        self, settled, city_admin, finance, django_capture_on_commit_callbacks
    ):
        client = client_for(city_admin)
        page = client.get("/sharing/?period=2024Q3")
        assert page.status_code == 200
        text = page.content.decode()
        assert "五华区" in text and "1,000.00" in text and "运行结算" in text
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/sharing/close/", {"period": "2024Q3"})
        job_page = response["Location"]
        assert job_page.startswith("/jobs/")
        assert "排队" in client.get(job_page).content.decode()
        run_queued_jobs()
        assert "预估" in client.get(job_page + "progress/").content.decode()
        assert not ClosedMonth.objects.exists()
        services.report_confirm(actor=finance, report=MonthlyReport.objects.get(), what="tax")
        with django_capture_on_commit_callbacks(execute=True):
            job_page = client.post("/sharing/close/", {"period": "2024Q3"})["Location"]
        run_queued_jobs()
        fragment = client.get(job_page + "progress/").content.decode()
        assert "已关账" in fragment and "hx-get" not in fragment  # finished: the page stops polling
        assert ClosedMonth.objects.count() == 3

    def test_a_unit_reads_its_statement_and_drills_down_to_the_months(self, settled, wuhua):
        client = client_for(wuhua)
        page = client.get("/sharing/?period=2024Q3").content.decode()
        assert "五华区" in page and "盘龙区" not in page and "运行结算" not in page
        statement = client.get("/sharing/statement/530102/?period=2024Q3").content.decode()
        assert settled.code in statement and "1,000.00" in statement and "2,000.00" in statement
        detail = client.get(f"/sharing/statement/530102/project/{settled.pk}/?period=2024Q3").content.decode()
        assert "2024-08" in detail and "预估" in detail

    def test_a_unit_cannot_read_another_units_statement(self, settled, panlong):
        client = client_for(panlong)
        assert client.get("/sharing/statement/530102/?period=2024Q3").status_code == 403
        assert client.get(f"/sharing/statement/530102/project/{settled.pk}/?period=2024Q3").status_code == 403
        assert client.get(f"/sharing/statement/530103/project/{settled.pk}/?period=2024Q3").status_code == 404

    def test_the_statement_exports_real_numbers(self, settled, wuhua):
        response = client_for(wuhua).get("/sharing/statement/530102/?period=2024Q3&format=xlsx")
        ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert "五华区" in ws["A1"].value
        assert ws["A3"].value == settled.code
        assert float(ws["E3"].value) == 1000.0 and ws["E3"].data_type == "n"

    def test_only_the_city_administrator_runs(self, settled, wuhua, reviewer):
        assert client_for(wuhua).post("/sharing/run/", {"period": "2024Q3"}).status_code == 403
        assert client_for(reviewer).post("/sharing/run/", {"period": "2024Q3"}).status_code == 403
        assert client_for(wuhua).get("/sharing/run/").status_code == 405
        assert SettlementRun.objects.count() == 1


class TestAccounting:
    def test_the_city_sees_places_double_counted_and_the_city_total_once(self, settled, city_admin):
        page = client_for(city_admin).get("/sharing/accounting/?period=2024").content.decode()
        assert "全市合计（在地口径，每个项目只计一次）" in page
        assert page.count("12.35") >= 3  # Wuhua, Mohan, city total

    def test_the_table_and_its_export_say_they_are_the_assessment_ledger_and_explain_the_gap(
        self, settled, city_admin
    ):
        """123,456元 of investment counts for Wuhua and Mohan (24.69万元 together) and once for the city."""
        label = "考核口径：协作地与承载地全额双核算，仅用于考核，不作为统计数据发布"
        gap = ("固定资产投资：各地合计（考核口径）24.69万元，全市合计（在地口径）12.35万元；"
               "差额12.35万元为协作地与承载地双核算重复计入的部分。")  # fmt: skip
        client = client_for(city_admin)
        page = client.get("/sharing/accounting/?period=2024").content.decode()
        assert label in page and gap in page
        wb = openpyxl.load_workbook(
            io.BytesIO(client.get("/sharing/accounting/?period=2024&format=xlsx").content)
        )
        cells = [c for row in wb.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert "考核口径" in cells[0] and label in cells and gap in cells
        assert "全市合计（在地口径，每个项目只计一次）" in cells

    def test_a_unit_sees_only_its_own_row(self, settled, panlong):
        page = client_for(panlong).get("/sharing/accounting/?period=2024").content.decode()
        assert (
            "盘龙区" in page and "五华区" not in page and "全市合计（在地口径，每个项目只计一次）" not in page
        )


class TestReports:
    def test_a_park_user_enters_a_report_in_yuan_and_wan(self, wuhua, reviewer, mohan_user):
        project = make_recognised(wuhua, reviewer)
        response = client_for(mohan_user).post(
            "/sharing/reports/new/",
            {"project_code": project.code, "month": "2024-09", "tax_vat": "1,234.56", "tax_cit": "", "tax_iit": "",
             "tax_local": "", "rebates_fen": "100", "fixed_asset_investment_fen": "520万"},
        )  # fmt: skip
        assert response.status_code == 302
        report = MonthlyReport.objects.get()
        assert report.taxes.get(tax_type__code="vat").paid_fen == 123_456
        assert report.rebates_fen == 10_000 and report.fixed_asset_investment_fen == 520 * 10**6

    def test_bad_input_is_refused_at_the_field_and_kept(self, wuhua, reviewer, mohan_user):
        project = make_recognised(wuhua, reviewer)
        response = client_for(mohan_user).post(
            "/sharing/reports/new/",
            {"project_code": project.code, "month": "2024-06", "tax_vat": "-5", "rebates_fen": "12.345"},
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "不能为负数" in text and "精确到分以下" in text and "12.345" in text
        assert not MonthlyReport.objects.exists()

    def test_another_units_reports_are_invisible(self, settled, panlong, lingang_user):
        report = MonthlyReport.objects.get()
        assert settled.code not in client_for(panlong).get("/sharing/reports/").content.decode()
        assert client_for(lingang_user).get(f"/sharing/reports/{report.pk}/edit/").status_code == 404

    def test_the_finance_bureau_confirms_taxes_and_the_city_no_longer_does(self, settled, city_admin, finance):
        report = MonthlyReport.objects.get()
        client_for(city_admin).post(f"/sharing/reports/{report.pk}/confirm/", {"what": "tax"})
        assert MonthlyReport.objects.get().tax_status == "estimated"
        client_for(finance).post(f"/sharing/reports/{report.pk}/confirm/", {"what": "tax"})
        assert MonthlyReport.objects.get().tax_status == "confirmed"

    def test_the_city_still_confirms_indicators_and_finance_does_not(self, settled, city_admin, finance):
        report = MonthlyReport.objects.get()
        client_for(finance).post(f"/sharing/reports/{report.pk}/confirm/", {"what": "indicators"})
        assert MonthlyReport.objects.get().indicator_status == "estimated"
        client_for(city_admin).post(f"/sharing/reports/{report.pk}/confirm/", {"what": "indicators"})
        assert MonthlyReport.objects.get().indicator_status == "confirmed"
