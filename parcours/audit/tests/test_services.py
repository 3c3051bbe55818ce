import datetime

import pytest
from django.core.exceptions import ValidationError

from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose
from parcours.audit.services import create_record, delete_record, record_opened, update_record
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant


def _new_participant(organisation, **values):
    return Participant(
        organisation=organisation,
        reference=values.get("reference", "ER-1"),
        last_name="Diallo",
        first_name="Aïcha",
        gender="F",
        birth_date=datetime.date(1984, 3, 9),
    )


@pytest.mark.django_db
def test_create_records_who_and_initial_values(organisation, social_worker):
    participant = create_record(obj=_new_participant(organisation), by=social_worker)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CREATE
    assert event.actor == social_worker
    assert event.organisation == organisation
    assert (event.record_type, event.record_id) == ("participants.participant", str(participant.pk))
    assert event.plain_changes["last_name"] == {"before": None, "after": "Diallo"}
    assert event.plain_changes["birth_date"] == {"before": None, "after": "1984-03-09"}


@pytest.mark.django_db
def test_update_records_only_what_changed(organisation, social_worker):
    participant = ParticipantFactory(organisation=organisation, last_name="Diallo")

    update_record(
        obj=participant,
        by=social_worker,
        last_name="Diallo-Barry",
        first_name=participant.first_name,
    )

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.UPDATE
    assert event.plain_changes == {"last_name": {"before": "Diallo", "after": "Diallo-Barry"}}


@pytest.mark.django_db
def test_update_compares_with_the_database_not_the_instance(organisation, social_worker):
    """A bound ModelForm writes the new values on the instance before the service runs."""
    participant = ParticipantFactory(organisation=organisation, last_name="Diallo")
    participant.last_name = "Barry"  # what form validation does

    update_record(obj=participant, by=social_worker)

    assert AuditEvent.objects.get().plain_changes == {
        "last_name": {"before": "Diallo", "after": "Barry"}
    }


@pytest.mark.django_db
def test_update_without_change_writes_no_event(organisation, social_worker):
    participant = ParticipantFactory(organisation=organisation)
    update_record(obj=participant, by=social_worker, last_name=participant.last_name)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_delete_keeps_the_last_values(organisation, coordinator):
    participant = ParticipantFactory(organisation=organisation, reference="ER-9")
    pk = participant.pk

    delete_record(obj=participant, by=coordinator)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.DELETE
    assert event.record_id == str(pk)
    assert event.plain_changes["reference"] == {"before": "ER-9", "after": None}
    assert not Participant.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_invalid_record_writes_neither_record_nor_event(organisation, social_worker):
    ParticipantFactory(organisation=organisation, reference="ER-1")

    with pytest.raises(ValidationError, match="Un autre participant a déjà ce numéro de dossier"):
        create_record(obj=_new_participant(organisation, reference="ER-1"), by=social_worker)

    assert Participant.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_opening_a_record_is_traced(organisation, workshop_leader):
    participant = ParticipantFactory(organisation=organisation)
    record_opened(obj=participant, by=workshop_leader, purpose=AuditPurpose.CONSULTATION)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.purpose, event.plain_changes) == (
        AuditAction.VIEW,
        workshop_leader,
        AuditPurpose.CONSULTATION,
        {},
    )


@pytest.mark.django_db
def test_passwords_never_reach_the_trail(organisation, coordinator):
    from parcours.accounts.services import user_create

    user_create(
        organisation=organisation,
        by=coordinator,
        username="new.colleague",
        first_name="Nina",
        last_name="Claes",
        email="nina@example.org",
        role="social_worker",
        language="nl",
        password="a-very-long-passphrase-2026",
    )
    event = AuditEvent.objects.get()
    assert "password" not in event.plain_changes
    assert event.plain_changes["role"]["after"] == "social_worker"
