import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from parcours.accounts.models import User
from parcours.assessments.factories import DomainRatingFactory
from parcours.assessments.models import DomainRating
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditEvent, AuditPurpose, SubjectKey
from parcours.audit.sealing import open_events, subject_of, subject_path
from parcours.audit.services import forget_subject, record_opened, update_record
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import InterventionDomain, Participant
from parcours.programme.factories import EnrolmentFactory
from parcours.programme.models import Group

NAME, NISS = "Diallo", "85073003328"


def _raw_trail() -> str:
    """Every stored value of the audit table, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


@pytest.fixture
def person(organisation, social_worker):
    participant = ParticipantFactory(organisation=organisation, last_name=NAME, niss=NISS)
    update_record(obj=participant, by=social_worker, last_name=f"{NAME}-Barry")
    record_opened(obj=participant, by=social_worker, purpose=AuditPurpose.CONSULTATION)
    return participant


def test_records_are_linked_to_their_participant_through_their_relations():
    assert subject_path(Participant) == ("pk",)
    assert subject_path(Attendance) == ("participant_id",)
    assert subject_path(DomainRating) == ("assessment", "enrolment", "participant_id")
    assert subject_path(InterventionDomain) == ("intervention", "participant_id")
    assert subject_path(Group) is None
    assert subject_path(User) is None


@pytest.mark.django_db
def test_a_row_about_a_participant_keeps_nothing_in_clear(person):
    rating = DomainRatingFactory(
        assessment__enrolment__participant=person,
        assessment__enrolment__group__organisation=person.organisation,
    )
    update_record(obj=rating, by=None, rating=2)

    raw = _raw_trail()
    assert NAME not in raw
    assert NISS not in raw
    events = list(AuditEvent.objects.order_by("sequence"))
    assert {event.subject_id for event in events} == {person.pk}
    assert events[0].record_label == f"participants.participant #{person.pk}"
    assert events[0].plain_label == f"{NAME.upper()}-BARRY {person.first_name}"
    assert events[0].plain_changes["last_name"] == {"before": NAME, "after": f"{NAME}-Barry"}
    assert subject_of(rating) == person.pk
    assert SubjectKey.objects.filter(participant_id=person.pk).count() == 1


@pytest.mark.django_db
def test_forgetting_a_person_erases_them_and_no_one_else(
    client, organisation, coordinator, social_worker, person
):
    other = ParticipantFactory(organisation=organisation, last_name="Peeters")
    update_record(obj=other, by=social_worker, first_name="Jan")

    forget_subject(participant_id=person.pk, organisation_id=organisation.pk)
    forget_subject(participant_id=person.pk, organisation_id=organisation.pk)

    events = list(AuditEvent.objects.order_by("sequence"))
    open_events(events)
    assert [event.opened["erased"] for event in events] == [True, True, False]
    assert events[2].plain_changes["first_name"]["after"] == "Jan"
    assert SubjectKey.objects.get(participant_id=person.pk).key is None
    raw = _raw_trail()
    assert NAME not in raw
    assert NISS not in raw
    call_command("audit_verify")  # exits with status 1 when the chain is broken
    client.force_login(coordinator)
    content = client.get(reverse("audit:event_list")).content.decode()
    assert content.count("Effacé") == 2
    assert "PEETERS Jan" in content


@pytest.mark.django_db
def test_what_is_written_about_a_forgotten_person_cannot_be_read(organisation, social_worker):
    participant = ParticipantFactory(organisation=organisation, last_name=NAME)
    forget_subject(participant_id=participant.pk, organisation_id=organisation.pk)

    update_record(obj=participant, by=social_worker, last_name="Anonyme")

    event = AuditEvent.objects.get()
    assert event.sealed
    assert event.opened["erased"]
    assert NAME not in _raw_trail()


@pytest.mark.django_db
def test_enrolment_rows_use_the_persons_key(organisation, social_worker):
    enrolment = EnrolmentFactory(group__organisation=organisation)
    update_record(obj=enrolment, by=social_worker, start_date=enrolment.start_date.replace(day=6))

    forget_subject(participant_id=enrolment.participant_id, organisation_id=organisation.pk)

    assert AuditEvent.objects.get().opened["erased"]


@pytest.mark.django_db
def test_a_lazy_object_is_followed_to_what_it_stands_for(organisation):
    """request.user is a SimpleLazyObject: its record is the user's."""
    participant = ParticipantFactory(organisation=organisation)
    assert subject_of(SimpleLazyObject(lambda: participant)) == participant.pk
