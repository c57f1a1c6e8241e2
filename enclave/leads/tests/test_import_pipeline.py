"""Import of leads and site visits from Excel (enclave/leads/imports.py): the template, the happy path, a bad
row reported at its sheet/row/column with nothing written, re-import changing nothing, the export read back
unchanged, and the command."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import openpyxl
import pytest
import time_machine
from django.core.management import call_command

from enclave.audit.models import Event
from enclave.conftest import client_for
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get
from enclave.excel.templates import template_xlsx
from enclave.excel.tests.builders import write, xlsx_bytes
from enclave.leads.models import Lead, LeadEvent, Visit
from enclave.leads.tests.conftest import make_lead

pytestmark = pytest.mark.django_db

LEAD_HEADERS = ["企业名称", "目标园区", "所属行业", "预计投资额（万元）", "需求面积（平方米）", "来源地类型", "来源地",
                "对接渠道", "首次接洽日期", "阶段", "进入当前阶段日期", "放弃原因", "签约日期", "下一步工作", "下一步日期"]  # fmt: skip
ROWS = [
    ["上海某纺织有限公司", "磨憨", "17 纺织业", "3000", 5000, "省外", "上海市", "上门拜访", "2025-03-01", "有意向",
     "2025-04-01", None, "2025-04-10", "签约后选址", "2025-06-01"],
    ["浙江某服装有限公司", "磨憨", "18", "2亿元", None, "省外", "浙江省", "展会、推介会", "2025-03-05", "已接洽",
     None, None, None, "电话回访", "2025-05-20"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def run(user, path, kind="leads", dry_run=False):
    return import_file(actor=user, kind=kind_get(kind), path=path, filename=path.name, dry_run=dry_run)


def state() -> tuple:
    return (Lead.objects.count(), LeadEvent.objects.count(), Visit.objects.count(),
            Event.objects.exclude(verb="denied").count())  # fmt: skip


class TestLeadImport:
    def test_the_template_has_chinese_headers_instructions_and_drop_downs_and_imports_as_nothing(
        self, wuhua, tmp_path
    ):
        content = template_xlsx(kind_get("leads"))
        wb = openpyxl.load_workbook(io.BytesIO(content))
        assert wb.sheetnames == ["说明", "招商线索", "代码表"]
        headers = [c.value for c in wb["招商线索"][2]]
        assert headers[0] == "企业名称*" and "首次接洽日期*" in headers and "阶段" in headers
        assert any("阶段只能向后推进" in str(c.value) for c in wb["说明"]["A"])
        assert wb["招商线索"].data_validations.dataValidation  # drop-downs for park, industry, stage …
        result = run(wuhua, write(tmp_path, content))
        assert result.ok and result.rows == 0 and not Lead.objects.exists()

    def test_rows_become_leads_with_their_dated_stages_and_agreement(self, wuhua, tmp_path):
        result = run(wuhua, write(tmp_path, xlsx_bytes([LEAD_HEADERS, *ROWS], sheet="招商线索")))
        assert result.ok and result.written and result.new == 2, result.problems
        lead = Lead.objects.get(enterprise_name="上海某纺织有限公司")
        assert lead.stage == "intending" and lead.stage_on == dt.date(2025, 4, 1)
        assert lead.expected_investment_fen == 30_000_000_00 and lead.signed_on == dt.date(2025, 4, 10)
        assert lead.unit.code == "530102" and lead.industry.code == "17"
        assert Lead.objects.get(enterprise_name="浙江某服装有限公司").expected_investment_fen == 200_000_000_00
        assert [e.kind for e in lead.events.order_by("on")] == ["contacted", "intending", "signed"]

    def test_importing_the_same_file_again_changes_nothing(self, wuhua, tmp_path):
        path = write(tmp_path, xlsx_bytes([LEAD_HEADERS, *ROWS], sheet="招商线索"))
        run(wuhua, path)
        before = state()
        again = run(wuhua, path)
        assert again.ok and again.unchanged == 2 and again.new == again.updated == 0
        assert state() == before

    @pytest.mark.parametrize(
        ("column", "value", "letter", "reason"),
        [
            ("需求面积（平方米）", -50, "E", "需求面积不能为负数"),
            ("预计投资额（万元）", None, "J", "进入“有意向”阶段前须填写：预计投资额"),
            ("进入当前阶段日期", "2025-02-01", "K", "日期不能早于线索进入当前阶段的日期（2025-03-01）"),
            ("阶段", "已放弃", "J", "放弃线索须填写原因"),
            ("首次接洽日期", "2025-13-01", "I", "日期不存在"),
        ],
    )
    def test_a_bad_row_is_reported_at_its_cell_and_nothing_is_written(
        self, wuhua, tmp_path, column, value, letter, reason
    ):
        bad = list(ROWS[0])
        bad[LEAD_HEADERS.index(column)] = value
        result = run(wuhua, write(tmp_path, xlsx_bytes([LEAD_HEADERS, ROWS[1], bad], sheet="招商线索")))
        assert not result.written and state() == (0, 0, 0, 0)
        assert [(p.sheet, p.row, p.column) for p in result.problems] == [("招商线索", 3, letter)], result.problems
        assert reason in result.problems[0].reason

    def test_the_export_imports_back_unchanged(self, wuhua, tmp_path):
        lead = make_lead(wuhua, contacted_on=dt.date(2025, 3, 1), needed_area_m2="5000.50")
        from enclave.leads import services

        services.lead_move(actor=wuhua, lead=lead, stage="intending", on=dt.date(2025, 4, 1))
        exported = client_for(wuhua).get("/leads/export.xlsx").content
        before = state()
        result = run(wuhua, write(tmp_path, exported))
        assert result.ok and result.unchanged == 1 and result.new == result.updated == 0, result.problems
        assert state() == before

    def test_a_park_committee_may_not_import_leads(self, mohan_user, tmp_path):
        result = run(mohan_user, write(tmp_path, xlsx_bytes([LEAD_HEADERS, *ROWS], sheet="招商线索")))
        assert result.refused == "只有协作地单位可以导入招商线索" and not Lead.objects.exists()

    def test_the_command_imports_as_the_user(self, wuhua, tmp_path):
        path = write(tmp_path, xlsx_bytes([LEAD_HEADERS, *ROWS], sheet="招商线索"))
        out = StringIO()
        call_command("import_xlsx", str(path), "--user", "wuhua", "--kind", "leads", stdout=out, stderr=StringIO())
        assert "新增 2" in out.getvalue() and Lead.objects.count() == 2


VISIT_HEADERS = ["考察日期", "考察团名称", "考察园区", "参加企业", "考察成果"]


class TestVisitImport:
    def test_a_visit_moves_its_leads_and_re_import_changes_nothing(self, wuhua, tmp_path):
        make_lead(wuhua, enterprise_name="甲公司", contacted_on=dt.date(2025, 3, 1))
        make_lead(wuhua, enterprise_name="乙公司", contacted_on=dt.date(2025, 3, 2))
        rows = [VISIT_HEADERS, ["2025-04-22", "五华第1批考察团", "磨憨", "甲公司、乙公司", "2家有意向"]]
        path = write(tmp_path, xlsx_bytes(rows, sheet="投资考察团"))
        result = run(wuhua, path, "visits")
        assert result.ok and result.new == 1, result.problems
        assert set(Lead.objects.values_list("stage", flat=True)) == {"visited"}
        before = state()
        assert run(wuhua, path, "visits").unchanged == 1 and state() == before
        exported = client_for(wuhua).get("/leads/visits/export.xlsx").content
        before = state()  # the export's own audit row
        back = run(wuhua, write(tmp_path, exported, "export.xlsx"), "visits")
        assert back.ok and back.unchanged == 1 and state() == before, back.problems

    def test_a_visit_before_the_lead_existed_or_with_another_units_lead_is_refused(
        self, wuhua, panlong, tmp_path
    ):
        make_lead(wuhua, enterprise_name="甲公司", contacted_on=dt.date(2025, 3, 1))
        make_lead(panlong, enterprise_name="盘龙公司")
        rows = [VISIT_HEADERS, ["2025-02-01", "早到考察团", "磨憨", "甲公司", ""],
                ["2025-04-01", "混入考察团", "磨憨", "盘龙公司", ""]]  # fmt: skip
        before = state()
        result = run(wuhua, write(tmp_path, xlsx_bytes(rows, sheet="投资考察团")), "visits")
        assert not result.written and state() == before
        assert [(p.row, p.column) for p in result.problems] == [(2, "D"), (3, "D")]
        assert "考察日期早于这些线索的首次接洽日期：甲公司" in result.problems[0].reason
        assert "本单位没有这些企业的线索：盘龙公司" in result.problems[1].reason
