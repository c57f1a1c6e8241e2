from __future__ import annotations

import datetime as dt

from django.db import migrations

NOTE = "默认值，须与市财政局确认"
# kind, relocation class, cooperating bp, host bp, months, note
DEFAULTS = [
    ("new_domestic", "", 5000, 5000, 60, "新招引项目：协作地50:承载地50，认定后首个纳税期起5年。" + NOTE),
    ("new_abroad", "", 5000, 5000, 60, "新招引项目：协作地50:承载地50，认定后首个纳税期起5年。" + NOTE),
    ("relocation", "policy", 5000, 5000, 60, "政策性流转：迁出地50:迁入地50，流转后5年（期限已公布，比例未公布）。" + NOTE),
    ("relocation", "voluntary", 3000, 7000, 36, "企业自主流转：迁出地30:迁入地70，3年。" + NOTE),
    ("relocation", "registration_kept", 10000, 0, 36, "注册地不变更流转：税收留在迁出地，3年。" + NOTE),
    ("relocation", "hq_only", 5000, 5000, 36, "仅搬迁总部或变更注册地：50:50，3年。" + NOTE),
]


def forwards(apps, schema_editor):
    SharingPolicy = apps.get_model("projects", "SharingPolicy")
    for kind, relocation_class, coop, host, months, note in DEFAULTS:
        SharingPolicy.objects.get_or_create(
            kind=kind,
            relocation_class=relocation_class,
            effective_from=dt.date(2024, 5, 1),
            defaults={"cooperating_bp": coop, "host_bp": host, "duration_months": months, "note": note, "is_default": True},
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
