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
from enclave.sharing.models import ClosedMonth, MonthlyReport, SettlementLine, SettlementShare

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
