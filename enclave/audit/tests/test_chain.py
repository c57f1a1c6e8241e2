"""Check 20: the HMAC-SM3 chain over the audit trail, and its verification command.

With the append-only triggers switched off inside the test's transaction (as an attacker with database
access could), editing one field, deleting a row or swapping two rows is found, and the command names the
first bad row. The daily chain head is written to a file that a later verification checks against."""

from __future__ import annotations

import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from enclave.audit import chain
from enclave.audit.models import Event, Verb
from enclave.audit.services import chain_verify, event_record

pytestmark = pytest.mark.django_db


def test_hmac_sm3_is_the_rfc2104_construction_over_sm3():
    """The library's HMAC over 'sm3' equals a hand-built RFC 2104 HMAC with the GB/T 32905 hash."""
    assert hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f4")
    key, msg = b"k" * 20, b"message"
    block = 64
    k = key.ljust(block, b"\0")
    inner = hashlib.new("sm3", bytes(b ^ 0x36 for b in k) + msg).digest()
    outer = hashlib.new("sm3", bytes(b ^ 0x5C for b in k) + inner).hexdigest()
    assert hmac.new(key, msg, lambda: hashlib.new("sm3")).hexdigest() == outer
    assert (
        chain.mac(b"message", "", key=key)
        == hmac.new(key, b"message|", lambda: hashlib.new("sm3")).hexdigest()
    )


def _rows(wuhua, n=5) -> list[Event]:
    return [
        event_record(actor=wuhua, verb=Verb.UPDATE, object_type="projects.project", object_id=str(i),
                     object_repr=f"项目{i}", before={"name": f"旧{i}"}, after={"name": f"新{i}", "n": i})
        for i in range(n)
    ]  # fmt: skip


def _untriggered(sql: str, params=()) -> None:
    """Run SQL with the append-only triggers lifted (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks, or ALTER TABLE refuses
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        cursor.execute(sql, params)


def _verify() -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("verify_audit_chain", stdout=out)
    except CommandError as exc:
        return False, str(exc)
    return True, out.getvalue()


class TestChain:
    def test_each_row_links_to_the_one_before(self, wuhua):
        rows = _rows(wuhua)
        stored = list(Event.objects.order_by("id"))
        assert stored[0].prev_mac == chain.GENESIS
        for before, after in zip(stored, stored[1:], strict=False):
            assert after.prev_mac == before.mac and len(after.mac) == 64
        assert rows[-1].mac == stored[-1].mac

    def test_intact_data_verifies_ok(self, wuhua):
        _rows(wuhua)
        ok, out = _verify()
        assert ok and "OK" in out and "5 条" in out

    def test_the_alias_verify_audit_works_too(self, wuhua):
        _rows(wuhua)
        out = StringIO()
        call_command("verify_audit", stdout=out)
        assert "OK" in out.getvalue()

    def test_an_edited_field_is_named(self, wuhua):
        rows = _rows(wuhua)
        _untriggered("UPDATE audit_event SET object_repr = %s WHERE id = %s", ["改过的", rows[2].pk])
        ok, message = _verify()
        assert not ok and f"id={rows[2].pk}" in message and "修改" in message

    def test_an_edited_json_diff_is_named(self, wuhua):
        rows = _rows(wuhua)
        edited = json.dumps({"name": "新1", "n": 999})
        _untriggered("UPDATE audit_event SET after = %s WHERE id = %s", [edited, rows[1].pk])
        ok, message = _verify()
        assert not ok and f"id={rows[1].pk}" in message

    def test_a_deleted_row_is_found_at_the_next_row(self, wuhua):
        rows = _rows(wuhua)
        _untriggered("DELETE FROM audit_event WHERE id = %s", [rows[2].pk])
        ok, message = _verify()
        assert not ok and f"id={rows[3].pk}" in message and "删除" in message

    def test_deleting_the_oldest_rows_is_found(self, wuhua):
        rows = _rows(wuhua)
        _untriggered("DELETE FROM audit_event WHERE id = %s", [rows[0].pk])
        ok, message = _verify()
        assert not ok and f"id={rows[1].pk}" in message

    def test_two_swapped_rows_are_found(self, wuhua):
        rows = _rows(wuhua)
        a, b = rows[1], rows[3]
        cols = ["object_id", "object_repr", "before", "after", "prev_mac", "mac"]
        values = {e.pk: Event.objects.filter(pk=e.pk).values_list(*cols).get() for e in (a, b)}
        for target, source in ((a.pk, b.pk), (b.pk, a.pk)):
            src = list(values[source])
            for i in (2, 3):
                src[i] = json.dumps(src[i])
            sets = ", ".join(f"{c} = %s" for c in cols)
            _untriggered(f"UPDATE audit_event SET {sets} WHERE id = %s", [*src, target])  # noqa: S608
        ok, message = _verify()
        assert not ok and f"id={a.pk}" in message

    def test_a_row_resealed_without_the_key_is_found(self, wuhua):
        """Recomputing the MAC with another key (the attacker does not have ENCLAVE_AUDIT_KEY) fails."""
        rows = _rows(wuhua)
        row = Event.objects.filter(pk=rows[4].pk).values("id", "prev_mac", "mac", *chain.CHAINED_FIELDS).get()
        row["reason"] = "伪造"
        forged = chain.mac(chain.canonical(row), row["prev_mac"], key=b"guessed-key")
        _untriggered(
            "UPDATE audit_event SET reason = %s, mac = %s WHERE id = %s", ["伪造", forged, rows[4].pk]
        )
        ok, message = _verify()
        assert not ok and f"id={rows[4].pk}" in message

    def test_the_chain_head_export_is_kept_and_checked(self, wuhua, tmp_path):
        rows = _rows(wuhua)
        call_command("audit_chain_head", "--out", str(tmp_path), stdout=StringIO())
        (head_file,) = tmp_path.glob("audit-chain-head-*.json")
        head = json.loads(head_file.read_text())
        assert head["head_id"] == rows[-1].pk and head["head_mac"] == rows[-1].mac and head["rows"] == 5
        assert Event.objects.filter(verb=Verb.EXPORT, object_type="audit.chain_head").count() == 1
        call_command("verify_audit_chain", "--head", str(head_file), stdout=StringIO())
        # Cutting rows off the end leaves a chain that links up, but the kept head is gone.
        _untriggered("DELETE FROM audit_event WHERE id >= %s", [rows[-2].pk])
        assert chain_verify().ok
        with pytest.raises(CommandError, match="链头"):
            call_command("verify_audit_chain", "--head", str(head_file), stdout=StringIO())
