"""Importing retention-rate changes (kind `rates`): one change per row through sharing.services.rate_change."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from enclave.audit.models import Event
from enclave.conftest import client_for
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get
from enclave.excel.tests.builders import write, xlsx_bytes
from enclave.sharing.models import ClosedMonth, RetentionRate, SettlementRun

pytestmark = pytest.mark.django_db
HEADERS = ["税种", "生效月份", "新留成比例(%)", "原因"]


def run(tmp_path, actor, rows, *, dry_run=False):
    path = write(tmp_path, xlsx_bytes([HEADERS, *rows], sheet="留成比例调整"))
    return import_file(actor=actor, kind=kind_get("rates"), path=path, filename="留成比例.xlsx", dry_run=dry_run)


def history(code):
    return list(
        RetentionRate.objects.filter(tax_type__code=code)
        .order_by("effective_from")
        .values_list("effective_from", "effective_to", "rate_bp")
    )


GOOD = [
    ["增值税", "2024-07", 25, "市财政局通知调整"],
    ["vat", "2024年10月", "27.5%", "年中再调整"],
    ["企业所得税", 202407, "18", "同上"],
]


class TestRatesImport:
    def test_a_good_file_changes_each_rate_in_the_files_order(self, tmp_path, city_admin):
        before = Event.objects.count()
        result = run(tmp_path, city_admin, GOOD)
        assert result.ok and result.written and (result.new, result.unchanged) == (3, 0), result.problems
        assert history("vat") == [
            (dt.date(2024, 1, 1), dt.date(2024, 6, 1), 2000),
            (dt.date(2024, 7, 1), dt.date(2024, 9, 1), 2500),
            (dt.date(2024, 10, 1), None, 2750),
        ]
        assert history("cit")[-1] == (dt.date(2024, 7, 1), None, 1800)
        assert Event.objects.count() >= before + 3  # one audit row per change (and the import's own)

    def test_a_bad_row_is_named_by_sheet_row_and_column_and_nothing_is_written(self, tmp_path, city_admin):
        rows = [*GOOD, ["个人所得税", "2024-08", "16", "无变化"], ["增值税", "2024-11", "12.345", "三位小数"],
                ["契税", "2024-08", "10", "未知税种"], ["个人所得税", "2024-09", "20", ""]]  # fmt: skip
        result = run(tmp_path, city_admin, rows)
        assert not result.written
        found = {(p.sheet, p.row, p.column): p.reason for p in result.problems}
        assert "无需调整" in found[("留成比例调整", 5, "C")]
        assert "两位小数" in found[("留成比例调整", 6, "C")]
        assert "未知税种" in found[("留成比例调整", 7, "A")]
        assert "必填" in found[("留成比例调整", 8, "D")]
        assert len(history("vat")) == 1 and len(history("cit")) == 1

    def test_a_month_reaching_into_a_closed_month_is_refused_at_its_cell(self, tmp_path, city_admin):
        run_row = SettlementRun.objects.create(
            period="2024-06", start_month=dt.date(2024, 6, 1), end_month=dt.date(2024, 6, 1), input_digest="0",
            output_digest="0", engine_version="1", rules_digest="0", retained_fen=0,
        )  # fmt: skip
        ClosedMonth.objects.create(month=dt.date(2024, 6, 1), run=run_row, closed_by=city_admin)
        result = run(tmp_path, city_admin, [["增值税", "2024-06", 25, "关账月份"], ["增值税", "2024-07", 25, "下月"]])
        assert [(p.row, p.column) for p in result.problems] == [(2, "B")]
        assert "已关账月份（2024-06）" in result.problems[0].reason and "最早为2024-07" in result.problems[0].reason
        assert len(history("vat")) == 1

    def test_the_same_file_again_is_unchanged_not_refused(self, tmp_path, city_admin):
        run(tmp_path, city_admin, GOOD)
        events = Event.objects.count()
        again = run(tmp_path, city_admin, GOOD)
        assert again.ok and (again.new, again.unchanged) == (0, 3), again.problems
        assert len(history("vat")) == 3
        assert Event.objects.count() - events <= 1  # at most the import run's own row

    def test_a_dry_run_checks_and_writes_nothing(self, tmp_path, city_admin):
        result = run(tmp_path, city_admin, GOOD, dry_run=True)
        assert result.ok and not result.written and result.new == 3
        assert len(history("vat")) == 1

    def test_only_the_city_administrator_may_import_rate_changes(self, tmp_path, reviewer, mohan_user):
        for user in (reviewer, mohan_user):
            assert run(tmp_path, user, GOOD).refused
        assert len(history("vat")) == 1

    def test_the_template_has_the_instructions_and_the_four_columns(self, city_admin):
        response = client_for(city_admin).get(reverse("excel:template", args=["rates"]))
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        notes = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
        assert "原比例在前一个月结束" in notes
        headers = [str(c.value) for c in wb["留成比例调整"][2] if c.value]
        assert [h.rstrip("*").strip() for h in headers] == HEADERS

    def test_the_command_imports_with_kind_rates(self, tmp_path, city_admin, capsys):
        path = write(tmp_path, xlsx_bytes([HEADERS, GOOD[0]], sheet="留成比例调整"))
        call_command("import_xlsx", str(path), "--kind", "rates", "--user", city_admin.username)
        assert "新增 1" in capsys.readouterr().out
        assert history("vat")[-1] == (dt.date(2024, 7, 1), None, 2500)
