"""When each person left: StaffProfile.left_at, set for people already inactive from the last
change to their profile (the nearest record there is of when they were marked inactive)."""

from django.db import migrations, models
from django.db.models import F


def set_left_at_of_people_already_inactive(apps, schema_editor):
    StaffProfile = apps.get_model("people", "StaffProfile")
    StaffProfile.objects.filter(active=False, left_at__isnull=True).update(left_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_people_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffprofile",
            name="left_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(set_left_at_of_people_already_inactive, migrations.RunPython.noop),
    ]
