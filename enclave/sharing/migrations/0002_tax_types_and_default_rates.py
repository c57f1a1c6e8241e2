from __future__ import annotations

import datetime as dt

from django.db import migrations

NOTE = "默认值，须与市财政局确认"
TAX_TYPES = [
    ("vat", "增值税", 1, 2000),
    ("cit", "企业所得税", 2, 1600),
    ("iit", "个人所得税", 3, 1600),
    ("local", "其他地方税费", 4, 5000),
]


def forwards(apps, schema_editor):
    TaxType = apps.get_model("sharing", "TaxType")
    RetentionRate = apps.get_model("sharing", "RetentionRate")
    for code, name, order, rate_bp in TAX_TYPES:
        tax_type, _ = TaxType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
        RetentionRate.objects.get_or_create(
            tax_type=tax_type,
            effective_from=dt.date(2024, 1, 1),
            defaults={"rate_bp": rate_bp, "note": NOTE, "is_default": True},
        )


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
