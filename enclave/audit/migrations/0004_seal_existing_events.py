"""Seal the rows written before the chain existed (existing demo databases), in id order.

The append-only triggers are lifted for this one migration only, and put back at once."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from enclave.audit import chain

    Event = apps.get_model("audit", "Event")
    connection = schema_editor.connection
    if not Event.objects.using(connection.alias).filter(mac="").exists():
        return
    from importlib import import_module

    triggers = import_module("enclave.audit.migrations.0002_append_only_triggers")
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
    else:
        for sql in triggers.SQLITE_REVERSE:
            schema_editor.execute(sql)
    previous = chain.GENESIS
    for row in chain.rows_in_order(Event.objects.using(connection.alias)):
        value = chain.mac(chain.canonical(row), previous)
        Event.objects.using(connection.alias).filter(pk=row["id"]).update(prev_mac=previous, mac=value)
        previous = value
    if connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
    else:
        for sql in triggers.SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_chain")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
