"""The register list, a page at a time: a coordinator of a large programme has thousands
of sessions in its three weeks; the page opens where today's sessions start."""

import datetime

import pytest
import time_machine

from parcours.attendance.views.register import REGISTERS_PER_PAGE
from parcours.programme.factories import GroupFactory
from parcours.testing import assert_bounded_queries
from parcours.workshops.factories import SessionFactory

TODAY = datetime.date(2026, 3, 11)


def _sessions(organisation, group, day, count):
    return [
        SessionFactory(organisation=organisation, groups=[group], date=day) for _ in range(count)
    ]


@pytest.fixture
def group(organisation):
    return GroupFactory(organisation=organisation)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 11, 9, 0), tick=False):
        yield


def test_the_list_opens_on_the_page_of_today(client, organisation, group, coordinator):
    _sessions(organisation, group, TODAY + datetime.timedelta(days=3), REGISTERS_PER_PAGE + 5)
    today = _sessions(organisation, group, TODAY, 2)
    client.force_login(coordinator)

    response = client.get("/attendance/registers/")

    page = response.context["page"]
    assert (page.number, page.paginator.num_pages) == (2, 2)
    assert set(today) <= set(page.object_list)
    first = client.get("/attendance/registers/?page=1").context["page"]
    assert len(first.object_list) == REGISTERS_PER_PAGE
    assert not set(today) & set(first.object_list)


def test_the_list_does_as_many_queries_with_more_sessions(client, organisation, group, coordinator):
    _sessions(organisation, group, TODAY, 3)
    client.force_login(coordinator)
    assert_bounded_queries(
        client,
        "/attendance/registers/",
        grow=lambda: _sessions(organisation, GroupFactory(organisation=organisation), TODAY, 60),
        expected=6,
    )


def test_a_period_reaches_the_registers_older_than_two_weeks(
    client, organisation, group, coordinator
):
    old = SessionFactory(organisation=organisation, groups=[group], date=datetime.date(2025, 11, 4))
    recent = SessionFactory(organisation=organisation, groups=[group], date=TODAY)
    client.force_login(coordinator)

    default = client.get("/attendance/registers/").context["page"]
    chosen = client.get("/attendance/registers/?first=2025-11-01&last=2025-11-30").context["page"]
    unbounded = client.get("/attendance/registers/?first=&last=").context["page"]

    assert list(default.object_list) == [recent]
    assert list(chosen.object_list) == [old]
    assert list(unbounded.object_list) == [recent, old]


def test_the_filters_narrow_by_group_workshop_and_state(client, organisation, group, coordinator):
    from django.utils import timezone

    other_group = GroupFactory(organisation=organisation)
    to_take = SessionFactory(organisation=organisation, groups=[group], date=TODAY)
    taken = SessionFactory(
        organisation=organisation,
        groups=[group],
        date=TODAY,
        has_marks=True,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 0),
    )
    validated = SessionFactory(
        organisation=organisation,
        groups=[other_group],
        date=TODAY - datetime.timedelta(days=1),
        has_marks=True,
        register_validated_at=timezone.now(),
    )
    client.force_login(coordinator)

    def found(query):
        return list(client.get(f"/attendance/registers/?{query}").context["page"].object_list)

    assert found(f"group={group.pk}") == [to_take, taken]
    assert found(f"workshop={validated.workshop_id}") == [validated]
    assert found("state=to_take") == [to_take]
    assert found("state=taken") == [taken]
    assert found(f"state=validated&group={other_group.pk}") == [validated]
    assert found(f"state=validated&group={group.pk}") == []


def test_a_filter_that_does_not_fit_is_said_and_ignored(
    client, organisation, group, outsider, coordinator
):
    foreign = GroupFactory(organisation=outsider.organisation)
    session = SessionFactory(organisation=organisation, groups=[group], date=TODAY)
    client.force_login(coordinator)

    response = client.get(f"/attendance/registers/?group={foreign.pk}&state=lost&first=11/03")

    assert list(response.context["page"].object_list) == [session]
    assert set(response.context["form"].errors) == {"group", "state", "first"}


def test_the_filters_answer_with_the_list_alone_and_keep_the_period_in_the_pages(
    client, organisation, group, coordinator
):
    _sessions(organisation, group, TODAY, REGISTERS_PER_PAGE + 1)
    client.force_login(coordinator)

    response = client.get(
        f"/attendance/registers/?group={group.pk}&page=1", headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "<form" not in html
    assert "session-list" in html
    assert "first=2026-02-25&amp;last=2026-03-18" in html
    assert "HX-Request" in response["Vary"]


def test_the_filtered_list_does_as_many_queries_with_more_sessions(
    client, organisation, group, coordinator
):
    session = SessionFactory(organisation=organisation, groups=[group], date=TODAY)
    client.force_login(coordinator)

    def grow():
        for days in range(1, 41):
            other = GroupFactory(organisation=organisation)
            SessionFactory(
                organisation=organisation,
                groups=[group, other],
                workshop=session.workshop,
                date=TODAY - datetime.timedelta(days=days),
            )

    assert_bounded_queries(
        client,
        f"/attendance/registers/?first=2026-01-01&last=2026-03-31&group={group.pk}"
        f"&workshop={session.workshop_id}&state=to_take",
        grow=grow,
        expected=8,
    )


def test_the_workshop_search_offers_the_catalogue(client, organisation, workshop_leader, outsider):
    from parcours.workshops.factories import WorkshopFactory

    WorkshopFactory(organisation=organisation, name="Atelier cuisine")
    WorkshopFactory(organisation=outsider.organisation, name="Atelier cuisine du voisin")
    client.force_login(workshop_leader)

    html = client.get("/attendance/registers/workshops/search/?term=cuis&for=id_workshop")

    assert "Atelier cuisine" in html.content.decode()
    assert "du voisin" not in html.content.decode()
