from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.test import Client

from enclave.audit.models import Event
from enclave.leads.models import Lead
from enclave.leads.tests.conftest import make_lead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestLeadList:
    def test_a_unit_lists_only_its_own_leads_and_the_park_those_aimed_at_it(
        self, wuhua, panlong, mohan_user, lingang_user
    ):
        make_lead(wuhua, enterprise_name="五华甲公司")
        make_lead(panlong, enterprise_name="盘龙乙公司")
        body = signed_in(wuhua).get("/leads/").content.decode()
        assert "五华甲公司" in body and "盘龙乙公司" not in body
        park = signed_in(mohan_user).get("/leads/").content.decode()
        assert "五华甲公司" in park and "盘龙乙公司" in park
        assert "五华甲公司" not in signed_in(lingang_user).get("/leads/").content.decode()

    def test_filters_page_and_export_every_filtered_row(self, wuhua, settings):
        settings.ENCLAVE_PAGE_SIZE = 2
        for n in range(3):
            make_lead(wuhua, enterprise_name=f"纺织{n}公司")
        make_lead(wuhua, enterprise_name="逾期公司", next_step_on=dt.date(2025, 5, 1))
        client = signed_in(wuhua)
        page = client.get("/leads/?q=纺织").content.decode()
        assert "共 3 条线索" in page and "第 1 / 2 页" in page
        assert "逾期公司" in client.get("/leads/?overdue=1").content.decode()
        response = client.get("/leads/export.xlsx?q=纺织")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert "搜索：纺织" in sheet["A1"].value
        assert sorted(sheet.cell(row=r, column=1).value for r in range(3, 6)) == [
            "纺织0公司",
            "纺织1公司",
            "纺织2公司",
        ]
        assert sheet.cell(row=3, column=7).value == 3000  # 万元, a number
        assert Event.objects.filter(verb="export", object_type="leads.lead").count() == 1


class TestLeadForms:
    def test_a_unit_registers_a_lead_with_investment_in_wan(self, wuhua):
        response = signed_in(wuhua).post(
            "/leads/new/",
            {"enterprise_name": "福建某机电公司", "contacted_on": "2025-04-01", "park": "mohan", "industry": "38",
             "expected_investment_wan": "1234.56", "origin_kind": "out_of_province", "origin": "福建省",
             "channel": "fair"},
        )  # fmt: skip
        lead = Lead.objects.get()
        assert response.status_code == 302 and lead.expected_investment_fen == 12_345_600_00
        assert lead.unit.code == "530102" and lead.owner == wuhua

    def test_bad_input_is_refused_in_chinese_and_keeps_what_was_typed(self, wuhua):
        response = signed_in(wuhua).post(
            "/leads/new/",
            {"enterprise_name": "某公司", "contacted_on": "2025-04-01", "expected_investment_wan": "-5",
             "needed_area_m2": "abc", "channel": "visit", "origin_kind": "out_of_province", "origin": "云南省"},
        )  # fmt: skip
        body = response.content.decode()
        assert response.status_code == 200 and not Lead.objects.exists()
        assert "预计投资额不能为负数" in body and "需求面积应为数字" in body
        assert 'value="某公司"' in body

    def test_the_park_and_the_city_read_but_do_not_register(self, mohan_user, city_admin):
        assert signed_in(mohan_user).get("/leads/new/").status_code == 403
        assert signed_in(city_admin).get("/leads/new/").status_code == 403


class TestLeadDetail:
    def test_moving_a_stage_from_the_page(self, wuhua):
        lead = make_lead(wuhua)
        client = signed_in(wuhua)
        response = client.post(f"/leads/{lead.pk}/move/", {"stage": "visited", "on": "2024-09-01"})
        assert response.status_code == 302
        lead.refresh_from_db()
        assert lead.stage == "visited"
        refused = client.post(
            f"/leads/{lead.pk}/move/", {"stage": "dropped", "on": "2024-09-02", "reason": ""}
        )
        assert refused.status_code == 422 and "放弃线索须填写原因" in refused.content.decode()

    def test_filing_from_the_page_opens_the_new_project_draft(self, wuhua, wuhua_enterprise):
        lead = make_lead(wuhua, enterprise=wuhua_enterprise)
        client = signed_in(wuhua)
        assert "上海某纺织有限公司项目" in client.get(f"/leads/{lead.pk}/file/").content.decode()
        response = client.post(
            f"/leads/{lead.pk}/file/", {"name": "纺织项目", "kind": "new_domestic", "on": "2025-05-01"}
        )
        lead.refresh_from_db()
        assert response.status_code == 302 and response["Location"] == f"/projects/{lead.project_id}/"
        assert lead.stage == "filed"

    def test_another_unit_gets_a_404_that_names_nothing(self, wuhua, panlong):
        lead = make_lead(wuhua, enterprise_name="五华秘密公司")
        response = signed_in(panlong).get(f"/leads/{lead.pk}/")
        assert response.status_code == 404 and "五华秘密公司" not in response.content.decode()
