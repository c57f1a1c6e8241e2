"""Provisional quarters and the annual true-up through the pages, the API and `manage.py settle` (issue 13,
items 5 and 7). Figures as in test_true_up_services.py: Q3 paid 600.00 / 400.00 / 1,000.00 on the July
estimate; July corrected to 11,000.00元; Q4 300.00 / 200.00 / 500.00; year 960.00 / 640.00 / 1,600.00."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from enclave.audit.models import Event, Verb
from enclave.sharing import services
from enclave.sharing.models import (
    ClosedMonth,
    DataStatus,
    MonthlyReport,
    ProvisionalStatement,
    TrueUpStatement,
)
from enclave.sharing.tests.test_settlement_services import enter, three_party_project  # noqa: F401 - fixture
from enclave.sharing.tests.test_views import client_for, run_queued_jobs

pytestmark = pytest.mark.django_db
JULY, OCTOBER = dt.date(2024, 7, 1), dt.date(2024, 10, 1)


@pytest.fixture
def reported(three_party_project, mohan_user):  # noqa: F811
    july = enter(mohan_user, three_party_project, JULY, vat=1_000_000)
    return three_party_project, july


def correct_and_confirm(mohan_user, project, july) -> None:
    services.report_update(actor=mohan_user, report=july, taxes={"vat": 1_100_000}, values={})
    enter(mohan_user, project, OCTOBER, vat=500_000)
    MonthlyReport.objects.update(tax_status=DataStatus.CONFIRMED)  # the tax side's own tests cover confirming


class TestPages:
    def test_the_city_issues_a_quarter_in_the_background_and_it_shows_as_provisional(
        self, reported, city_admin, wuhua, django_capture_on_commit_callbacks
    ):
        capture = django_capture_on_commit_callbacks
        client = client_for(city_admin)
        page = client.get("/sharing/?period=2024Q3").content.decode()
        assert "出具季度预结算" in page
        with capture(execute=True):
            response = client.post("/sharing/provisional/", {"period": "2024Q3"})
        assert response.status_code == 302 and response["Location"].startswith("/jobs/")
        run_queued_jobs()
        assert ProvisionalStatement.objects.get().period == "2024Q3"
        page = client.get("/sharing/?period=2024Q3").content.decode()
        assert "已出具季度预结算" in page and "出具季度预结算</button>" not in page
        statement = client_for(wuhua).get("/sharing/statement/530102/?period=2024Q3").content.decode()
        assert "季度预结算" in statement and "暂定" in statement

    def test_the_true_up_page_lists_the_quarters_then_the_statement_and_exports_it(
        self, reported, city_admin, mohan_user, wuhua, django_capture_on_commit_callbacks
    ):
        capture = django_capture_on_commit_callbacks
        project, july = reported
        client = client_for(city_admin)
        services.settlement_provisional(actor=city_admin, period="2024Q3")
        page = client.get("/sharing/true-up/?year=2024").content.decode()
        assert "2024Q3" in page and "尚未进行年终体制结算" in page and "进行 2024 年终体制结算" in page
        correct_and_confirm(mohan_user, project, july)
        services.settlement_provisional(actor=city_admin, period="2024Q4")
        with capture(execute=True):
            assert client.post("/sharing/true-up/", {"year": "2024"}).status_code == 302
        run_queued_jobs()
        assert TrueUpStatement.objects.get().year == 2024
        page = client.get("/sharing/true-up/?year=2024").content.decode()
        assert "已完成，全年已关账" in page and "960.00" in page and "60.00" in page and "100.00" in page
        # A district sees its own line only.
        own = client_for(wuhua).get("/sharing/true-up/?year=2024").content.decode()
        assert "五华区" in own and "盘龙区" not in own and "磨憨" not in own
        response = client_for(wuhua).get("/sharing/true-up/?year=2024&format=xlsx")
        rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
        wuhua_row = next(r for r in rows if r[0] == "530102")
        assert [float(v) for v in wuhua_row[3:10]] == [0, 0, 600.0, 300.0, 900.0, 960.0, 60.0]
        assert not any(r[0] == "530103" for r in rows)
        assert Event.objects.filter(verb=Verb.EXPORT, object_type="sharing.trueupstatement").count() == 1

    def test_only_the_city_administrator_starts_either(self, reported, wuhua, reviewer):
        for user in (wuhua, reviewer):
            assert client_for(user).post("/sharing/provisional/", {"period": "2024Q3"}).status_code == 403
            assert client_for(user).post("/sharing/true-up/", {"year": "2024"}).status_code == 403
        assert not ProvisionalStatement.objects.exists() and not TrueUpStatement.objects.exists()

    def test_a_bad_year_is_said_in_chinese(self, reported, city_admin):
        client = client_for(city_admin)
        response = client.get("/sharing/true-up/?year=二〇二四")
        assert response.status_code == 400 and "参数“year”" in response.content.decode()
        response = client.post("/sharing/true-up/", {"year": "0000"}, follow=True)
        assert "年份" in response.content.decode() and not TrueUpStatement.objects.exists()

    def test_a_failed_true_up_job_says_why_and_writes_nothing(
        self, reported, city_admin, django_capture_on_commit_callbacks
    ):
        capture = django_capture_on_commit_callbacks
        client = client_for(city_admin)
        with capture(execute=True):
            job_url = client.post("/sharing/true-up/", {"year": "2024"})["Location"]
        run_queued_jobs()
        assert "预估" in client.get(job_url).content.decode()
        assert not TrueUpStatement.objects.exists() and not ClosedMonth.objects.exists()


class TestApi:
    def test_provisional_then_true_up_with_lines_per_visible_party(self, reported, city_admin, mohan_user, wuhua):
        project, july = reported
        client = client_for(city_admin)
        response = client.post("/api/v1/settlements/provisional", {"period": "2024Q3"}, content_type="application/json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["provisional"] is True and body["period"] == "2024Q3"
        assert {p["code"]: p["share_fen"] for p in body["parties"]} == {"530102": 60_000, "530103": 40_000,
                                                                         "mohan": 100_000}  # fmt: skip
        again = client.post("/api/v1/settlements/provisional", {"period": "2024Q3"}, content_type="application/json")
        assert again.status_code in (400, 422) and "已出具" in again.content.decode()
        correct_and_confirm(mohan_user, project, july)
        client.post("/api/v1/settlements/provisional", {"period": "2024Q4"}, content_type="application/json")
        listed = client_for(wuhua).get("/api/v1/settlements/provisional", {"year": 2024}).json()
        assert [p["period"] for p in listed] == ["2024Q4", "2024Q3"]
        assert all([x["code"] for x in p["parties"]] == ["530102"] for p in listed)
        created = client.post("/api/v1/true-ups", {"year": 2024}, content_type="application/json")
        assert created.status_code == 201, created.content
        lines = {line["code"]: line for line in created.json()["lines"]}
        assert lines["530102"] == {"code": "530102", "name": "五华区", "kind": "unit", "quarters_fen": [0, 0, 60_000, 30_000],
                                   "provisional_fen": 90_000, "year_fen": 96_000, "difference_fen": 6_000}  # fmt: skip
        assert lines["mohan"]["difference_fen"] == 10_000
        own = client_for(wuhua).get("/api/v1/true-ups/2024").json()
        assert [line["code"] for line in own["lines"]] == ["530102"] and own["digest"] == created.json()["digest"]
        assert client.get("/api/v1/true-ups/2023").status_code == 404

    def test_the_district_cannot_start_either(self, reported, wuhua):
        client = client_for(wuhua)
        for path, body in (("/api/v1/settlements/provisional", {"period": "2024Q3"}), ("/api/v1/true-ups", {"year": 2024})):
            assert client.post(path, body, content_type="application/json").status_code == 403


class TestCommand:
    def test_provisional_true_up_and_verify_from_the_command_line(self, reported, city_admin, mohan_user):
        project, july = reported
        out = StringIO()
        call_command("settle", "2024Q3", "--provisional", "--json", stdout=out, stderr=StringIO())
        assert json.loads(out.getvalue())["provisional"] is True
        with pytest.raises(CommandError, match="已出具"):
            call_command("settle", "2024Q3", "--provisional", stdout=StringIO(), stderr=StringIO())
        correct_and_confirm(mohan_user, project, july)
        out = StringIO()
        call_command("settle", "2024", "--true-up", "--json", stdout=out, stderr=StringIO())
        payload = json.loads(out.getvalue())
        assert payload["quarters"] == ["Q3"]
        assert {p["code"]: p["difference_fen"] for p in payload["parties"]} == {
            "530102": 96_000 - 60_000, "530103": 64_000 - 40_000, "mohan": 160_000 - 100_000,
        }  # fmt: skip
        out = StringIO()
        call_command("settle", "2024", "--true-up", "--verify", stdout=out)
        assert "核对一致" in out.getvalue()

    def test_verify_of_a_year_never_trued_up(self, city_admin):
        with pytest.raises(CommandError, match="尚未进行"):
            call_command("settle", "2024", "--true-up", "--verify", stdout=StringIO())
