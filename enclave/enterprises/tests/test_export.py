from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from enclave.audit.models import Event, Verb
from enclave.conftest import make_enterprise, make_filed, make_recognised
from enclave.enterprises.excel import COLUMNS
from enclave.enterprises.models import Enterprise
from enclave.enterprises.tests.conftest import client_for
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db

EXPORT = reverse("enterprises:export")
HEADERS = tuple(c.header for c in COLUMNS)
CAPITAL = HEADERS.index("注册资本（万元）")


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def data_rows(response) -> list[tuple]:
    return list(workbook(response).active.iter_rows(min_row=3, values_only=True))


class TestEnterpriseExport:
    @time_machine.travel(dt.datetime(2024, 6, 30, 16, 30, tzinfo=dt.UTC), tick=False)
    def test_the_sheet_has_a_title_frozen_chinese_headers_filter_and_widths(self, reviewer):
        make_enterprise(name="导出企业", industry="17")
        response = client_for(reviewer).get(EXPORT, {"section": "C"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert quote("企业库-20240701-0030.xlsx") in response["Content-Disposition"]
        ws = workbook(response).active
        title = ws["A1"].value
        assert "行业门类：C 制造业" in title
        assert "2024-07-01 00:30（北京时间）" in title  # 16:30 UTC is half past midnight in Asia/Shanghai
        assert tuple(c.value for c in ws[2]) == HEADERS
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == "A2:K3"
        assert ws.column_dimensions["A"].width >= 30 and ws.column_dimensions["B"].width >= 20

    def test_capital_is_a_real_number_in_wan_computed_from_fen(self, reviewer):
        enterprise = make_enterprise(name="资本企业")
        Enterprise.objects.filter(pk=enterprise.pk).update(registered_capital_fen=123_456_789_01)
        small = make_enterprise(name="小额企业")
        Enterprise.objects.filter(pk=small.pk).update(registered_capital_fen=1)  # 1分 = 0.000001万元
        ws = workbook(client_for(reviewer).get(EXPORT)).active
        by_name = {row[0].value: row for row in ws.iter_rows(min_row=3)}
        cell = by_name["资本企业"][CAPITAL]
        assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
        assert cell.value == pytest.approx(12345.678901)
        assert cell.number_format == "#,##0.00"
        assert by_name["小额企业"][CAPITAL].value == pytest.approx(0.000001)
        assert by_name["资本企业"][1].data_type == "s"  # the credit code stays text

    def test_text_that_looks_like_a_formula_stays_text(self, reviewer):
        enterprise = make_enterprise(name="注入企业")
        hostile = {
            "name": '=HYPERLINK("http://evil.example","点我")',
            "registered_address": "+1+2",
            "contact_name": "@SUM(A1)",
            "origin": "-2+3",
        }
        Enterprise.objects.filter(pk=enterprise.pk).update(**hostile)
        other = make_enterprise(name="制表符企业")
        Enterprise.objects.filter(pk=other.pk).update(registered_address="\t=1+1", contact_name="\r=1+1")
        ws = workbook(client_for(reviewer).get(EXPORT)).active
        cells = [cell for row in ws.iter_rows(min_row=3) for cell in row]
        values = {cell.value for cell in cells}
        for text in (*hostile.values(), "\t=1+1"):
            assert text in values
        # Reading the XML back may turn the carriage return into a line feed (the stdlib parser does,
        # lxml, present once python-docx is installed, does not); either way it is the same text.
        assert "\r=1+1" in values or "\n=1+1" in values
        for cell in cells:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.value

    def test_it_exports_every_filtered_row_not_just_one_page(self, reviewer, settings):
        settings.ENCLAVE_PAGE_SIZE = 1
        for n in range(3):
            make_enterprise(name=f"制造企业{n}", industry="17")
        make_enterprise(name="软件企业", industry="65")
        names = [row[0] for row in data_rows(client_for(reviewer).get(EXPORT, {"section": "C", "page": "2"}))]
        assert names == ["制造企业0", "制造企业1", "制造企业2"]

    def test_it_exports_only_what_the_user_may_see_and_hides_private_facts(self, wuhua, panlong, reviewer):
        wuhua_unit = Unit.objects.get(code="530102")
        private = make_enterprise(name="五华未公开企业", owner_unit=wuhua_unit)
        make_filed(wuhua, enterprise=private)
        public = make_enterprise(name="五华已认定企业", owner_unit=wuhua_unit)
        Enterprise.objects.filter(pk=public.pk).update(
            registered_capital_fen=5_000_000_000, contact_name="赵联系"
        )
        make_recognised(wuhua, reviewer, enterprise=public)
        own = make_enterprise(name="盘龙自己的企业", owner_unit=Unit.objects.get(code="530103"))
        Enterprise.objects.filter(pk=own.pk).update(registered_capital_fen=3_000_000)

        rows = {row[0]: row for row in data_rows(client_for(panlong).get(EXPORT))}
        assert set(rows) == {"五华已认定企业", "盘龙自己的企业"}
        assert rows["五华已认定企业"][CAPITAL] is None and "赵联系" not in rows["五华已认定企业"]
        assert rows["盘龙自己的企业"][CAPITAL] == 3

    def test_every_export_is_audited_with_its_filter_and_row_count(self, wuhua):
        make_enterprise(name="审计企业", owner_unit=Unit.objects.get(code="530102"))
        client_for(wuhua).get(EXPORT, {"q": "审计", "page": "3"})
        event = Event.objects.get(verb=Verb.EXPORT)
        assert event.actor == wuhua and event.object_type == "enterprises.enterprise"
        assert event.after == {"filters": {"q": "审计"}, "description": "搜索：审计", "rows": 1}

    def test_anonymous_users_and_posts_are_refused(self, client, wuhua):
        assert client.get(EXPORT).status_code == 302
        assert client_for(wuhua).post(EXPORT).status_code == 405
        assert not Event.objects.filter(verb=Verb.EXPORT).exists()
