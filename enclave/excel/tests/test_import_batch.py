"""The batch path of the monthly-report import gives exactly what the row-by-row service path gives.

One file holds every case a real file brings (new rows, a re-imported unchanged row, a corrected row, a
closed month, a future month, a month outside the agreement, a project not yet recognised, another park's
project, an unknown code, negative and too-large amounts, rebates above the taxes, a duplicate row, a cell
that cannot be read). It is imported both ways: the problems (sheet, row, column, value, message), the
counts, and — for the good rows — the stored reports, their taxes and the edits' audit rows must be equal.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from enclave.audit.models import Event, Verb
from enclave.conftest import make_filed, make_recognised
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get
from enclave.excel.tests.builders import write, xlsx_bytes
from enclave.parks.models import Park
from enclave.sharing import excel as sharing_excel
from enclave.sharing import services
from enclave.sharing.models import MonthlyReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(wuhua, reviewer, mohan_user, city_admin, finance):
    """Two recognised Mohan projects, one Lingang project, one only filed; July 2024 closed; one stored
    report in an open month (to be left unchanged or corrected)."""
    a = make_recognised(wuhua, reviewer, name="甲项目")
    b = make_recognised(wuhua, reviewer, name="乙项目")
    other = make_recognised(wuhua, reviewer, name="临港项目", park=Park.objects.get(code="lingang"))
    filed = make_filed(wuhua, name="未认定项目")
    july = services.report_create(actor=mohan_user, project=a, month=dt.date(2024, 7, 1),
                                  taxes={"vat": 500}, values={})  # fmt: skip
    services.report_confirm(actor=finance, report=july, what="tax")
    services.settlement_close(actor=city_admin, period="2024-07")
    services.report_create(actor=mohan_user, project=a, month=dt.date(2024, 8, 1),
                           taxes={"vat": 100_000}, values={"rebates_fen": 1000})  # fmt: skip
    services.report_create(actor=mohan_user, project=b, month=dt.date(2024, 8, 1),
                           taxes={"vat": 7_00}, values={})  # fmt: skip
    return {"a": a, "b": b, "other": other, "filed": filed}


def headers():
    return [f.header for f in sharing_excel.fields()]


def row(code, month, vat="", rebates="", fai="", name=""):
    cells = {"项目编号": code, "项目名称": name, "月份": month, "增值税（元）": vat,
             "优惠政策返还（元）": rebates, "固定资产投资（万元）": fai}  # fmt: skip
    return [cells.get(h, "") for h in headers()]


def good_rows(w):
    a, b = w["a"].code, w["b"].code
    return [
        row(a, "2024-07", vat=5),  # closed month, unchanged: fine
        row(a, "2024-08", vat=1000, rebates=10),  # stored, unchanged
        row(b, "2024-08", vat="1,234.56", fai="2.5"),  # stored, corrected
        row(a, "2024-09", vat="1.2万", rebates=100, fai="0.5亿元"),
        row(a, "2024年10月", vat=0),
        row(b, 45536, vat=99.99),  # 2024-09 as an Excel serial
        row(b, "2025-03", vat=1, fai=3),  # this month
    ]


def bad_rows(w):
    a, b = w["a"].code, w["b"].code
    return [
        *good_rows(w)[1:],
        row(b, "2024-07", vat=1),  # new in a closed month
        row(a, "2024-07", vat=6),  # changed in a closed month
        row(a, "2025-04", vat=1),  # future
        row(a, "2024-06", vat=1),  # before the agreement
        row(w["filed"].code, "2024-09", vat=1),  # not recognised
        row(w["other"].code, "2024-09", vat=1),  # another park's project
        row("MH-2099-9999", "2024-09", vat=1),  # unknown
        row(a, "2024-11", vat=10, rebates=20),  # rebates above the taxes
        row(a, "2024-12", vat="-5"),  # negative
        row(a, "2025-02", vat=1),
        row(b, "2024-10", vat=1),
        row(b, "2024-10", vat=2),  # duplicate of the row above
        row(b, "2024-11", vat="12元5角"),  # unreadable
        row(b, "2024-12", fai=10**12),  # over the ceiling
        row(a, "2025-01", vat=1, rebates=1, fai=1),  # fine
    ]


def run(tmp_path, actor, rows, *, batch, dry_run=False):
    path = write(tmp_path, xlsx_bytes([headers(), *rows]), name=f"batch-{batch}.xlsx")
    return import_file(actor=actor, kind=kind_get("reports"), path=path, filename="报表.xlsx",
                       dry_run=dry_run, batch=batch)  # fmt: skip


def stored():
    """Every report as data: its project, month, figures, statuses, author and taxes (ids left out)."""
    return sorted(
        (r.project.code, r.month, *(getattr(r, f) for f in services.REPORT_AMOUNT_FIELDS), r.tax_status,
         r.indicator_status, r.tax_confirmed_by_id, r.indicators_confirmed_by_id, r.created_by_id,
         tuple(sorted((t.tax_type.code, t.paid_fen) for t in r.taxes.all())))
        for r in MonthlyReport.objects.select_related("project").prefetch_related("taxes__tax_type")
    )  # fmt: skip


def edits(since):
    return sorted(
        (e.object_id, e.actor_id, e.before, e.after)
        for e in Event.objects.filter(pk__gt=since, verb=Verb.UPDATE, object_type="sharing.monthlyreport")
    )


def both_ways(tmp_path, actor, rows, *, dry_run=False):
    """Import with each path inside a rolled-back savepoint; what each returned and left behind."""
    outcomes = {}
    for batch in (False, True):
        since = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
        with transaction.atomic():
            result = run(tmp_path, actor, rows, batch=batch, dry_run=dry_run)
            outcomes[batch] = (result, stored(), edits(since))
            transaction.set_rollback(True)
    return outcomes[False], outcomes[True]


class TestBatchEqualsService:
    def test_every_problem_is_the_same_in_the_same_place_and_nothing_is_written(
        self, tmp_path, mohan_user, world
    ):
        before = stored()
        (slow, slow_rows, _e1), (fast, fast_rows, _e2) = both_ways(tmp_path, mohan_user, bad_rows(world))
        assert len(slow.problems) >= 12
        assert fast.as_dict() == slow.as_dict()
        assert not fast.written and slow_rows == fast_rows == before
        reasons = " ".join(p.reason for p in fast.problems)
        for expected in ("已关账，不能新增报表", "已关账，报表不能修改", "未来月份", "不在该项目的利益分享期限内",
                         "尚未认定", "只有承载园区或市级管理员", "不存在或不在您的职责范围内",
                         "返还不能超过", "重复", "超过上限"):  # fmt: skip
            assert expected in reasons, expected

    def test_good_rows_store_the_same_reports_taxes_and_edit_rows(self, tmp_path, mohan_user, world):
        (slow, slow_rows, slow_edits), (fast, fast_rows, fast_edits) = both_ways(
            tmp_path, mohan_user, good_rows(world)
        )
        assert slow.ok and slow.written, slow.problems
        assert fast.as_dict() == slow.as_dict()
        assert (fast.new, fast.updated, fast.unchanged) == (4, 1, 2)
        assert fast_rows == slow_rows and fast_edits == slow_edits and len(fast_edits) == 1

    def test_a_dry_run_counts_the_same_and_writes_nothing(self, tmp_path, mohan_user, world):
        before = stored()
        (slow, slow_rows, _e1), (fast, fast_rows, _e2) = both_ways(
            tmp_path, mohan_user, good_rows(world), dry_run=True
        )
        assert fast.as_dict() == slow.as_dict() and not fast.written
        assert fast_rows == slow_rows == before

    def test_the_city_may_import_any_park_and_gets_the_same(self, tmp_path, city_admin, world):
        rows = [*good_rows(world), row(world["other"].code, "2024-09", vat=1)]
        (slow, slow_rows, _e1), (fast, fast_rows, _e2) = both_ways(tmp_path, city_admin, rows)
        assert slow.ok, slow.problems
        assert fast.as_dict() == slow.as_dict() and fast_rows == slow_rows


class TestBatchWrite:
    def test_new_reports_are_one_summary_audit_row_naming_their_ids(self, tmp_path, mohan_user, world):
        since = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
        result = run(tmp_path, mohan_user, good_rows(world), batch=True)
        assert result.written and result.new == 4
        (summary,) = Event.objects.filter(pk__gt=since, verb=Verb.CREATE, object_type="sharing.monthlyreport")
        assert summary.actor == mohan_user and summary.after["count"] == 4
        assert summary.after["source"] == "报表.xlsx" and "Excel 导入 4 份月度报表" in summary.object_repr
        ids = [pk for first, last in summary.after["report_ids"] for pk in range(first, last + 1)]
        new = MonthlyReport.objects.filter(pk__in=ids)
        assert new.count() == 4 and all(r.taxes.count() == 4 for r in new)
        assert summary.after["taxes_fen"] == 1_200_000 + 0 + 9999 + 100

    def test_progress_is_reported_while_writing(self, tmp_path, mohan_user, world):
        seen = []
        path = write(tmp_path, xlsx_bytes([headers(), *good_rows(world)]))
        import_file(actor=mohan_user, kind=kind_get("reports"), path=path, filename="x.xlsx", dry_run=False,
                    progress=lambda done, total, stage: seen.append((stage, done, total)))  # fmt: skip
        writing = [(d, t) for s, d, t in seen if s.startswith("写入")]
        assert writing[0] == (0, 5) and writing[-1] == (5, 5)

    def test_importing_the_same_file_again_changes_nothing(self, tmp_path, mohan_user, world):
        run(tmp_path, mohan_user, good_rows(world), batch=True)
        before, events = stored(), Event.objects.count()
        again = run(tmp_path, mohan_user, good_rows(world), batch=True)
        assert (again.new, again.updated, again.unchanged) == (0, 0, 7)
        assert stored() == before and Event.objects.count() == events
