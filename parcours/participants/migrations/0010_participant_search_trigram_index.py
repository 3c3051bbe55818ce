"""On PostgreSQL, a trigram index on the participants' normalised search text.

The search looks for each typed word anywhere in ``search_text`` (``LIKE '%word%'``,
``Participant.objects.matching``), which a B-tree cannot serve: without this index every
search reads every file of the table. A GIN index of trigrams (``pg_trgm``, shipped with
PostgreSQL and trusted: the database's owner may create it) answers a word of three
letters or more from the index. SQLite has no such index: there the search reads the
table, which stays fast at the sizes one CPAS keeps in SQLite. The index is not declared
in the model's ``Meta`` because Django's ``GinIndex`` would be created on SQLite too.
"""

from django.db import migrations

INDEX = "participant_search_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("participants", "Participant")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {table} USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes of the database may use it, and without this
    # index it costs nothing.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0009_consent_reminder_purposes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
