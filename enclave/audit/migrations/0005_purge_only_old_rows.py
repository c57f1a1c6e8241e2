"""The one way rows leave the audit trail: an audited purge by the security administrator, and only of
rows older than 180 days — a floor the database itself keeps (等保: 审计记录留存不少于六个月).

PostgreSQL: the trigger lets a DELETE through only when the purging transaction has set
`enclave.audit_purge = 'on'` and the row is older than 180 days. SQLite: the same, with a one-row permit
table filled and emptied inside the purge transaction. UPDATE stays refused always.

SQLite rebuilds a table to alter a column (0003 did), which drops its triggers: both are (re)created here,
and any later migration that alters audit_event must do the same (test_append_only fails otherwise)."""

from __future__ import annotations

from django.db import migrations

SQLITE = [
    "CREATE TABLE IF NOT EXISTS audit_purge_permit (id integer PRIMARY KEY)",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit) "
    "OR OLD.at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days') "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;",
    "DROP TABLE IF EXISTS audit_purge_permit",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('enclave.audit_purge', true) = 'on'
         AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_event is append-only';
    END; $$ LANGUAGE plpgsql;""",
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql;""",
]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_seal_existing_events")]
    operations = [migrations.RunPython(forwards, backwards)]
