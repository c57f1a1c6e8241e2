"""Default scoring items, targets and bonus rule (marked is_default), and the two groups of the bonus
workflow: 市考核办 (confirm_bonus) and 行业主管部门 (remark_bonus)."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

from enclave.assessment import defaults

GROUPS = {"市考核办": "confirm_bonus", "行业主管部门": "remark_bonus"}


def forward(apps, schema_editor):
    ScoringItem = apps.get_model("assessment", "ScoringItem")
    Target = apps.get_model("assessment", "Target")
    BonusRule = apps.get_model("assessment", "BonusRule")
    items, targets = defaults.rows()
    for row in items:
        ScoringItem.objects.get_or_create(
            tier=row["tier"], period_kind=row["period_kind"], source=row["source"],
            effective_from=row["effective_from"], defaults=row,
        )  # fmt: skip
    for row in targets:
        Target.objects.get_or_create(
            tier=row["tier"], source=row["source"], quarter=row["quarter"], effective_from=row["effective_from"],
            defaults=row,
        )  # fmt: skip
    BonusRule.objects.get_or_create(
        effective_from=defaults.FROM_YEAR, defaults={**defaults.BONUS_RULE, "note": defaults.NOTE}
    )
    # Permissions are normally made after migrating; make this app's now so the groups can hold them.
    config = apps.get_app_config("assessment")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codename in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(Permission.objects.get(content_type__app_label="assessment", codename=codename))


def backward(apps, schema_editor):
    apps.get_model("assessment", "ScoringItem").objects.filter(is_default=True).delete()
    apps.get_model("assessment", "Target").objects.filter(is_default=True).delete()
    apps.get_model("assessment", "BonusRule").objects.filter(is_default=True).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forward, backward)]
