"""Seal the months closed before the ledger seal existed (existing demo databases), in closing order."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from enclave.audit import chain
    from enclave.sharing.ledger import month_canonical

    ClosedMonth = apps.get_model("sharing", "ClosedMonth")
    line, share = apps.get_model("sharing", "SettlementLine"), apps.get_model("sharing", "SettlementShare")
    previous = chain.GENESIS
    for closed in ClosedMonth.objects.order_by("id"):
        value = chain.mac(month_canonical(closed.month, line, share), previous)
        ClosedMonth.objects.filter(pk=closed.pk).update(prev_mac=previous, mac=value)
        previous = value


class Migration(migrations.Migration):
    dependencies = [("sharing", "0005_closed_month_seal")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
