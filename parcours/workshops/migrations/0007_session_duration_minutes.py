from django.db import migrations, models
from django.db.models.functions import ExtractHour, ExtractMinute


def fill_durations(apps, schema_editor):
    """The length of every existing session, in one UPDATE (computed from the times once,
    here, rather than on every report)."""
    Session = apps.get_model("workshops", "Session")
    Session.objects.update(
        duration_minutes=ExtractHour("end_time") * 60
        + ExtractMinute("end_time")
        - ExtractHour("start_time") * 60
        - ExtractMinute("start_time")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0006_provider_leaders"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="duration_minutes",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="length in minutes"
            ),
        ),
        # Backwards, removing the column is enough.
        migrations.RunPython(fill_durations, migrations.RunPython.noop),
    ]
