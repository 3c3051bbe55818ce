"""The audit table accepts inserts only: triggers refuse UPDATE, DELETE (and TRUNCATE on
PostgreSQL), see parcours.audit.protection."""

from django.db import migrations, models

from parcours.audit import protection


def install(apps, schema_editor):
    protection.install(schema_editor.connection)


def remove(apps, schema_editor):
    protection.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_seal_and_chain_existing_rows")]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("organisation", "sequence"), name="audit_sequence_unique"
            ),
        ),
        migrations.RunPython(install, remove),
    ]
