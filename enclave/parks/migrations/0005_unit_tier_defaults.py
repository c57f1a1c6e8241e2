"""Today's tiers as the units' first dated rows, in force from 2000-01-01 (before any data the platform holds),
marked as defaults (系统默认值) until the city changes them."""

from __future__ import annotations

import datetime as dt

from django.db import migrations

IN_FORCE_FROM = dt.date(2000, 1, 1)
REASON = "系统默认值（分级分类初始设置）"


def forward(apps, schema_editor):
    Unit = apps.get_model("parks", "Unit")
    UnitTier = apps.get_model("parks", "UnitTier")
    have = set(UnitTier.objects.values_list("unit_id", flat=True))
    UnitTier.objects.bulk_create(
        UnitTier(unit_id=unit_id, tier=tier, valid_from=IN_FORCE_FROM, reason=REASON, is_default=True)
        for unit_id, tier in Unit.objects.order_by("pk").values_list("pk", "tier")
        if unit_id not in have
    )


def backward(apps, schema_editor):
    apps.get_model("parks", "UnitTier").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("parks", "0004_unit_tier")]
    operations = [migrations.RunPython(forward, backward)]
