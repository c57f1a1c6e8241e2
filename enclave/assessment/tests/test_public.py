"""The public results page (no login), the `assess` command and the assessment API."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from enclave.assessment import services
from enclave.assessment.tests.conftest import JULY, WAN, recognise
from enclave.sharing import services as sharing_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def cells(wuhua, panlong, reviewer, mohan_user, city_admin, finance):
    """Wuhua brings three enterprises to Mohan, Panlong one; each pays VAT in July 2024; Q3 closed, published."""
    projects = [recognise(wuhua, reviewer, name=f"五华项目{i}") for i in range(3)]
    projects.append(recognise(panlong, reviewer, name="盘龙独家项目"))
    for project in projects:
        report = sharing_services.report_create(
            actor=mohan_user, project=project, month=JULY, taxes={"vat": 40 * WAN}, values={}
        )
        sharing_services.report_confirm(actor=finance, report=report, what="tax")
    sharing_services.settlement_close(actor=city_admin, period="2024Q3")
    run = services.assessment_run(actor=city_admin, period="2024Q3").run
    services.assessment_publish(actor=city_admin, run=run)
    return projects


class TestPublicPage:
    def test_it_opens_without_login_and_lists_recognised_projects_with_public_fields(self, cells):
        response = Client().get(reverse("public:results"))
        body = response.content.decode()
        assert response.status_code == 200
        project = cells[0]
        for text in (
            project.enterprise.name,
            project.name,
            "磨憨",
            "五华区",
            "17 ",
            "5,000.00",
            "2024-06-20",
        ):
            assert text in body, text
        assert "退出" not in body  # nobody is signed in

    def test_small_cells_are_suppressed_and_so_is_the_total_that_would_reveal_them(self, cells):
        response = Client().get(reverse("public:results"))
        rows = {row["result"].unit.code: row for row in response.context["public_rows"]}
        assert rows["530102"]["tax_hidden"] is False and rows["530102"]["tax"] > 0  # three enterprises
        assert rows["530103"]["tax_hidden"] is True  # one enterprise: its tax is not published
        panlong_cell = rows["530103"]["cells"][0]
        assert panlong_cell.suppressed and panlong_cell.enterprises == 1
        body = response.content.decode()
        from enclave.lib.money import format_wan

        panlong_tax = panlong_cell.amount_fen
        assert format_wan(panlong_tax).removesuffix("万元") not in body
        wuhua_tax = rows["530102"]["tax"]
        assert format_wan(wuhua_tax).removesuffix("万元") in body

    def test_unpublished_runs_do_not_appear(self, q3_world, city_admin):
        services.assessment_run(actor=city_admin, period="2024Q3")
        body = Client().get(reverse("public:results")).content.decode()
        assert "尚无已发布的考核结果" in body

    def test_filters_narrow_the_project_list(self, cells):
        response = Client().get(reverse("public:results"), {"unit": "530103"})
        assert [p.name for p in response.context["page_obj"]] == ["盘龙独家项目"]
        response = Client().get(reverse("public:results"), {"park": "lingang"})
        assert list(response.context["page_obj"]) == []


class TestCommand:
    def test_assess_prints_the_json_the_issue_names(self, q3_world, city_admin):
        out = StringIO()
        call_command("assess", "2024Q3", "--publish", "--json", stdout=out)
        data = json.loads(out.getvalue())
        assert data["period"] == "2024Q3" and data["status"] == "published"
        wuhua = next(u for u in data["units"] if u["code"] == "530102")
        assert wuhua == {**wuhua, "tier": "T1", "score": 46.0, "rank_in_tier": 1, "rank": 1, "bonus": 0.0}
        # Again: nothing changed, the published run is shown, not a new one.
        again = StringIO()
        call_command("assess", "2024Q3", "--json", stdout=again)
        assert json.loads(again.getvalue())["run_id"] == data["run_id"]

    def test_an_open_period_is_refused_unless_provisional(self, q3_world, city_admin):
        with pytest.raises(CommandError, match="尚未全部关账"):
            call_command("assess", "2024", stdout=StringIO())
        out = StringIO()
        call_command("assess", "2024", "--provisional", stdout=out)
        assert "临时结果" in out.getvalue()


class TestApi:
    def test_runs_and_results_over_the_api(self, q3_world, city_admin, wuhua):
        c = Client()
        c.force_login(city_admin)
        created = c.post("/api/v1/assessment/runs", {"period": "2024Q3"}, content_type="application/json")
        assert created.status_code == 200
        run_id = created.json()["run_id"]
        unit = Client()
        unit.force_login(wuhua)
        assert unit.get(f"/api/v1/assessment/runs/{run_id}").status_code == 404  # not yet published
        assert unit.post(f"/api/v1/assessment/runs/{run_id}/publish").status_code in (403, 404)
        assert c.post(f"/api/v1/assessment/runs/{run_id}/publish").json()["status"] == "published"
        detail = unit.get(f"/api/v1/assessment/runs/{run_id}").json()
        assert {u["code"]: u["score"] for u in detail["units"]}["530102"] == 46.0
        assert [r["run_id"] for r in unit.get("/api/v1/assessment/runs").json()] == [run_id]

    def test_only_the_city_administrator_runs(self, q3_world, wuhua):
        c = Client()
        c.force_login(wuhua)
        response = c.post("/api/v1/assessment/runs", {"period": "2024Q3"}, content_type="application/json")
        assert response.status_code == 403
