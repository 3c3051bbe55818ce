import datetime

import pytest
from django.urls import reverse

from parcours.assessments.factories import ActionFactory
from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants.factories import (
    ConsentFactory,
    InterventionFactory,
    LiteracyTestFactory,
    ParticipantFactory,
)
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing import assert_bounded_queries


def _file_url(participant):
    return reverse("participants:participant_detail", args=[participant.pk])


@pytest.fixture
def followed(social_worker, workshop_leader):
    """A participant in a group the leader is in charge of, with a full history."""
    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )
    enrolment.group.staff.add(workshop_leader)
    participant = enrolment.participant
    InterventionFactory(participant=participant, author=social_worker, notes="Note très privée")
    ConsentFactory(participant=participant, collected_by=social_worker)
    LiteracyTestFactory(participant=participant, examiner=social_worker)
    return participant


@pytest.mark.django_db
def test_the_file_tells_the_story(client, social_worker, followed):
    client.force_login(social_worker)

    content = client.get(_file_url(followed)).content.decode()

    assert followed.last_name.upper() in content
    assert followed.enrolments.get().group.name in content
    assert "Note très privée" in content
    assert "Suivi individuel" in content  # the consent's purpose
    assert "Alphabétisation" in content or "alpha" in content.lower()


@pytest.mark.django_db
def test_every_opening_of_a_file_is_recorded(client, workshop_leader, followed):
    client.force_login(workshop_leader)
    client.get(_file_url(followed))
    client.get(_file_url(followed))
    events = AuditEvent.objects.filter(
        action=AuditAction.VIEW, record_id=str(followed.pk), actor=workshop_leader
    )
    assert events.count() == 2


@pytest.mark.django_db
def test_a_leader_sees_names_and_groups_but_no_social_data(client, workshop_leader, followed):
    client.force_login(workshop_leader)

    content = client.get(_file_url(followed)).content.decode()

    assert followed.enrolments.get().group.name in content
    assert "Note très privée" not in content
    assert followed.consents.get().get_purpose_display() not in content
    assert reverse("participants:export_pdf", args=[followed.pk]) not in content


@pytest.mark.django_db
def test_a_leader_cannot_open_the_file_of_someone_outside_their_groups(
    client, workshop_leader, organisation
):
    stranger = EnrolmentFactory(
        group=GroupFactory(organisation=organisation), participant__organisation=organisation
    ).participant
    client.force_login(workshop_leader)
    assert client.get(_file_url(stranger)).status_code == 404


@pytest.mark.django_db
def test_file_page_query_count_does_not_grow_with_history(client, social_worker, followed):
    client.force_login(social_worker)

    def grow():
        InterventionFactory.create_batch(30, participant=followed, author=social_worker)
        for _ in range(5):
            EnrolmentFactory(participant=followed, group__organisation=followed.organisation)
        LiteracyTestFactory.create_batch(4, participant=followed, examiner=social_worker)
        ActionFactory.create_batch(6, enrolment=followed.enrolments.first())

    # Session, user with organisation, participant with social worker, the audit row (the
    # chain head locked and moved, the person's key, the row),
    # enrolments with groups, consents with collectors, intervention totals, recent
    # interventions with authors, their domains, literacy tests with examiners, the
    # ratings of the current enrolment's assessments (the journey) and its self-assessments'
    # answers, the open actions,
    # and the attendance rate (the sessions held for the person with their marks: one
    # aggregate).
    assert_bounded_queries(client, _file_url(followed), grow=grow, expected=17)


@pytest.mark.django_db
def test_candidate_without_group(client, social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    client.force_login(social_worker)
    response = client.get(_file_url(participant))
    assert response.status_code == 200
    assert response.context["story"].enrolments == []


@pytest.mark.django_db
def test_the_open_actions_show_on_the_file(client, social_worker, followed):
    enrolment = followed.enrolments.get()
    ActionFactory(enrolment=enrolment, description="Rendez-vous au CPAS pour la carte médicale")
    ActionFactory(enrolment=enrolment, description="Action terminée", status="done")
    client.force_login(social_worker)

    content = client.get(_file_url(followed)).content.decode()

    assert "Rendez-vous au CPAS pour la carte médicale" in content
    assert "Action terminée" not in content


@pytest.mark.django_db
def test_the_action_plan_card_adds_an_action_to_the_enrolment_under_way(
    client, social_worker, workshop_leader, followed
):
    enrolment = followed.enrolments.get()
    add = reverse("assessments:action_create", args=[enrolment.pk])
    client.force_login(social_worker)
    assert add in client.get(_file_url(followed)).content.decode()

    client.force_login(workshop_leader)
    assert add not in client.get(_file_url(followed)).content.decode()


@pytest.mark.parametrize(
    ("street", "postal_code", "city", "shown"),
    [
        ("Rue Haute 12", "1000", "Bruxelles", "Rue Haute 12, 1000 Bruxelles"),
        ("", "1000", "Bruxelles", "1000 Bruxelles"),
        ("", "", "Bruxelles", "Bruxelles"),
        ("Rue Haute 12", "", "", "Rue Haute 12"),
        ("", "", "", ""),
    ],
)
def test_the_postal_address_shows_what_is_known(street, postal_code, city, shown):
    person = ParticipantFactory.build(address=street, postal_code=postal_code, city=city)
    assert person.postal_address == shown


@pytest.mark.django_db
def test_the_file_shows_the_town_without_a_street(client, social_worker):
    person = ParticipantFactory(
        organisation=social_worker.organisation, address="", postal_code="1080", city="Molenbeek"
    )
    client.force_login(social_worker)
    assert "<dd>1080 Molenbeek</dd>" in client.get(_file_url(person)).content.decode()


def test_one_rule_shows_a_name():
    person = ParticipantFactory.build(last_name="Amrani", first_name="Fatima")
    assert person.display_name == str(person) == "AMRANI Fatima"
    person.anonymised_on = datetime.date(2026, 1, 1)
    assert person.display_name == "Dossier anonymisé"
