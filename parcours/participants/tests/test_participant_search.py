"""The people search behind the enrolment and expense forms: the people the user may
see, named with their file only, never another organisation's."""

import datetime

import pytest
from django.urls import reverse

from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing import count_queries


def search(client, term="", **params):
    return client.get(reverse("participants:participant_search"), {"term": term, **params})


def names(response) -> set[str]:
    return {label.split(" · ")[0] for _, label in response.context["options"]}


@pytest.fixture
def group(organisation, workshop_leader):
    group = GroupFactory(organisation=organisation)
    group.staff.add(workshop_leader)
    return group


@pytest.fixture
def people(organisation, other_organisation, group, social_worker):
    aicha = ParticipantFactory(
        organisation=organisation,
        last_name="Diallo",
        first_name="Aïcha",
        social_worker=social_worker,
    )
    EnrolmentFactory(participant=aicha, group=group, start_date=group.start_date)
    ParticipantFactory(organisation=organisation, last_name="Diallo", first_name="Mamadou")
    ParticipantFactory(organisation=other_organisation, last_name="Diallo", first_name="Awa")
    return aicha


@pytest.mark.parametrize("role", ["coordinator", "social_worker"])
def test_casework_finds_the_organisation_s_people_whatever_the_accents(
    client, personas, people, role
):
    client.force_login(personas[role])

    response = search(client, "AICHA")

    assert names(response) == {"DIALLO Aïcha"}
    assert names(search(client, "diallo")) == {"DIALLO Aïcha", "DIALLO Mamadou"}


def test_a_leader_finds_only_the_people_of_their_groups_without_social_data(
    client, workshop_leader, people, social_worker
):
    client.force_login(workshop_leader)

    response = search(client, "diallo")

    assert len(response.context["options"]) == 1
    assert "Aïcha" in response.content.decode()
    assert social_worker.last_name not in response.content.decode()


def test_a_viewer_may_not_search_people(client, viewer, people):
    client.force_login(viewer)

    assert search(client, "diallo").status_code == 403


def test_another_organisation_s_people_are_never_offered(client, outsider, people):
    client.force_login(outsider)

    assert "Awa" in search(client, "diallo").content.decode()
    assert len(search(client, "diallo").context["options"]) == 1


def test_the_people_already_in_the_group_can_be_left_out(client, coordinator, people, group):
    client.force_login(coordinator)

    response = search(client, "diallo", not_in_group=group.pk)

    assert "Mamadou" in response.content.decode()
    assert "Aïcha" not in response.content.decode()


def test_anonymised_files_are_not_offered(client, coordinator, people):
    people.anonymised_on = datetime.date(2026, 1, 1)
    people.save()
    client.force_login(coordinator)

    assert "Aïcha" not in search(client, "diallo").content.decode()


def test_the_answer_is_bounded_whatever_the_number_of_people(client, coordinator, organisation):
    client.force_login(coordinator)
    ParticipantFactory.create_batch(5, organisation=organisation, last_name="Martin")
    url = reverse("participants:participant_search") + "?term=martin&for=id_participant"
    client.get(url)
    few = count_queries(client, url)
    ParticipantFactory.create_batch(40, organisation=organisation, last_name="Martin")

    # Session, user; the people (at most SEARCH_LIMIT + 1).
    assert (few, count_queries(client, url)) == (3, 3)


def test_the_participant_list_does_not_grow_with_the_groups(client, coordinator, organisation):
    client.force_login(coordinator)
    url = reverse("participants:participant_list")
    GroupFactory.create_batch(5, organisation=organisation)
    client.get(url)
    few = client.get(url)
    for number in range(45):
        GroupFactory(organisation=organisation, name=f"Groupe au nom assez long {number}")

    many = client.get(url)

    assert len(many.content) == len(few.content)
    assert "Groupe au nom assez long" not in many.content.decode()


def test_the_participant_list_shows_the_chosen_group_by_name(client, coordinator, group):
    client.force_login(coordinator)

    html = client.get(reverse("participants:participant_list"), {"group": group.pk}).content
    html = html.decode()

    assert f'name="group" value="{group.pk}"' in html
    assert f'value="{group.name} · ' in html
