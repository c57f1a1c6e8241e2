from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from enclave.parks.reference import load

    load(apps)


def add_wuhua_subpark(apps, schema_editor):
    Unit = apps.get_model("parks", "Unit")
    Park = apps.get_model("parks", "Park")
    ParkArea = apps.get_model("parks", "ParkArea")
    SubPark = apps.get_model("parks", "SubPark")
    park = Park.objects.get(code="mohan")
    SubPark.objects.get_or_create(
        name="云南五华产业园磨憨园区",
        defaults={
            "unit": Unit.objects.get(code="530102"),
            "park": park,
            "area": ParkArea.objects.filter(park=park, name="南坡片区").first(),
            "note": "2024-07-15 竞得47.03亩；计划投资2.92亿元；研发中心1幢、后勤综合楼1幢、标准化厂房2幢",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("parks", "0001_initial")]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(add_wuhua_subpark, migrations.RunPython.noop),
    ]
