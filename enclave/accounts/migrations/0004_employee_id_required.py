from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_employee_id_fill")]
    operations = [
        migrations.AlterField(
            model_name="user",
            name="employee_id",
            field=models.CharField(max_length=32, unique=True, verbose_name="工号"),
        ),
    ]
