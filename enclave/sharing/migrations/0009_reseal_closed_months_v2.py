"""Re-seal the months closed before version-2 seals (issue 14, item 3): their reports and tax lines join
the seal, with the audit trail's head as it stood at each closing.

Only a ledger whose version-1 seals all still verify is re-sealed: re-sealing a month whose postings were
changed would hide the change, so then every month stays at version 1 and `verify_audit_chain` goes on
naming the first bad one. Reverse: back to version-1 seals of the postings."""

from __future__ import annotations

from django.db import migrations


def _models(apps):
    from enclave.sharing.ledger import Models

    get = apps.get_model
    return Models(get("sharing", "SettlementLine"), get("sharing", "SettlementShare"),
                  get("sharing", "MonthlyReport"), get("sharing", "MonthlyTax"))  # fmt: skip


def forwards(apps, schema_editor):
    from enclave.audit import chain
    from enclave.sharing import ledger

    ClosedMonth, Event = apps.get_model("sharing", "ClosedMonth"), apps.get_model("audit", "Event")
    models = _models(apps)
    months = list(ClosedMonth.objects.order_by("id"))
    previous = chain.GENESIS
    for closed in months:
        postings = ledger.month_canonical(closed.month, models.line, models.share)
        if closed.prev_mac != previous or closed.mac != chain.mac(postings, previous):
            return  # a version-1 seal that no longer holds: leave the evidence as it is
        previous = closed.mac
    previous = chain.GENESIS
    for closed in months:
        digests = ledger.month_digests(closed.month, models)
        head_id, head_mac = ledger.audit_head(Event, before=closed.closed_at)
        value = chain.mac(ledger.seal_content(closed.month, digests, head_id, head_mac), previous)
        ClosedMonth.objects.filter(pk=closed.pk).update(
            seal_version=2, digests=digests, audit_head_id=head_id, audit_head_mac=head_mac,
            prev_mac=previous, mac=value,
        )  # fmt: skip
        previous = value


def backwards(apps, schema_editor):
    from enclave.audit import chain
    from enclave.sharing import ledger

    ClosedMonth = apps.get_model("sharing", "ClosedMonth")
    models = _models(apps)
    previous = chain.GENESIS
    for closed in ClosedMonth.objects.order_by("id"):
        value = chain.mac(ledger.month_canonical(closed.month, models.line, models.share), previous)
        ClosedMonth.objects.filter(pk=closed.pk).update(
            seal_version=1, digests=None, audit_head_id=None, audit_head_mac="", prev_mac=previous, mac=value
        )
        previous = value


class Migration(migrations.Migration):
    dependencies = [("sharing", "0008_closed_month_seal_v2"), ("audit", "0007_otp_reset_verb")]
    operations = [migrations.RunPython(forwards, backwards)]
