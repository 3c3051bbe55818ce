from django.db import migrations


def fill_runs(apps, schema_editor):
    # The query the code keeps the runs with, over every person (one INSERT … SELECT).
    from parcours.attendance.runs import refresh_every_run

    refresh_every_run()


def empty_runs(apps, schema_editor):
    apps.get_model("attendance", "AbsenceRun").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0003_absence_run"),
    ]

    operations = [
        migrations.RunPython(fill_runs, empty_runs, elidable=False),
    ]
