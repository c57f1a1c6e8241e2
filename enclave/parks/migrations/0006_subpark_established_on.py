"""Sub-parks get the date they were set up (设立日期), so as-of reads (the bulletin) leave them out before it.

Existing rows get the earliest date known of them: their first land won, construction start or completion,
milestone, tenant, or the audit row that registered them; the reference data's 云南五华产业园磨憨园区 the
seed's 2024-07-15 (its land won); never a day later than the migration runs."""

from __future__ import annotations

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

SEED = {"云南五华产业园磨憨园区": dt.date(2024, 7, 15)}


def established_fill(apps, schema_editor):
    SubPark = apps.get_model("parks", "SubPark")
    LandParcel = apps.get_model("land", "LandParcel")
    Milestone = apps.get_model("land", "Milestone")
    Tenant = apps.get_model("land", "Tenant")
    Event = apps.get_model("audit", "Event")
    today = timezone.localdate()
    for subpark in SubPark.objects.filter(established_on__isnull=True):
        days = [today, subpark.construction_started_on, subpark.completed_on, SEED.get(subpark.name)]
        days += LandParcel.objects.filter(subpark_id=subpark.pk).values_list("auctioned_on", flat=True)
        for milestone in Milestone.objects.filter(subpark_id=subpark.pk):
            days += [milestone.due_on, milestone.done_on]
        days += Tenant.objects.filter(subpark_id=subpark.pk).values_list("since_on", flat=True)
        created = (
            Event.objects.filter(object_type="parks.subpark", object_id=str(subpark.pk), verb="create")
            .order_by("at")
            .values_list("at", flat=True)
            .first()
        )
        if created is not None:
            days.append(timezone.localdate(created))
        SubPark.objects.filter(pk=subpark.pk).update(established_on=min(d for d in days if d is not None))


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0005_unit_tier_defaults"),
        ("land", "0002_tenant_lead"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subpark",
            name="established_on",
            field=models.DateField(null=True, verbose_name="设立日期"),
        ),
        migrations.RunPython(established_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subpark",
            name="established_on",
            field=models.DateField(
                help_text="园中园设立（规划建设）的日期；此前的简报和统计不计入该园中园", verbose_name="设立日期"
            ),
        ),
    ]
