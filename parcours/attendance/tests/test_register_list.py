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
