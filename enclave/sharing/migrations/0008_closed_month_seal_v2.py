from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sharing", "0007_report_indicators_cover_index")]

    operations = [
        migrations.AddField(
            model_name="closedmonth",
            name="seal_version",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="closedmonth",
            name="digests",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="closedmonth",
            name="audit_head_id",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="closedmonth",
            name="audit_head_mac",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
    ]
