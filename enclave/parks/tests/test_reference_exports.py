"""Exports of the reference pages (issue 5): the parks with the sharing defaults, and the units with the
page's filters. Reference data is the same for everyone signed in, so a unit's export equals the city's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from enclave.excel.tests.sheets import column, sheet, table, workbook
from enclave.parks.models import Unit
from enclave.parks.tests.conftest import client_for
from enclave.projects.models import SharingPolicy

pytestmark = pytest.mark.django_db


class TestParksExport:
    def test_both_parks_with_their_areas_host_and_sub_parks(self, wuhua):
        wb = workbook(wuhua, reverse("parks:export"))
        assert wb.sheetnames == ["重点产业协作园区", "利益分享默认比例"]
        title, headers, rows = table(wb["重点产业协作园区"])
        assert title.startswith("重点产业协作园区") and "筛选条件：全部" in title and "导出时间" in title
        assert headers[:5] == ["园区代码", "简称", "全称", "项目编号前缀", "片区"]
        assert set(column(headers, rows, "园区代码")) == {"mohan", "lingang"}
        mohan = rows[column(headers, rows, "园区代码").index("mohan")]
        assert mohan[3] == "MH" and "南坡片区" in " ".join(column(headers, rows, "片区"))
        assert "云南五华产业园磨憨园区" in mohan[headers.index("园中园")]

    def test_the_sharing_defaults_are_percentages_as_numbers(self, wuhua):
        _title, headers, rows = table(workbook(wuhua, reverse("parks:export"))["利益分享默认比例"])
        assert len(rows) == SharingPolicy.objects.count() > 0
        shares = column(headers, rows, "协作地分成（%）")
        assert all(isinstance(v, int | float) for v in shares)
        for row in rows:
            assert Decimal(str(row[2])) + Decimal(str(row[3])) == 100
        assert (
            column(headers, rows, "默认值（须与财政部门确认）").count("是")
            == SharingPolicy.objects.filter(is_default=True).count()
        )

    def test_the_page_links_to_it(self, wuhua):
        assert reverse("parks:export") in client_for(wuhua).get(reverse("parks:index")).content.decode()


class TestUnitExport:
    def test_every_unit_for_everyone(self, wuhua, city_admin):
        title, headers, rows = sheet(wuhua, reverse("parks:unit_export"))
        assert headers == ["单位代码", "名称", "简称", "类型", "考核分类", "园中园", "状态", "备注"]
        assert len(rows) == Unit.objects.count() and {"530102", "530103"} <= set(
            column(headers, rows, "单位代码")
        )
        assert rows == sheet(city_admin, reverse("parks:unit_export"))[2]

    def test_it_carries_the_pages_filter(self, wuhua):
        title, headers, rows = sheet(wuhua, reverse("parks:unit_export") + "?tier=T1&kind=district")
        assert "考核分类：一类（主城区）" in title and "类型：市辖区" in title
        expected = Unit.objects.filter(tier="T1", kind="district")
        assert sorted(column(headers, rows, "单位代码")) == sorted(expected.values_list("code", flat=True))
        assert all(t.startswith("T1 ") for t in column(headers, rows, "考核分类"))

    def test_an_unknown_filter_value_is_refused_not_ignored(self, wuhua):
        """An export of every unit under a filter the official believes applied would mislead (issue 14)."""
        response = client_for(wuhua).get(reverse("parks:unit_export") + "?tier=X9")
        assert response.status_code == 400 and "参数“tier”" in response.content.decode()

    def test_the_page_filters_and_its_export_link_carries_the_filter(self, wuhua):
        body = client_for(wuhua).get(reverse("parks:unit_list") + "?tier=T1").content.decode()
        assert reverse("parks:unit_export") + "?tier=T1" in body
        t2 = Unit.objects.filter(tier="T2").first()
        assert t2 is not None and f"<code>{t2.code}</code>" not in body
