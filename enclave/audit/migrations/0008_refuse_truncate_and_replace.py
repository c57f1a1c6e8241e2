"""The last paths that removed audit rows past the triggers of 0002/0005 (issue 14, item 2).

PostgreSQL: TRUNCATE fires no row trigger; a statement-level BEFORE TRUNCATE trigger refuses it (also when
another table's TRUNCATE … CASCADE reaches audit_event).

SQLite: INSERT OR REPLACE / REPLACE INTO deletes the conflicting row without firing delete triggers while
`recursive_triggers` is off (the default of every client but Enclave's own connections, which turn it on:
audit/apps.py). A BEFORE INSERT trigger refuses any insert whose id already exists, so REPLACE cannot reach
a row from any client. SQLite drops a table's triggers when a migration rebuilds the table: a later
migration altering audit_event must recreate this one too (test_removal_paths fails otherwise)."""

from __future__ import annotations

from django.db import migrations

SQLITE = [
    "DROP TRIGGER IF EXISTS audit_event_no_replace",
    "CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event "
    "WHEN EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_event_no_replace"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_no_truncate()",
]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_otp_reset_verb")]
    operations = [migrations.RunPython(forwards, backwards)]
