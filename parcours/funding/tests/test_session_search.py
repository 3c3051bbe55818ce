"""The session field of a session charge is searched, not listed: its search offers the
sessions the grant may be charged with, by workshop or group name, to a coordinator of
the grant's organisation only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from parcours.funding.models import Funder, Grant
from parcours.programme.factories import GroupFactory
from parcours.testing import count_queries
from parcours.workshops.factories import SessionFactory, WorkshopFactory

SEARCH = reverse("funding:session_search")


def _grant(organisation):
    funder = Funder.objects.create(organisation=organisation, name="FSE", kind="esf")
    return Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="Projet",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 30),
        amount=Decimal("1000"),
    )


@pytest.fixture
def grant(organisation):
    cooking = WorkshopFactory(organisation=organisation, name="Cuisine du monde")
    french = GroupFactory(organisation=organisation, name="Français langue étrangère")
    SessionFactory(organisation=organisation, workshop=cooking, date=datetime.date(2026, 3, 3))
    SessionFactory(organisation=organisation, groups=[french], date=datetime.date(2026, 3, 4))
    # Outside the grant's period, and cancelled: not chargeable.
    SessionFactory(organisation=organisation, workshop=cooking, date=datetime.date(2026, 9, 1))
    SessionFactory(
        organisation=organisation,
        workshop=cooking,
        date=datetime.date(2026, 3, 5),
        cancelled=True,
        cancel_reason="Grève",
    )
    return _grant(organisation)


def offered(response) -> list[str]:
    return [label for _, label in response.context["options"]]


def test_a_coordinator_finds_sessions_by_workshop_or_group(client, coordinator, grant):
    client.force_login(coordinator)

    assert offered(client.get(SEARCH, {"grant": grant.pk, "term": "CUISINE"})) == [
        "03/03/2026 13:30 · Cuisine du monde · "
    ]
    assert len(offered(client.get(SEARCH, {"grant": grant.pk, "term": "français"}))) == 1
    assert len(offered(client.get(SEARCH, {"grant": grant.pk}))) == 2


@pytest.mark.parametrize("role", ["social_worker", "workshop_leader", "viewer"])
def test_other_roles_may_not_search(client, personas, grant, role):
    client.force_login(personas[role])

    assert client.get(SEARCH, {"grant": grant.pk}).status_code == 403


@pytest.mark.parametrize("value", ["", "abc", str(2**64)])
def test_a_missing_or_impossible_grant_is_not_found(client, coordinator, value):
    client.force_login(coordinator)

    assert client.get(SEARCH, {"grant": value}).status_code == 404


def test_another_organisation_s_grant_is_not_found(client, outsider, grant):
    client.force_login(outsider)

    assert client.get(SEARCH, {"grant": grant.pk}).status_code == 404


def test_the_answer_is_bounded(client, coordinator, organisation, grant):
    client.force_login(coordinator)
    url = f"{SEARCH}?grant={grant.pk}&term=cuisine"
    client.get(url)
    few = count_queries(client, url)
    SessionFactory.create_batch(
        30,
        organisation=organisation,
        groups=[GroupFactory(organisation=organisation)],
        date=datetime.date(2026, 4, 1),
    )

    # Session, user; the grant; the sessions and their groups (one prefetch).
    assert (few, count_queries(client, url)) == (5, 5)


def test_the_charge_form_names_no_session_until_one_is_searched(client, coordinator, grant):
    client.force_login(coordinator)

    html = client.get(reverse("funding:session_charge_create", args=[grant.pk])).content.decode()

    assert f"/funding/sessions/search/?grant={grant.pk}" in html
    assert "Cuisine du monde" not in html
