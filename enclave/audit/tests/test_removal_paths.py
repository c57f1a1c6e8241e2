"""Issue 14, item 2: the database refuses every path that removes or rewrites an audit row — DELETE and
UPDATE on both databases, TRUNCATE on PostgreSQL (also reached through another table's CASCADE), and on
SQLite INSERT OR REPLACE / REPLACE INTO, which delete the old row without firing delete triggers unless
recursive_triggers is on."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from enclave.audit.models import Event, Verb
from enclave.audit.services import event_record

pytestmark = pytest.mark.django_db

COLUMNS = (
    "id, at, actor_id, actor_role, actor_scope, verb, object_type, object_id, object_repr, before, after, "
    "success, ip, request_id, prev_mac, mac"
)
# The row again with another reason: what REPLACE would make of it.
REWRITE = f"({COLUMNS}, reason) SELECT {COLUMNS}, 'forged' FROM audit_event WHERE id = %s"

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE is SQLite's")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE triggers are PostgreSQL's"
)


@pytest.fixture
def row(wuhua):
    return event_record(actor=wuhua, verb=Verb.UPDATE, object_type="x", object_id="1", after={"a": 1})


def refused(sql: str, params=()) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_delete_and_update_are_refused(row):
    refused("DELETE FROM audit_event WHERE id = %s", [row.pk])
    refused("UPDATE audit_event SET reason = 'forged' WHERE id = %s", [row.pk])
    refused("DELETE FROM audit_event")
    assert Event.objects.get(pk=row.pk).reason == ""


def test_an_upsert_over_an_existing_row_is_refused(row):
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO audit_event {REWRITE} ON CONFLICT (id) DO UPDATE SET reason = EXCLUDED.reason"
    else:
        sql = f"INSERT INTO audit_event {REWRITE} ON CONFLICT (id) DO UPDATE SET reason = excluded.reason"
    refused(sql, [row.pk])
    assert Event.objects.get(pk=row.pk).reason == ""


@sqlite_only
def test_every_sqlite_connection_fires_delete_triggers_for_replace():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers")
        assert cursor.fetchone()[0] == 1


@sqlite_only
def test_insert_or_replace_and_replace_into_are_refused(row):
    refused(f"INSERT OR REPLACE INTO audit_event {REWRITE}", [row.pk])
    refused(f"REPLACE INTO audit_event {REWRITE}", [row.pk])
    assert Event.objects.get(pk=row.pk).reason == ""


@sqlite_only
def test_replace_is_refused_even_on_a_connection_without_recursive_triggers(row):
    """A sqlite3 shell does not run Django's connection setup: the table itself refuses a second row
    with an existing id, so REPLACE cannot reach it from any client."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA recursive_triggers = OFF")
    try:
        refused(f"INSERT OR REPLACE INTO audit_event {REWRITE}", [row.pk])
        refused(f"REPLACE INTO audit_event {REWRITE}", [row.pk])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = ON")
    assert Event.objects.get(pk=row.pk).reason == ""


@postgresql_only
def test_truncate_is_refused(row):
    with connection.cursor() as cursor:  # no pending foreign-key checks of the test's own inserts
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    refused("TRUNCATE audit_event")
    refused("TRUNCATE audit_event RESTART IDENTITY CASCADE")
    refused("TRUNCATE accounts_user CASCADE")  # audit_event references the user: the cascade reaches it
    assert Event.objects.filter(pk=row.pk).exists()


@postgresql_only
def test_the_truncate_trigger_is_a_before_statement_trigger():
    # pg_trigger.tgtype bits: 1 row-level, 2 before, 32 truncate
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgtype & 1, tgtype & 2, tgtype & 32 FROM pg_trigger "
            "WHERE tgrelid = 'audit_event'::regclass AND tgtype & 32 <> 0 AND NOT tgisinternal"
        )
        assert cursor.fetchall() == [(0, 2, 32)]
