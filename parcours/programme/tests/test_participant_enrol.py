"""Enrolling a person from their file (the group searched for among those they can join),
and the rule that nobody joins a group that has ended, on every way in."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants.factories import ParticipantFactory
from parcours.programme import services
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.programme.models import Enrolment
from parcours.testing import assert_bounded_queries, count_queries

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def signed_in(client, social_worker):
    social_worker.language = "en"
    social_worker.save()
    client.force_login(social_worker)
    return client


@pytest.fixture
def person(organisation):
    return ParticipantFactory(organisation=organisation, last_name="Amrani", first_name="Fatima")


@pytest.fixture
def groups(organisation):
    """A group under way, one to come, one ended, one the person has been in."""
    return {
        "running": GroupFactory(
            organisation=organisation,
            name="Remob mars",
            start_date=datetime.date(2026, 1, 5),
            end_date=datetime.date(2026, 6, 30),
        ),
        "upcoming": GroupFactory(
            organisation=organisation,
            name="Remob septembre",
            start_date=datetime.date(2026, 9, 7),
            end_date=datetime.date(2027, 3, 31),
        ),
        "ended": GroupFactory(
            organisation=organisation,
            name="Remob 2025",
            start_date=datetime.date(2025, 1, 6),
            end_date=datetime.date(2025, 10, 31),
        ),
        "been_in": GroupFactory(
            organisation=organisation,
            name="Remob déjà",
            start_date=datetime.date(2026, 1, 5),
            end_date=datetime.date(2026, 12, 18),
        ),
    }


def enrol_url(participant):
    return reverse("programme:participant_enrol", args=[participant.pk])


def file_url(participant):
    return reverse("participants:participant_detail", args=[participant.pk])


def offered(client, participant, term=""):
    response = client.get(
        reverse("programme:group_search"), {"term": term, "to_enrol": participant.pk}
    )
    return {label.split(" · ")[0] for _, label in response.context["options"]}


def test_the_file_of_a_candidate_invites_to_enrol(signed_in, person):
    content = signed_in.get(file_url(person)).content.decode()

    assert "Not enrolled in a group yet (candidate)." in content
    assert enrol_url(person) in content
    assert "The action plan starts with the enrolment in a group." in content


def test_a_leader_is_not_offered_to_enrol(client, workshop_leader, groups, person):
    enrolment = EnrolmentFactory(participant=person, group=groups["running"])
    enrolment.group.staff.add(workshop_leader)
    client.force_login(workshop_leader)

    assert enrol_url(person) not in client.get(file_url(person)).content.decode()
    assert client.get(enrol_url(person)).status_code == 403


def test_the_search_offers_the_groups_the_person_can_join(signed_in, groups, person):
    EnrolmentFactory(participant=person, group=groups["been_in"])

    assert offered(signed_in, person, "remob") == {"Remob mars", "Remob septembre"}
    assert offered(signed_in, person, "sept") == {"Remob septembre"}


def test_the_page_has_no_menu_of_every_group(signed_in, groups, person):
    content = signed_in.get(enrol_url(person)).content.decode()

    assert "Remob mars" not in content
    assert 'role="combobox"' in content
    assert f"to_enrol={person.pk}" in content


def test_enrolling_from_the_file(signed_in, social_worker, groups, person, today):
    response = signed_in.post(enrol_url(person), {"group": groups["running"].pk})

    assert response.status_code == 302
    assert response.url == file_url(person)
    enrolment = Enrolment.objects.get(participant=person)
    # Left empty, the start is today for a group under way.
    assert (enrolment.group, enrolment.start_date) == (groups["running"], today)
    assert AuditEvent.objects.filter(
        record_type="programme.enrolment", action=AuditAction.CREATE, actor=social_worker
    ).exists()
    content = signed_in.get(file_url(person)).content.decode()
    assert "AMRANI Fatima is enrolled in Remob mars from 02/03/2026." in content


def test_an_upcoming_group_starts_on_its_first_day(signed_in, groups, person):
    signed_in.post(enrol_url(person), {"group": groups["upcoming"].pk})

    assert Enrolment.objects.get(participant=person).start_date == datetime.date(2026, 9, 7)


def test_a_start_outside_the_group_is_refused(signed_in, groups, person):
    response = signed_in.post(
        enrol_url(person), {"group": groups["running"].pk, "start_date": "2026-07-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"start_date": ["The group ends on 30/06/2026."]}
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("which", ["ended", "been_in"])
def test_a_group_the_person_cannot_join_is_refused(signed_in, groups, person, which):
    EnrolmentFactory(participant=person, group=groups["been_in"])

    response = signed_in.post(enrol_url(person), {"group": groups[which].pk})

    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert person.enrolments.count() == 1


def test_a_busy_person_is_warned_then_enrolled(signed_in, groups, person):
    EnrolmentFactory(participant=person, group=groups["been_in"])

    warned = signed_in.post(enrol_url(person), {"group": groups["running"].pk})
    assert "The person is also in the group Remob déjà since" in warned.content.decode()
    assert person.enrolments.count() == 1

    signed_in.post(enrol_url(person), {"group": groups["running"].pk, "confirm_warnings": "on"})
    assert person.enrolments.count() == 2


def test_the_enrol_page_keeps_its_queries_bounded(signed_in, organisation, groups, person):
    def grow():
        for _ in range(8):
            group = GroupFactory(organisation=organisation, end_date=datetime.date(2026, 12, 1))
            EnrolmentFactory(group=group, participant__organisation=organisation)
        EnrolmentFactory(participant=person, group=groups["been_in"])

    # Session, user, the person (with the partner check of a leader's scope: none here).
    assert_bounded_queries(signed_in, enrol_url(person), grow=grow, expected=3)


def test_the_file_page_keeps_its_queries_bounded_before_and_after_enrolment(
    signed_in, organisation, groups, person
):
    url = file_url(person)
    signed_in.get(url)
    candidate = count_queries(signed_in, url)
    EnrolmentFactory(participant=person, group=groups["running"])
    enrolled = count_queries(signed_in, url)
    for _ in range(5):
        EnrolmentFactory(participant=person, group=GroupFactory(organisation=organisation))

    # The journey, its actions and the attendance read in a fixed number of queries
    # whatever the history (test_file.py names them); a candidate's file reads fewer.
    assert count_queries(signed_in, url) == enrolled
    assert candidate < enrolled


# -- an ended group ------------------------------------------------------------------------


def test_an_ended_group_offers_no_enrolment(signed_in, groups):
    ended = groups["ended"]
    page = signed_in.get(reverse("programme:group_detail", args=[ended.pk])).content.decode()
    assert reverse("programme:enrolment_create", args=[ended.pk]) not in page

    running = groups["running"]
    page = signed_in.get(reverse("programme:group_detail", args=[running.pk])).content.decode()
    assert reverse("programme:enrolment_create", args=[running.pk]) in page


def test_the_enrol_page_of_an_ended_group_says_why_and_enrols_nobody(signed_in, groups, person):
    url = reverse("programme:enrolment_create", args=[groups["ended"].pk])

    page = signed_in.get(url)
    assert page.status_code == 200
    assert (
        "The group Remob 2025 ended on 31/10/2025: nobody can be enrolled in it any more."
        in page.content.decode()
    )
    assert "<form" not in page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]

    signed_in.post(url, {"participant": person.pk, "start_date": "2025-03-03"})
    assert not Enrolment.objects.exists()


def test_the_service_refuses_a_start_after_the_group_ended(social_worker, groups, person):
    with pytest.raises(ValidationError, match=r"Remob 2025 .* 31/10/2025 : plus personne ne peut"):
        services.enrolment_create(
            participant=person,
            group=groups["ended"],
            start_date=datetime.date(2025, 11, 3),
            by=social_worker,
        )
    assert not Enrolment.objects.exists()


def test_a_finished_programme_can_still_be_recorded_as_it_happened(social_worker, groups, person):
    # The API copying another system's history, the demo: the start within the dates.
    enrolment = services.enrolment_create(
        participant=person,
        group=groups["ended"],
        start_date=datetime.date(2025, 1, 6),
        by=social_worker,
    )
    assert enrolment.group == groups["ended"]


def test_the_open_groups_rule(groups, today):
    ended, running = groups["ended"], groups["running"]
    assert not ended.open_for_enrolment(today)
    assert ended.open_for_enrolment(ended.end_date)
    assert running.open_for_enrolment(today)
    assert set(type(ended).objects.open_for_enrolment(today)) == {
        running,
        groups["upcoming"],
        groups["been_in"],
    }
