"""Issue 14, item 2: `verify_audit` checks the trail against records of its length and head kept outside
the trail — the daily chain head files written by `audit_chain_head` (ENCLAVE_AUDIT_HEAD_DIR) and the
sealed closed months, whose seals hold the audit head at closing — so a trail emptied (TRUNCATE with the
trigger lifted) or cut short is a failure with a Chinese message, never "OK: 0 rows"."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from enclave.audit.models import Event, Verb
from enclave.audit.services import chain_verify, event_record
from enclave.conftest import make_recognised
from enclave.sharing import services
from enclave.sharing.models import ClosedMonth, MonthlyReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def heads(settings, tmp_path):
    settings.ENCLAVE_AUDIT_HEAD_DIR = tmp_path / "audit-heads"
    return settings.ENCLAVE_AUDIT_HEAD_DIR


def _rows(wuhua, n=4) -> list[Event]:
    return [event_record(actor=wuhua, verb=Verb.UPDATE, object_type="x", object_id=str(i)) for i in range(n)]


def _empty_the_trail() -> None:
    """What an attacker with the table owner's rights does: lift the triggers, empty the table (rolled
    back with the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
            cursor.execute("TRUNCATE audit_event")
        else:
            for trigger in ("audit_event_no_update", "audit_event_no_delete", "audit_event_no_replace"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute("DELETE FROM audit_event")
    assert not Event.objects.exists() and chain_verify().ok  # the chain alone sees nothing wrong


def _cut_from(event_id: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        cursor.execute("DELETE FROM audit_event WHERE id >= %s", [event_id])
    assert chain_verify().ok


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def closed_quarter(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    for month in (7, 8, 9):
        services.report_create(actor=mohan_user, project=project, month=dt.date(2024, month, 1),
                               taxes={"vat": 1_000_000 * month}, values={})  # fmt: skip
    MonthlyReport.objects.update(tax_status="confirmed")
    services.settlement_close(actor=city_admin, period="2024Q3")
    return project


class TestStoredHeads:
    def test_an_intact_trail_verifies_against_every_stored_head(self, wuhua, heads):
        _rows(wuhua)
        call_command("audit_chain_head", stdout=StringIO())  # writes into ENCLAVE_AUDIT_HEAD_DIR
        assert len(list(heads.glob("audit-chain-head-*.json"))) == 1
        _rows(wuhua, 2)
        out = _verify()
        assert "审计链完整（OK）" in out and "1 个链头文件" in out

    def test_a_trail_cut_short_below_a_stored_head_is_a_failure(self, wuhua, heads):
        rows = _rows(wuhua)
        call_command("audit_chain_head", stdout=StringIO())
        _cut_from(rows[2].pk)
        with pytest.raises(CommandError, match="链头") as failure:
            _verify()
        assert "audit-chain-head-" in str(failure.value) and "截短或清空" in str(failure.value)

    def test_an_emptied_trail_with_a_stored_head_is_a_failure(self, wuhua, heads):
        _rows(wuhua)
        call_command("audit_chain_head", stdout=StringIO())
        _empty_the_trail()
        with pytest.raises(CommandError, match="截短或清空"):
            _verify()

    def test_a_head_file_that_is_no_head_is_a_failure(self, wuhua, heads):
        _rows(wuhua)
        heads.mkdir(parents=True)
        (heads / "audit-chain-head-2024-01-01.json").write_text("{not json")
        with pytest.raises(CommandError, match="audit-chain-head-2024-01-01.json"):
            _verify()

    def test_without_stored_heads_it_says_what_it_could_not_check(self, wuhua):
        _rows(wuhua)
        assert "未找到链头文件" in _verify()

    def test_a_head_purged_with_its_rows_is_no_failure(self, wuhua, security_admin, heads):
        from django.utils import timezone

        from enclave.audit.services import audit_purge

        old = Event(
            actor=wuhua, verb=Verb.UPDATE, object_type="x", at=timezone.now() - dt.timedelta(days=400)
        )
        old.save()
        call_command("audit_chain_head", stdout=StringIO())
        head = json.loads(next(heads.glob("*.json")).read_text())
        assert head["head_id"] == old.pk  # the head is the old row (the export's own row comes after)
        audit_purge(actor=security_admin, before=timezone.localdate() - dt.timedelta(days=200))
        assert not Event.objects.filter(pk=old.pk).exists()
        assert "审计链完整（OK）" in _verify()


class TestClosedMonths:
    def test_a_closed_month_seal_holds_the_audit_head_at_closing(self, closed_quarter):
        for closed in ClosedMonth.objects.all():
            assert closed.audit_head_id is not None
            assert Event.objects.get(pk=closed.audit_head_id).mac == closed.audit_head_mac

    def test_an_emptied_trail_with_sealed_closed_months_is_a_failure(self, closed_quarter):
        _empty_the_trail()
        with pytest.raises(CommandError) as failure:
            _verify()
        message = str(failure.value)
        assert "2024-07" in message and "审计" in message and "截短或清空" in message

    def test_a_trail_cut_below_the_closing_is_a_failure(self, closed_quarter):
        first = ClosedMonth.objects.order_by("id").first()
        _cut_from(first.audit_head_id)
        with pytest.raises(CommandError, match="2024-07"):
            _verify()

    def test_closed_months_with_an_empty_trail_fail_even_without_a_recorded_head(self, closed_quarter):
        """Months sealed before seals held the audit head (version 1) still may not exist beside an empty
        trail: every closing writes audit rows."""
        ClosedMonth.objects.update(audit_head_id=None, audit_head_mac="")
        _empty_the_trail()
        with pytest.raises(CommandError, match="截短或清空"):
            _verify()
