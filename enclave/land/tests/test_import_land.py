"""Import of land parcels and sub-parks from Excel (enclave/land/imports.py): the templates, the happy path,
bad rows at their sheet/row/column with nothing written, re-import changing nothing, export read back."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine

from enclave.audit.models import Event
from enclave.conftest import client_for
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get
from enclave.excel.templates import template_xlsx
from enclave.excel.tests.builders import write, xlsx_bytes
from enclave.land.models import LandParcel
from enclave.parks.models import SubPark

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def run(user, path, kind):
    return import_file(actor=user, kind=kind_get(kind), path=path, filename=path.name, dry_run=False)


def state() -> tuple:
    return (LandParcel.objects.count(), SubPark.objects.count(), Event.objects.exclude(verb="denied").count())


SUB_HEADERS = ["园中园", "所在园区", "片区", "设立日期", "计划投资（万元）", "重点引进行业", "开工日期"]
SUB_ROW = ["五华导入测试园", "磨憨", "南坡片区", "2024-07-01", "2.92亿元", "17 纺织业、18、C", "2024-10-01"]
PARCEL_HEADERS = ["所在园区", "片区", "建设的园中园", "宗地编号", "面积（亩）", "竞得日期", "成交价（万元）", "用途"]
PARCEL_ROW = ["磨憨", "南坡片区", "五华导入测试园", "MH-NP-01", 47.03, "2024-07-15", 29200, "工业用地"]


class TestTemplates:
    @pytest.mark.parametrize(("kind", "sheet", "first"), [("parcels", "竞得土地", "所在园区*"),
                                                          ("subparks", "园中园", "园中园*")])  # fmt: skip
    def test_each_template_has_chinese_headers_instructions_and_drop_downs(self, wuhua, tmp_path, kind, sheet, first):
        wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind_get(kind))))
        assert wb.sheetnames == ["说明", sheet, "代码表"]
        assert wb[sheet]["A2"].value == first and wb[sheet].data_validations.dataValidation
        result = run(wuhua, write(tmp_path, template_xlsx(kind_get(kind))), kind)
        assert result.ok and result.rows == 0


class TestSubParkAndParcelImport:
    def test_a_sub_park_and_its_land_import_and_re_import_changes_nothing(self, wuhua, tmp_path):
        sub_path = write(tmp_path, xlsx_bytes([SUB_HEADERS, SUB_ROW], sheet="园中园"), "s.xlsx")
        result = run(wuhua, sub_path, "subparks")
        assert result.ok and result.new == 1, result.problems
        subpark = SubPark.objects.get(name="五华导入测试园")
        assert subpark.planned_investment_fen == 292_000_000_00 and subpark.area.name == "南坡片区"
        assert sorted(subpark.target_industries.values_list("code", flat=True)) == ["17", "18", "C"]
        parcel_path = write(tmp_path, xlsx_bytes([PARCEL_HEADERS, PARCEL_ROW], sheet="竞得土地"), "p.xlsx")
        result = run(wuhua, parcel_path, "parcels")
        assert result.ok and result.new == 1, result.problems
        parcel = LandParcel.objects.get()
        assert parcel.area_mu == Decimal("47.03") and parcel.subpark == subpark and parcel.price_fen == 29_200 * 1_000_000
        before = state()
        assert run(wuhua, sub_path, "subparks").unchanged == 1
        assert run(wuhua, parcel_path, "parcels").unchanged == 1
        assert state() == before

    def test_the_exports_import_back_unchanged(self, wuhua, tmp_path):
        run(wuhua, write(tmp_path, xlsx_bytes([SUB_HEADERS, SUB_ROW], sheet="园中园"), "s.xlsx"), "subparks")
        run(wuhua, write(tmp_path, xlsx_bytes([PARCEL_HEADERS, PARCEL_ROW], sheet="竞得土地"), "p.xlsx"), "parcels")
        client = client_for(wuhua)
        parcels, subparks = client.get("/land/export.xlsx").content, client.get("/land/subparks/export.xlsx").content
        before = state()
        back = run(wuhua, write(tmp_path, parcels, "pe.xlsx"), "parcels")
        assert back.ok and back.unchanged == 1, back.problems
        back = run(wuhua, write(tmp_path, subparks, "se.xlsx"), "subparks")
        # wuhua's sub-parks: this one and the reference data's 云南五华产业园磨憨园区
        assert back.ok and back.rows == back.unchanged == 2 and back.new == back.updated == 0, back.problems
        assert state() == before

    @pytest.mark.parametrize(
        ("column", "value", "letter", "reason"),
        [
            ("面积（亩）", -3, "E", "面积应大于0"),
            ("面积（亩）", 0, "E", "面积应大于0"),
            ("面积（亩）", "12.345", "E", "面积最多保留两位小数"),
            ("成交价（万元）", "-5", "G", "不能为负数"),
            ("竞得日期", "2026-01-01", "F", "竞得日期不能晚于今天"),
            ("建设的园中园", "不存在的园", "C", "没有该名称的园中园"),
        ],
    )
    def test_a_bad_parcel_row_is_reported_at_its_cell_and_nothing_is_written(
        self, wuhua, tmp_path, column, value, letter, reason
    ):
        run(wuhua, write(tmp_path, xlsx_bytes([SUB_HEADERS, SUB_ROW], sheet="园中园"), "s.xlsx"), "subparks")
        good = [*PARCEL_ROW[:3], "MH-NP-02", *PARCEL_ROW[4:]]
        bad = list(PARCEL_ROW)
        bad[PARCEL_HEADERS.index(column)] = value
        before = state()
        result = run(wuhua, write(tmp_path, xlsx_bytes([PARCEL_HEADERS, good, bad], sheet="竞得土地")), "parcels")
        assert not result.written and state() == before
        assert [(p.sheet, p.row, p.column) for p in result.problems] == [("竞得土地", 3, letter)], result.problems
        assert reason in result.problems[0].reason

    @pytest.mark.parametrize(
        ("value", "header", "reason"),
        [("", "设立日期", "必填"), ("2025-05-09", "设立日期", "日期不能晚于今天"),
         ("2024-10-02", "开工日期", "开工日期不能早于设立日期")],
    )  # fmt: skip
    def test_a_bad_date_of_establishment_is_reported_at_its_cell_and_nothing_is_written(
        self, wuhua, tmp_path, value, header, reason
    ):
        bad = list(SUB_ROW)
        bad[SUB_HEADERS.index("设立日期")] = value
        before = state()
        result = run(wuhua, write(tmp_path, xlsx_bytes([SUB_HEADERS, bad], sheet="园中园")), "subparks")
        assert not result.written and state() == before
        assert [(p.row, p.header) for p in result.problems] == [(2, header)], result.problems
        assert reason in result.problems[0].reason

    def test_another_units_sub_park_is_refused_at_its_cell(self, wuhua, panlong, tmp_path):
        run(wuhua, write(tmp_path, xlsx_bytes([SUB_HEADERS, SUB_ROW], sheet="园中园"), "s.xlsx"), "subparks")
        before = state()
        result = run(panlong, write(tmp_path, xlsx_bytes([PARCEL_HEADERS, PARCEL_ROW], sheet="竞得土地")), "parcels")
        assert [(p.row, p.column) for p in result.problems] == [(2, "C")]
        assert "所选园中园应为本单位在该园区的园中园" in result.problems[0].reason
        result = run(panlong, write(tmp_path, xlsx_bytes([SUB_HEADERS, SUB_ROW], sheet="园中园"), "s2.xlsx"), "subparks")
        assert not result.written and "只能修改园中园本单位的记录" in result.problems[0].reason
        assert state() == before
