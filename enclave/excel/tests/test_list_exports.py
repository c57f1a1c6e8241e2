"""The list and table pages that gained an xlsx export (issue 5: “export of every list, statement and
table”): the settlement overview, the drill-down, adjustments, retention rates and the conflicts list.

Each: the house style's title and header rows, amounts as real numbers (never text), and the scope — a
unit's export holds only what the unit's page shows. Each export leaves one audit row."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from enclave.accounts.models import Role
from enclave.audit.models import Event, Verb
from enclave.conftest import make_enterprise, make_filed, make_recognised, persona
from enclave.excel.export import HEADER_ROW, TITLE_ROW
from enclave.projects.models import Conflict
from enclave.sharing import services as sharing_services
from enclave.sharing.models import SettlementShare

pytestmark = pytest.mark.django_db


def sheet(user, url):
    client = Client()
    client.force_login(user)
    before = Event.objects.filter(verb=Verb.EXPORT).count()
    response = client.get(url)
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"], response.status_code
    assert Event.objects.filter(verb=Verb.EXPORT, actor=user).count() == before + 1
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}" and ws.auto_filter.ref.startswith(f"A{HEADER_ROW}")
    headers = [c.value for c in ws[HEADER_ROW]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=HEADER_ROW + 1)]
    return ws[f"A{TITLE_ROW}"].value, headers, rows


def column(headers, rows, header):
    index = headers.index(header)
    return [r[index] for r in rows]


@pytest.fixture
def settled(wuhua, panlong, reviewer, mohan_user, city_admin, finance):
    """Q3 2024: a Wuhua project and a Panlong project in Mohan, one report each, settled; July closed."""
    ours = make_recognised(wuhua, reviewer, name="五华导出项目")
    theirs = make_recognised(panlong, reviewer, name="盘龙导出项目")
    for project, vat in ((ours, 1_000_001), (theirs, 2_000_000)):
        for month in (7, 8):
            report = sharing_services.report_create(actor=mohan_user, project=project, month=dt.date(2024, month, 1),
                                                    taxes={"vat": vat}, values={})  # fmt: skip
            if month == 7:
                sharing_services.report_confirm(actor=finance, report=report, what="tax")
    sharing_services.settlement_close(actor=city_admin, period="2024-07")
    sharing_services.settlement_run(actor=city_admin, period="2024Q3")
    return {"ours": ours, "theirs": theirs}


class TestOverviewExport:
    def test_the_city_gets_every_party_with_numbers_and_a_total(self, settled, city_admin):
        title, headers, rows = sheet(city_admin, reverse("sharing:overview") + "?period=2024Q3&format=xlsx")
        assert "2024Q3 利益分享结算汇总" in title and "导出时间" in title
        assert headers == ["代码", "单位/园区", "类别", "分成合计（元）"]
        amounts = column(headers, rows, "分成合计（元）")
        assert all(isinstance(a, int | float) for a in amounts)
        assert rows[-1][0] == "合计" and amounts[-1] == pytest.approx(sum(amounts[:-1]))
        total = sum(SettlementShare.objects.values_list("amount_fen", flat=True)) / 100
        assert amounts[-1] == pytest.approx(total) and total > 0
        assert {"530102", "530103", "mohan"} <= set(column(headers, rows, "代码"))

    def test_a_unit_gets_only_its_own_line(self, settled, wuhua):
        _title, headers, rows = sheet(wuhua, reverse("sharing:overview") + "?period=2024Q3&format=xlsx")
        assert column(headers, rows, "代码") == ["530102", "合计"]
        own = sum(SettlementShare.objects.filter(party_code="530102").values_list("amount_fen", flat=True))
        assert rows[0][3] == pytest.approx(own / 100) and own > 0


class TestDrilldownExport:
    def test_each_project_month_with_numbers(self, settled, wuhua):
        url = reverse("sharing:drilldown", kwargs={"code": "530102", "project_id": settled["ours"].pk})
        title, headers, rows = sheet(wuhua, url + "?period=2024Q3&format=xlsx")
        assert "结算明细" in title and settled["ours"].code in title
        assert headers[0] == "月份" and "增值税县级部分（元）" in headers and headers[-2] == "本方分成（元）"
        assert column(headers, rows, "月份") == ["2024-07", "2024-08", "合计"]
        retained = column(headers, rows, "县级留成（元）")
        assert all(isinstance(v, int | float) for v in retained) and retained[2] == pytest.approx(
            sum(retained[:2])
        )
        assert column(headers, rows, "数据状态")[:2] == ["已确认", "预估"]

    def test_another_units_project_is_not_exported(self, settled, wuhua):
        url = reverse("sharing:drilldown", kwargs={"code": "530102", "project_id": settled["theirs"].pk})
        client = Client()
        client.force_login(wuhua)
        assert client.get(url + "?period=2024Q3&format=xlsx").status_code in (403, 404)


class TestAdjustmentExport:
    def test_the_city_gets_every_adjustment_with_a_signed_number(self, settled, city_admin):
        sharing_services.adjustment_create(actor=city_admin, project=settled["ours"], concerns_month=dt.date(2024, 7, 1),
                                           target="retained", amount_fen=-1234, reason="税务更正")  # fmt: skip
        title, headers, rows = sheet(city_admin, reverse("sharing:adjustments") + "?format=xlsx")
        assert title.startswith("调整记录")
        assert headers[:7] == ["编号", "项目编号", "项目名称", "计入月份", "更正月份", "调整对象", "金额（元）"]
        (row,) = rows
        assert row[1] == settled["ours"].code and row[4] == "2024-07" and row[6] == pytest.approx(-12.34)
        assert row[7] == "税务更正" and row[8] == "有效" and isinstance(row[10], dt.datetime)

    def test_a_unit_may_not_export_them(self, settled, wuhua):
        client = Client()
        client.force_login(wuhua)
        assert client.get(reverse("sharing:adjustments") + "?format=xlsx").status_code == 403


class TestRateExport:
    def test_every_rate_as_a_percentage_number(self, wuhua):
        _title, headers, rows = sheet(wuhua, reverse("sharing:rates") + "?format=xlsx")
        assert headers[:4] == ["税种", "生效月份", "失效月份（含）", "县级留成比例（%）"]
        percents = column(headers, rows, "县级留成比例（%）")
        assert rows and all(isinstance(p, int | float) and 0 <= p <= 100 for p in percents)
        assert {r[0] for r in rows} >= {"增值税", "企业所得税"}


class TestConflictExport:
    @pytest.fixture
    def disputes(self, wuhua, panlong):
        shared = make_enterprise(name="争议导出有限公司")
        make_filed(wuhua, enterprise=shared, name="五华争议项目")
        make_filed(panlong, enterprise=shared, name="盘龙争议项目")
        guandu = persona("guandu", Role.UNIT, unit="530111")
        elsewhere = make_enterprise(name="别处争议有限公司")
        make_filed(panlong, enterprise=elsewhere, name="盘龙别处项目")
        make_filed(guandu, enterprise=elsewhere, name="官渡别处项目")
        assert Conflict.objects.count() == 2

    def test_the_city_gets_every_filing_of_every_conflict(self, disputes, city_admin):
        title, headers, rows = sheet(city_admin, reverse("projects:conflicts") + "?format=xlsx")
        assert title.startswith("报备冲突") and headers[:5] == [
            "企业名称",
            "统一社会信用代码",
            "承载园区",
            "冲突状态",
            "涉及项目",
        ]
        assert len(rows) == 4 and {r[5] for r in rows} == {"五华区", "盘龙区", "官渡区"}
        assert all("（其他单位的报备）" not in r[4] for r in rows)

    def test_a_unit_gets_only_its_conflicts_and_not_the_other_sides_project(self, disputes, wuhua):
        _title, headers, rows = sheet(wuhua, reverse("projects:conflicts") + "?format=xlsx")
        assert {r[0] for r in rows} == {"争议导出有限公司"}
        projects = column(headers, rows, "涉及项目")
        assert sorted(projects)[0].endswith("五华争议项目") and "（其他单位的报备）" in projects
        assert not any("盘龙" in p for p in projects)
