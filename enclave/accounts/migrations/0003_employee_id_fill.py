"""Accounts made before 工号 existed get a placeholder employee id (U000042) the administrator then corrects."""

from django.db import migrations


def fill(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(employee_id__isnull=True):
        user.employee_id = f"U{user.pk:06d}"
        user.save(update_fields=["employee_id"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_security_fields")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
