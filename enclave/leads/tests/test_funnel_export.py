"""The funnel page's export (issue 5): the stage table with its conversion rates as numbers, the totals
below, the page's filters in the title, and the scope of the page (a unit's own leads only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from enclave.excel.tests.sheets import column, sheet
from enclave.leads import services
from enclave.leads.tests.conftest import make_lead

pytestmark = pytest.mark.django_db
URL = reverse("leads:funnel_export")


@pytest.fixture
def pipeline(wuhua, panlong):
    """Wuhua: two leads contacted in August 2024, one visited in September. Panlong: one lead."""
    first = make_lead(wuhua, enterprise_name="五华漏斗一号", contacted_on=dt.date(2024, 8, 1))
    make_lead(wuhua, enterprise_name="五华漏斗二号", contacted_on=dt.date(2024, 8, 5))
    services.lead_move(actor=wuhua, lead=first, stage="visited", on=dt.date(2024, 9, 1))
    make_lead(panlong, enterprise_name="盘龙漏斗", contacted_on=dt.date(2024, 8, 3))


class TestFunnelExport:
    def test_a_unit_gets_its_own_stages_with_rates_as_numbers(self, pipeline, wuhua):
        title, headers, rows = sheet(wuhua, URL)
        assert title.startswith("招商漏斗") and "导出时间" in title
        assert headers == ["阶段", "期间内到达的线索（个）", "下一阶段", "转化率（%）", "中位天数"]
        counts = dict(
            zip(column(headers, rows, "阶段"), column(headers, rows, "期间内到达的线索（个）"), strict=True)
        )
        assert counts["已接洽"] == 2 and counts["已考察"] == 1  # not Panlong's lead
        rate = rows[0][3]
        assert isinstance(rate, int | float) and rate == pytest.approx(50)
        assert column(headers, rows, "阶段")[-5:] == [
            "接洽到转项目", "签订投资协议", "注册企业", "投资考察团（次）", "考察团参加企业（家）",
        ]  # fmt: skip

    def test_the_city_gets_every_unit_and_the_filters_are_carried(self, pipeline, city_admin):
        _title, headers, rows = sheet(city_admin, URL)
        assert rows[0][1] == 3
        title, headers, rows = sheet(city_admin, URL + "?unit=530103&from=2024-08-01&to=2024-08-31")
        assert "招商单位：盘龙区" in title and "期间：2024-08-01 至 2024-08-31" in title
        assert rows[0][1] == 1

    def test_a_unit_asking_for_another_unit_gets_nothing_of_it(self, pipeline, wuhua):
        _title, _headers, rows = sheet(wuhua, URL + "?unit=530103")
        assert rows[0][1] == 0

    def test_the_page_link_carries_its_filters(self, pipeline, wuhua):
        client = Client()
        client.force_login(wuhua)
        body = client.get(reverse("leads:funnel") + "?park=mohan&from=2024-08-01").content.decode()
        assert URL + "?park=mohan&amp;from=2024-08-01" in body
