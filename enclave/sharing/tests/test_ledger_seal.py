"""Check 20, ledger postings: a closed month's lines and shares are sealed (HMAC-SM3, chained in closing
order); changing, deleting or adding a posting of a closed month is found and the month named."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from enclave.conftest import make_recognised
from enclave.sharing import services
from enclave.sharing.ledger import ledger_verify
from enclave.sharing.models import ClosedMonth, MonthlyReport, MonthlyTax, SettlementLine, SettlementShare

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_quarter(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    for month in (7, 8, 9):
        services.report_create(actor=mohan_user, project=project, month=dt.date(2024, month, 1),
                               taxes={"vat": 1_000_000 * month}, values={})  # fmt: skip
    MonthlyReport.objects.update(tax_status="confirmed")
    services.settlement_close(actor=city_admin, period="2024Q3")
    return project


def test_closing_seals_each_month_in_closing_order(closed_quarter):
    months = list(ClosedMonth.objects.order_by("id"))
    assert [m.month.month for m in months] == [7, 8, 9]
    assert all(len(m.mac) == 64 for m in months)
    assert months[1].prev_mac == months[0].mac and months[2].prev_mac == months[1].mac
    assert ledger_verify().ok
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "封存完整（OK）：3 个月份" in out.getvalue()


def test_a_changed_share_is_found_and_its_month_named(closed_quarter):
    share = SettlementShare.objects.filter(line__month=dt.date(2024, 8, 1)).first()
    SettlementShare.objects.filter(pk=share.pk).update(amount_fen=share.amount_fen + 1)
    report = ledger_verify()
    assert report.first_bad == dt.date(2024, 8, 1)
    with pytest.raises(CommandError, match="2024-08"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_a_deleted_line_or_a_changed_retained_amount_is_found(closed_quarter):
    line = SettlementLine.objects.get(month=dt.date(2024, 9, 1))
    SettlementLine.objects.filter(pk=line.pk).update(retained_fen=line.retained_fen - 100)
    assert ledger_verify().first_bad == dt.date(2024, 9, 1)
    SettlementLine.objects.filter(pk=line.pk).update(retained_fen=line.retained_fen)
    assert ledger_verify().ok
    SettlementShare.objects.filter(line=line).delete()
    SettlementLine.objects.filter(pk=line.pk).delete()
    assert ledger_verify().first_bad == dt.date(2024, 9, 1)


def test_a_removed_closed_month_breaks_the_chain(closed_quarter):
    ClosedMonth.objects.filter(month=dt.date(2024, 7, 1)).delete()
    report = ledger_verify()
    assert report.first_bad == dt.date(2024, 8, 1) and "删除" in report.reason


# ---------------------------------------------------------------- version 2: the inputs are sealed too


def test_a_closed_month_is_sealed_with_its_inputs_per_project(closed_quarter):
    for closed in ClosedMonth.objects.all():
        assert closed.seal_version == 2 and set(closed.digests) == {closed_quarter.code}


def test_a_changed_tax_figure_names_the_project_and_the_month(closed_quarter):
    tax = MonthlyTax.objects.get(report__month=dt.date(2024, 8, 1))
    MonthlyTax.objects.filter(pk=tax.pk).update(paid_fen=tax.paid_fen + 1)  # one fen
    report = ledger_verify()
    assert report.first_bad == dt.date(2024, 8, 1) and report.project == closed_quarter.code
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit", stdout=StringIO())
    assert "2024-08" in str(failure.value) and closed_quarter.code in str(failure.value)


def test_a_changed_report_figure_or_status_names_the_project_and_the_month(closed_quarter):
    september = MonthlyReport.objects.filter(month=dt.date(2024, 9, 1))
    september.update(industrial_output_fen=123)
    assert (ledger_verify().first_bad, ledger_verify().project) == (dt.date(2024, 9, 1), closed_quarter.code)
    september.update(industrial_output_fen=0)
    assert ledger_verify().ok
    september.update(tax_status="estimated")
    assert ledger_verify().first_bad == dt.date(2024, 9, 1)


def test_a_deleted_tax_line_or_report_is_named(closed_quarter):
    MonthlyTax.objects.filter(report__month=dt.date(2024, 7, 1)).delete()
    report = ledger_verify()
    assert report.first_bad == dt.date(2024, 7, 1) and report.project == closed_quarter.code


def test_an_edited_seal_record_is_found(closed_quarter):
    closed = ClosedMonth.objects.get(month=dt.date(2024, 8, 1))
    forged = {code: "0" * 64 for code in closed.digests}
    ClosedMonth.objects.filter(pk=closed.pk).update(digests=forged)
    report = ledger_verify()
    assert report.first_bad == dt.date(2024, 8, 1) and "封存记录" in report.reason


def _migration():
    import importlib

    return importlib.import_module("enclave.sharing.migrations.0009_reseal_closed_months_v2")


def test_months_sealed_before_version_2_are_resealed_by_the_data_migration(closed_quarter):
    from django.apps import apps

    _migration().backwards(apps, None)  # as an existing database had them: version 1, postings only
    assert set(ClosedMonth.objects.values_list("seal_version", flat=True)) == {1} and ledger_verify().ok
    MonthlyTax.objects.filter(report__month=dt.date(2024, 8, 1)).update(paid_fen=1)  # not seen by v1
    assert ledger_verify().ok
    MonthlyTax.objects.filter(report__month=dt.date(2024, 8, 1)).update(paid_fen=8_000_000)
    _migration().forwards(apps, None)
    assert set(ClosedMonth.objects.values_list("seal_version", flat=True)) == {2} and ledger_verify().ok
    assert all(c.audit_head_id for c in ClosedMonth.objects.all())
    MonthlyTax.objects.filter(report__month=dt.date(2024, 8, 1)).update(paid_fen=1)
    assert ledger_verify().first_bad == dt.date(2024, 8, 1)


def test_the_data_migration_does_not_reseal_a_ledger_whose_old_seals_fail(closed_quarter):
    from django.apps import apps

    _migration().backwards(apps, None)
    line = SettlementLine.objects.get(month=dt.date(2024, 9, 1))
    SettlementLine.objects.filter(pk=line.pk).update(retained_fen=line.retained_fen + 1)
    _migration().forwards(apps, None)
    assert set(ClosedMonth.objects.values_list("seal_version", flat=True)) == {1}
    assert ledger_verify().first_bad == dt.date(2024, 9, 1)
