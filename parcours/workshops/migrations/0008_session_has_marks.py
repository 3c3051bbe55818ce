from django.db import migrations, models
from django.db.models import Exists, OuterRef


def mark_started_registers(apps, schema_editor):
    Session = apps.get_model("workshops", "Session")
    Attendance = apps.get_model("attendance", "Attendance")
    Session.objects.filter(Exists(Attendance.objects.filter(session=OuterRef("pk")))).update(
        has_marks=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0007_session_duration_minutes"),
        ("attendance", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="has_marks",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                help_text="Whether at least one person has a mark at this session.",
                verbose_name="register started",
            ),
        ),
        # The column is dropped on the way back: nothing to undo.
        migrations.RunPython(mark_started_registers, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                condition=models.Q(("cancelled", False), ("has_marks", False)),
                fields=["organisation", "date"],
                name="session_unmarked_idx",
            ),
        ),
    ]
