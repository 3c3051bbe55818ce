"""The group search behind the participant list's filter and the enrolment forms: the
groups the user may see, a bounded answer, and no menu of every group on the pages."""

import pytest
from django.urls import reverse

from parcours.core.widgets import SEARCH_LIMIT
from parcours.programme.factories import GroupFactory
from parcours.testing import count_queries


def search(client, term="", **params):
    return client.get(reverse("programme:group_search"), {"term": term, **params})


@pytest.fixture
def groups(organisation, other_organisation, workshop_leader):
    mine = GroupFactory(organisation=organisation, name="Atelier Français")
    mine.staff.add(workshop_leader)
    GroupFactory(organisation=organisation, name="ATELIER cuisine")
    GroupFactory(organisation=other_organisation, name="Atelier d'ailleurs")
    return mine


def names(response) -> set[str]:
    return {label.split(" · ")[0] for _, label in response.context["options"]}


@pytest.mark.parametrize("role", ["coordinator", "social_worker"])
def test_casework_finds_the_organisation_s_groups_whatever_the_case(client, personas, groups, role):
    client.force_login(personas[role])

    response = search(client, "atelier")

    assert response.status_code == 200
    assert names(response) == {"Atelier Français", "ATELIER cuisine"}


def test_a_leader_finds_only_their_groups(client, workshop_leader, groups):
    client.force_login(workshop_leader)

    assert names(search(client, "atelier")) == {"Atelier Français"}


def test_a_viewer_may_not_search_groups(client, viewer, groups):
    client.force_login(viewer)

    assert search(client, "atelier").status_code == 403


def test_another_organisation_s_groups_are_never_offered(client, outsider, groups):
    client.force_login(outsider)

    assert names(search(client, "atelier")) == {"Atelier d'ailleurs"}


def test_signed_out_is_sent_to_sign_in(client, groups):
    assert search(client, "atelier").status_code == 302


def test_the_answer_is_bounded_whatever_the_number_of_groups(client, coordinator, organisation):
    client.force_login(coordinator)
    GroupFactory.create_batch(5, organisation=organisation)
    url = reverse("programme:group_search") + "?term=groupe&for=id_group"
    client.get(url)
    few = count_queries(client, url)
    GroupFactory.create_batch(45, organisation=organisation)

    # Session, user; the groups (at most SEARCH_LIMIT + 1).
    assert (few, count_queries(client, url)) == (3, 3)
    assert len(client.get(url).context["options"]) == SEARCH_LIMIT
