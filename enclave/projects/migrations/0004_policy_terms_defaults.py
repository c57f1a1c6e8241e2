"""Fill the sharing defaults' new terms from MECHANISM.md (start event per policy row) and add the rows for a
host park that co-invested or gave no input.

Agreements already recognised keep their months: this migration writes nothing to any agreement (their new
start_event stays blank, which means "months as written", and end_explicit stays true).
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations

SINCE = dt.date(2024, 5, 1)
NOTE = "默认值，须与市财政局确认"
# kind, relocation class, start event
START_EVENTS = [
    ("new_domestic", "", "first_tax_after_recognition"),
    ("new_abroad", "", "first_tax_after_recognition"),
    ("relocation", "policy", "move"),
    ("relocation", "voluntary", "move"),
    ("relocation", "registration_kept", "move"),
    ("relocation", "hq_only", "move"),
]
# kind, host contribution, cooperating bp, host bp, months, note
HOST_ROWS = [
    (kind, contribution, coop, host, 60, note + NOTE)
    for kind in ("new_domestic", "new_abroad")
    for contribution, coop, host, note in (
        (
            "co_invested",
            4900,
            5100,
            "新招引项目、承载地共同投入：按投资比例分成（示例49:51，按协议调整），认定后首个纳税期起5年。",
        ),
        ("no_input", 9500, 500, "新招引项目、承载地未投入：协作地95:承载地5，认定后首个纳税期起5年。"),
    )
]


def forwards(apps, schema_editor):
    SharingPolicy = apps.get_model("projects", "SharingPolicy")
    for kind, relocation_class, event in START_EVENTS:
        SharingPolicy.objects.filter(kind=kind, relocation_class=relocation_class, is_default=True).update(
            start_event=event
        )
    for kind, contribution, coop, host, months, note in HOST_ROWS:
        SharingPolicy.objects.get_or_create(
            kind=kind,
            relocation_class="",
            host_contribution=contribution,
            effective_from=SINCE,
            defaults={
                "cooperating_bp": coop, "host_bp": host, "duration_months": months, "note": note,
                "is_default": True, "start_event": "first_tax_after_recognition",
            },
        )  # fmt: skip


def backwards(apps, schema_editor):
    SharingPolicy = apps.get_model("projects", "SharingPolicy")
    Agreement = apps.get_model("projects", "Agreement")
    cited = set(Agreement.objects.exclude(policy=None).values_list("policy_id", flat=True))
    SharingPolicy.objects.exclude(host_contribution="").filter(is_default=True, effective_from=SINCE).exclude(
        pk__in=cited
    ).delete()
    SharingPolicy.objects.update(start_event="agreement_month")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_sharing_terms")]
    operations = [migrations.RunPython(forwards, backwards)]
