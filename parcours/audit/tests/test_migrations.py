import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parcours.audit import chain, protection
from parcours.audit.models import AuditEvent
from parcours.participants.factories import ParticipantFactory

BEFORE = [("audit", "0001_initial")]
# The latest: the test reads the rows back through today's model.
AFTER = [("audit", "0005_label_as_a_code")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_sealed_and_chained(organisation):
    participant = ParticipantFactory(organisation=organisation, last_name="Diallo")
    old = _migrate(BEFORE)
    OldEvent = old.get_model("audit", "AuditEvent")
    about_the_person = OldEvent.objects.create(
        organisation_id=organisation.pk,
        action="update",
        record_type="participants.participant",
        record_id=str(participant.pk),
        record_label=str(participant),
        changes={"last_name": {"before": "Diallo", "after": "Barry"}},
    )
    about_no_one = OldEvent.objects.create(
        organisation_id=organisation.pk,
        action="create",
        record_type="workbook.import",
        record_id="20260101",
        record_label="Workbook import: programme.xlsx",
        changes={},
    )

    _migrate(AFTER)

    sealed, plain = (
        AuditEvent.objects.get(pk=about_the_person.pk),
        AuditEvent.objects.get(pk=about_no_one.pk),
    )
    assert (sealed.subject_id, sealed.changes) == (participant.pk, {})
    assert "Diallo" not in sealed.record_label
    assert sealed.plain_changes == {"last_name": {"before": "Diallo", "after": "Barry"}}
    assert plain.record_label == "Workbook import: programme.xlsx"
    assert [sealed.sequence, plain.sequence] == [1, 2]
    assert chain.verify(organisation.pk) == (2, [])
    assert protection.installed(connection)
