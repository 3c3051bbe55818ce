"""The report form's group field: searched, not listed; its search offers every group of
the organisation to every role that sees the figures, and nothing of another one."""

import pytest
from django.urls import reverse

from parcours.programme.factories import GroupFactory
from parcours.testing import FROZEN_TODAY, count_queries

# The clock is stopped: the report's year is the same whatever the day of the run.
pytestmark = pytest.mark.usefixtures("frozen_today")
YEAR = FROZEN_TODAY.year - 1
SEARCH = reverse("reporting:group_search")
REPORT = reverse("reporting:report") + f"?year={YEAR}"


def names(response) -> set[str]:
    return {label.split(" · ")[0] for _, label in response.context["options"]}


@pytest.fixture
def groups(organisation, other_organisation):
    GroupFactory(organisation=organisation, name="Atelier cuisine")
    GroupFactory(organisation=other_organisation, name="Atelier d'ailleurs")


@pytest.mark.parametrize("role", ["coordinator", "social_worker", "workshop_leader", "viewer"])
def test_every_role_seeing_figures_finds_the_organisation_s_groups(client, personas, groups, role):
    client.force_login(personas[role])

    assert names(client.get(SEARCH, {"term": "ATELIER"})) == {"Atelier cuisine"}


def test_another_organisation_finds_only_its_own(client, outsider, groups):
    client.force_login(outsider)

    assert names(client.get(SEARCH, {"term": "atelier"})) == {"Atelier d'ailleurs"}


def test_the_report_form_shows_the_chosen_group_by_name(client, coordinator, organisation):
    group = GroupFactory(organisation=organisation, name="Atelier cuisine")
    client.force_login(coordinator)

    html = client.get(f"{REPORT}&group={group.pk}").content.decode()

    assert f'name="group" value="{group.pk}"' in html
    assert 'value="Atelier cuisine' in html


def test_the_report_form_does_not_grow_with_the_groups(client, coordinator, organisation):
    client.force_login(coordinator)
    GroupFactory.create_batch(5, organisation=organisation)
    client.get(REPORT)
    few = client.get(REPORT)
    few_queries = count_queries(client, REPORT)
    for number in range(45):
        GroupFactory(organisation=organisation, name=f"Groupe au nom assez long {number}")

    many = client.get(REPORT)

    assert len(many.content) == len(few.content)
    assert count_queries(client, REPORT) == few_queries
    assert "Groupe au nom assez long" not in many.content.decode()
