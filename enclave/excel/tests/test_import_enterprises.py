"""Importing enterprises: tolerant reading, every problem at once, all or nothing, re-import is a no-op."""

from __future__ import annotations

import pytest

from enclave.audit.models import Event, Verb
from enclave.conftest import make_enterprise
from enclave.enterprises.models import Enterprise
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get
from enclave.excel.tests.builders import ENTERPRISE_HEADERS, write, xlsx_bytes
from enclave.lib.codes import uscc_with_check
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db

CODE_A = uscc_with_check("91530102MA6K00001")
CODE_B = uscc_with_check("91530102MA6K00002")


def run(tmp_path, actor, rows, *, dry_run=False, **kwargs):
    path = write(tmp_path, xlsx_bytes(rows, **kwargs))
    return import_file(
        actor=actor, kind=kind_get("enterprises"), path=path, filename="企业.xlsx", dry_run=dry_run
    )


def good_rows():
    return [
        ENTERPRISE_HEADERS,
        ["滇池示例科技有限公司", CODE_A, "39", "省外", "上海市", "1,234.5万元", "昆明市五华区一号", "张三"],
        ["老挝示例贸易有限公司", CODE_B, "51 批发业", "境外", "老挝", 520, "", ""],
    ]


class TestEnterpriseImport:
    def test_rows_are_created_through_the_service_with_their_audit_rows(self, tmp_path, wuhua):
        result = run(tmp_path, wuhua, good_rows())
        assert result.ok and result.written and (result.new, result.updated, result.unchanged) == (2, 0, 0)
        a = Enterprise.objects.get(credit_code=CODE_A)
        assert a.registered_capital_fen == 12_345_000_00 and a.industry.code == "39"
        assert a.owner_unit == Unit.objects.get(code="530102") and a.created_by == wuhua
        assert Enterprise.objects.get(credit_code=CODE_B).registered_capital_fen == 520 * 1_000_000
        assert (
            Event.objects.filter(verb=Verb.CREATE, object_type="enterprises.enterprise", actor=wuhua).count()
            == 2
        )

    def test_reimporting_the_same_file_changes_nothing(self, tmp_path, wuhua):
        run(tmp_path, wuhua, good_rows())
        events = Event.objects.count()
        result = run(tmp_path, wuhua, good_rows())
        assert (result.new, result.updated, result.unchanged) == (0, 0, 2)
        assert Event.objects.count() == events and Enterprise.objects.count() == 2

    def test_a_changed_row_updates_and_blank_cells_leave_values_alone(self, tmp_path, wuhua):
        run(tmp_path, wuhua, good_rows())
        rows = good_rows()
        rows[1][5], rows[1][6] = "2000", ""
        result = run(tmp_path, wuhua, rows)
        assert (result.new, result.updated, result.unchanged) == (0, 1, 1)
        a = Enterprise.objects.get(credit_code=CODE_A)
        assert a.registered_capital_fen == 2000 * 1_000_000 and a.registered_address == "昆明市五华区一号"

    def test_dry_run_counts_without_writing(self, tmp_path, wuhua):
        result = run(tmp_path, wuhua, good_rows(), dry_run=True)
        assert result.ok and not result.written and result.new == 2
        assert not Enterprise.objects.exists() and not Event.objects.exists()

    def test_every_problem_is_reported_and_nothing_is_written(self, tmp_path, wuhua):
        rows = good_rows() + [
            ["", "91530102MA6K0000XX", "99 不存在", "火星", "", "12.345元", "", ""],
            ["重复企业", CODE_A, "39", "省外", "上海市", "1", "", ""],
        ]
        result = run(tmp_path, wuhua, rows)
        assert not result.written and not Enterprise.objects.exists()
        by_cell = {(p.row, p.column): p for p in result.problems}
        assert by_cell[(4, "A")].reason == "必填，不能为空"
        assert "校验位" in by_cell[(4, "B")].reason or "格式" in by_cell[(4, "B")].reason
        assert by_cell[(4, "D")].value == "火星" and "下拉列表" in by_cell[(4, "D")].reason
        assert by_cell[(4, "E")].reason == "必填，不能为空"
        assert "精确到分以下" in by_cell[(4, "F")].reason
        assert "重复" in by_cell[(5, "")].reason
        assert all(p.sheet == "Sheet1" for p in result.problems)

    def test_service_refusals_are_problems_at_their_column(self, tmp_path, wuhua):
        rows = good_rows()
        rows[1][4] = (
            "云南省"  # an out-of-province enterprise from Yunnan: refused by the service, as on the form
        )
        result = run(tmp_path, wuhua, rows)
        assert not result.written
        (problem,) = [p for p in result.problems if p.column == "E"]
        assert problem.row == 2 and "云南省" in problem.reason

    def test_title_rows_blank_rows_example_rows_full_width_and_reordered_columns_are_tolerated(
        self, tmp_path, wuhua
    ):
        header = [
            "联系人",
            "来源地",
            " 企业名称 * ",
            "统一社会信用代码",
            "所属行业",
            "来源地类型",
            "注册资本(元)",
        ]
        rows = [
            [],
            header,
            ["", "上海市", "示例：某某公司", CODE_B, "39", "省外", 1],
            [
                "李四",
                "上海市",
                "\u3000全角企业\u3000",
                CODE_A.replace("9", "９", 1),
                "３９",
                "省外",
                "１２３４．５６",
            ],
            [None, None, None, None, None, None, None],
        ]
        result = run(tmp_path, wuhua, rows, title="2024年企业名单", merge=True)
        assert result.ok, result.problems
        (e,) = Enterprise.objects.all()
        assert e.name == "全角企业" and e.credit_code == CODE_A and e.registered_capital_fen == 123456

    def test_a_unit_cannot_change_another_units_enterprise(self, tmp_path, wuhua, panlong):
        make_enterprise(name="盘龙的企业", owner_unit=Unit.objects.get(code="530103"))
        other = Enterprise.objects.get(name="盘龙的企业")
        rows = [ENTERPRISE_HEADERS, ["改名", other.credit_code, "17", "省外", "上海市", 1, "", ""]]
        result = run(tmp_path, wuhua, rows)
        assert not result.written and "已登记" in result.problems[0].reason
        other.refresh_from_db()
        assert other.name == "盘龙的企业"

    def test_an_auditor_may_not_import(self, tmp_path, auditor):
        result = run(tmp_path, auditor, good_rows())
        assert result.refused and not Enterprise.objects.exists()

    def test_a_missing_required_column_is_named(self, tmp_path, wuhua):
        result = run(tmp_path, wuhua, [["企业名称", "统一社会信用代码"], ["甲", CODE_A]])
        assert {p.reason for p in result.problems} >= {"缺少必填列“所属行业”", "缺少必填列“来源地类型”"}
