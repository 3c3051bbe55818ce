"""The label of a row as a code and its parameters (parcours.audit.labels), worded when
read. Existing rows keep it empty, their words and their hashes as they are: adding a
nullable column rewrites no row, so the append-only triggers let it through."""

from django.db import migrations, models

from parcours.audit import protection


def put_the_triggers_back(apps, schema_editor):
    # Going back drops the column; SQLite does so by rebuilding the table, which loses
    # its triggers: they are installed again on the rebuilt table.
    protection.remove(schema_editor.connection)
    protection.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_append_only")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, put_the_triggers_back),
        migrations.AddField(
            model_name="auditevent",
            name="label_message",
            field=models.JSONField(
                blank=True,
                help_text=(
                    "The label as a code and its parameters, worded in the reader's language "
                    "(parcours.audit.labels); the record field keeps the words of the time."
                ),
                null=True,
                verbose_name="record, as a code",
            ),
        ),
    ]
