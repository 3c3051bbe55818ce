"""The trigram index of the participant search (PostgreSQL) and its migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant

BEFORE = [("participants", "0009_consent_reminder_purposes")]
AFTER = [("participants", "0010_participant_search_trigram_index")]
INDEX = "participant_search_trgm_idx"


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)


def _has_index() -> bool:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Participant._meta.db_table)
    return INDEX in constraints


def _person(organisation, last_name, first_name):
    participant = ParticipantFactory.build(
        organisation=organisation, last_name=last_name, first_name=first_name
    )
    participant.refresh_search_text()
    participant.save()
    return participant


@pytest.mark.django_db(transaction=True)
def test_the_migration_adds_the_index_on_postgresql_only_and_can_be_undone(organisation):
    diallo = _person(organisation, "Diallo", "Aïcha")
    _person(organisation, "Dupont", "Marc")

    _migrate(BEFORE)
    assert not _has_index()
    _migrate(AFTER)

    assert _has_index() == (connection.vendor == "postgresql")
    # The search is the same with or without the index, on both databases.
    assert list(Participant.objects.matching("AICHA diall")) == [diallo]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_can_answer_a_word_from_the_index(organisation):
    _person(organisation, "Diallo", "Aïcha")
    query = Participant.objects.matching("diallo")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows would be read whole anyway: forbid that, to see the index used.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert INDEX in plan
