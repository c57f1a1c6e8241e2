"""Dashboard page, its chart data and exports: scoped by role, every bar opens the matching project list."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from django.test import Client

from enclave.audit.models import Event
from enclave.dashboards.queries import DashboardFilter, indicators
from enclave.lib import periods
from enclave.projects.filters import ProjectFilter
from enclave.projects.models import Project
from enclave.projects.queries import projects_visible_to
from enclave.sharing import services as sharing_services
from enclave.sharing.queries import accounting_table

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def charts(response) -> dict:
    return {c["key"]: c for c in response.json()["charts"]}


class TestDashboardPage:
    def test_the_city_page_has_every_chart_with_its_table_and_export(self, landings, city_admin):
        body = client_for(city_admin).get("/dashboards/").content.decode()
        for key in ("quarter", "park", "unit", "industry", "origin", "kind", "backlog", "tax", "indicators"):
            assert f'id="card-{key}"' in body
            assert f"/dashboards/export.xlsx?chart={key}" in body
        assert 'data-src="/dashboards/data.json"' in body
        assert "<script>" not in body and "全市看板" in body
        assert "盘龙待审项目" in body  # oldest waiting filings

    def test_a_unit_page_names_only_its_unit(self, landings, panlong):
        body = client_for(panlong).get("/dashboards/").content.decode()
        assert "盘龙区看板" in body
        assert "五华区" not in body.split("<main")[1].split('id="dashboard"')[1]

    def test_another_units_dashboard_is_refused_and_logged(self, landings, wuhua):
        before = Event.objects.filter(verb="denied").count()
        assert client_for(wuhua).get("/dashboards/?unit=530103").status_code == 403
        assert client_for(wuhua).get("/dashboards/data.json?unit=530103").status_code == 403
        assert Event.objects.filter(verb="denied").count() == before + 2


class TestChartData:
    def test_every_bar_opens_the_project_list_that_has_exactly_its_projects(self, landings, city_admin):
        data = charts(client_for(city_admin).get("/dashboards/data.json"))
        checked = 0
        for key in ("quarter", "park", "unit", "industry", "origin", "kind"):
            counts = data[key]["series"][0]
            for count, link in zip(counts["data"], counts["links"], strict=True):
                url = urlparse(link)
                assert url.path == "/projects/"
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                listed = ProjectFilter.from_params(params).apply(projects_visible_to(city_admin)).count()
                assert listed == count, (key, link)
                checked += 1
        assert checked >= 15

    def test_a_units_bars_open_lists_limited_to_that_unit(self, landings, panlong):
        data = charts(client_for(panlong).get("/dashboards/data.json?period=2025Q1"))
        (link,) = data["park"]["series"][0]["links"]
        assert parse_qs(urlparse(link).query) == {
            "status": ["recognised"], "unit": ["530103"], "park": ["lingang"], "year": ["2025"], "quarter": ["1"],
        }  # fmt: skip
        assert data["park"]["categories"] == ["沪滇临港昆明科技城"]

    def test_amounts_travel_as_exact_decimal_strings(self, landings, city_admin):
        data = charts(client_for(city_admin).get("/dashboards/data.json"))
        assert data["park"]["series"][1]["data"] == ["6000", "5000"]
        assert data["park"]["series"][0]["data"] == [3, 1]


class TestExport:
    def test_a_charts_export_holds_its_numbers_as_numbers_and_is_audited(self, landings, city_admin):
        response = client_for(city_admin).get("/dashboards/export.xlsx?chart=unit&period=2024")
        assert response.status_code == 200
        ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert "全市看板·按协作地（排名）" in ws["A1"].value and "期间：2024" in ws["A1"].value
        assert [c.value for c in ws[2]] == ["分组", "项目数", "计划总投资（万元）"]
        assert [[c.value for c in row] for row in ws.iter_rows(min_row=3)] == [
            ["五华区", 2, 5000],
            ["盘龙区", 1, 1000],
        ]
        assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:C4"
        event = Event.objects.filter(verb="export", object_type="dashboards.chart").get()
        assert event.after["chart"] == "unit" and event.after["filters"] == {"period": "2024"}

    def test_an_unknown_chart_is_a_bad_request_naming_the_parameter(self, landings, city_admin):
        response = client_for(city_admin).get("/dashboards/export.xlsx?chart=nope")
        assert response.status_code == 400 and "参数“chart”" in response.content.decode()

    def test_the_english_page_still_exports_a_chinese_document(self, landings, city_admin):
        client = client_for(city_admin)
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert "Dashboard" in client.get("/dashboards/").content.decode()
        ws = openpyxl.load_workbook(
            io.BytesIO(client.get("/dashboards/export.xlsx?chart=park").content)
        ).active
        assert ws["B2"].value == "项目数"


class TestIndicators:
    def test_the_dashboard_agrees_with_the_double_accounting_table(
        self, landings, city_admin, mohan_user, lingang_user
    ):
        projects = {p.name: p for p in Project.objects.filter(status="recognised")}
        for name, park_user in (("五华纺织项目", mohan_user), ("五华老挝电子项目", lingang_user)):
            sharing_services.report_create(
                actor=park_user, project=projects[name], month=dt.date(2025, 3, 1), taxes={"vat": 1_000_000},
                values={"fixed_asset_investment_fen": 700_000_00, "out_of_province_funds_fen": 90_000_00,
                        "foreign_capital_fen": 40_000_00},
            )  # fmt: skip
        ind = indicators(city_admin, DashboardFilter(period="2025Q1"), Project.objects.all())
        table, _parties = accounting_table(periods.parse("2025Q1"), city_admin)
        assert ind.city == table.city and ind.places == table.places_sum
        # The Lingang project has two cooperating units: its investment counts three times, foreign capital twice.
        assert ind.double_counted("fixed_asset_investment_fen") == 700_000_00 + 2 * 700_000_00
        assert ind.double_counted("foreign_capital_fen") == 40_000_00
        own = indicators(
            mohan_user,
            DashboardFilter(period="2025Q1", park="mohan"),
            Project.objects.filter(park__code="mohan"),
        )
        assert (
            own.own["fixed_asset_investment_fen"] == 700_000_00 and own.own["out_of_province_funds_fen"] == 0
        )

    def test_the_indicators_say_their_ledger_and_explain_the_gap_between_the_two_totals(
        self, landings, city_admin, mohan_user, lingang_user
    ):
        """70万元 of investment in a one-unit project (counted twice) and in a two-unit one (three times):
        the city counts 140.00万元, the places 350.00万元, the gap 210.00万元."""
        projects = {p.name: p for p in Project.objects.filter(status="recognised")}
        for name, park_user in (("五华纺织项目", mohan_user), ("五华老挝电子项目", lingang_user)):
            sharing_services.report_create(
                actor=park_user, project=projects[name], month=dt.date(2025, 3, 1), taxes={},
                values={"fixed_asset_investment_fen": 700_000_00},
            )  # fmt: skip
        label = "考核口径：协作地与承载地全额双核算，仅用于考核，不作为统计数据发布"
        gap = ("固定资产投资：各地合计（考核口径）350.00万元，全市合计（在地口径）140.00万元；"
               "差额210.00万元为协作地与承载地双核算重复计入的部分。")  # fmt: skip
        client = client_for(city_admin)
        page = client.get("/dashboards/?period=2025Q1").content.decode()
        assert "统计指标双核算（考核口径）" in page and label in page and gap in page
        chart = charts(client.get("/dashboards/data.json?period=2025Q1"))["indicators"]
        assert chart["basis"] == "assessment" and chart["subtitle"] == label
        ws = openpyxl.load_workbook(
            io.BytesIO(client.get("/dashboards/export.xlsx?chart=indicators&period=2025Q1").content)
        ).active
        assert label in ws["A1"].value
        assert gap in [row[0] for row in ws.iter_rows(values_only=True)]
        assert "basis" not in charts(client.get("/dashboards/data.json?period=2025Q1"))["park"]

    def test_shared_tax_comes_from_the_ledger_and_a_unit_sees_only_its_share(
        self, landings, city_admin, mohan_user, panlong
    ):
        lingang_project = Project.objects.get(name="五华老挝电子项目")
        from enclave.accounts.models import User

        lingang_user = User.objects.create_user("lg2", role="park", park=lingang_project.park)
        sharing_services.report_create(actor=lingang_user, project=lingang_project, month=dt.date(2025, 3, 1),
                                       taxes={"vat": 10_000_000}, values={})  # fmt: skip
        sharing_services.settlement_run(actor=city_admin, period="2025Q1")
        city = charts(client_for(city_admin).get("/dashboards/data.json?period=2025Q1"))["tax"]
        assert len(city["categories"]) == 3  # Wuhua, Panlong and the Lingang park share it
        unit = charts(client_for(panlong).get("/dashboards/data.json?period=2025Q1"))["tax"]
        assert unit["categories"] == ["盘龙区"]
        assert unit["series"][0]["links"] == ["/sharing/statement/530103/?period=2025Q1"]


def test_without_a_chart_every_chart_is_exported_one_sheet_each(landings, city_admin):
    response = client_for(city_admin).get("/dashboards/export.xlsx?park=mohan")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "quarter",
        "park",
        "unit",
        "industry",
        "origin",
        "kind",
        "backlog",
        "tax",
        "indicators",
    ]
    park = wb["park"]
    assert "园区：磨憨—磨丁合作区" in park["A1"].value and park.freeze_panes == "A3"
    assert [[c.value for c in row] for row in park.iter_rows(min_row=3)] == [["磨憨—磨丁合作区", 3, 6000]]
    assert park["C3"].number_format == "#,##0.00"
