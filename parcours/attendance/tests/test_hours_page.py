import datetime

import pytest
from django.urls import reverse

from parcours.attendance.hours import workshop_hours_by_month
from parcours.programme.factories import GroupFactory
from parcours.testing import assert_bounded_queries
from parcours.workshops.enums import Axis, ProviderKind
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory

URL = reverse("attendance:hours")


@pytest.fixture
def sessions(organisation):
    group_a, group_b = GroupFactory.create_batch(2, organisation=organisation)
    cultural = WorkshopFactory(organisation=organisation, axis=Axis.CULTURAL)
    partner = ProviderFactory(organisation=organisation, kind=ProviderKind.PARTNER)
    # March: 3 h shared by two groups (counted once) and 0.75 h by a partner.
    SessionFactory(organisation=organisation, groups=[group_a, group_b])
    SessionFactory(
        organisation=organisation,
        groups=[group_a],
        workshop=cultural,
        provider_kind=ProviderKind.PARTNER,
        provider=partner,
        date=datetime.date(2026, 3, 10),
        start_time=datetime.time(9, 15),
        end_time=datetime.time(10, 0),
    )
    # April: 2 h, and a cancelled session that does not count.
    SessionFactory(
        organisation=organisation,
        groups=[group_b],
        date=datetime.date(2026, 4, 7),
        start_time=datetime.time(14, 0),
        end_time=datetime.time(16, 0),
    )
    SessionFactory(
        organisation=organisation,
        groups=[group_b],
        date=datetime.date(2026, 4, 8),
        cancelled=True,
        cancel_reason="Grève des transports",
    )


@pytest.mark.django_db
def test_hours_by_month(organisation, sessions):
    months = workshop_hours_by_month(
        organisation, first=datetime.date(2026, 1, 1), last=datetime.date(2026, 12, 31)
    )

    assert [
        (month, hours["total"], hours["partner"], hours["cultural"]) for month, hours in months
    ] == [
        (datetime.date(2026, 3, 1), 3.75, 0.75, 0.75),
        (datetime.date(2026, 4, 1), 2.0, 0.0, 0.0),
    ]


@pytest.mark.django_db
def test_the_page_shows_the_period_figures(client, viewer, sessions):
    client.force_login(viewer)

    response = client.get(URL, {"first": "2026-01-01", "last": "2026-12-31"})

    assert response.status_code == 200
    assert response.context["totals"]["total"] == 5.75
    assert response.context["totals"]["team"] == 5.0
    assert "5,75" in response.content.decode()  # Belgian decimal comma


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_is_refused(client, viewer, sessions):
    client.force_login(viewer)
    response = client.get(URL, {"first": "2026-12-31", "last": "2026-01-01"})
    assert response.context["form"].errors["last"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_sessions(client, viewer, organisation):
    client.force_login(viewer)
    group = GroupFactory(organisation=organisation)

    def grow():
        for day in range(1, 28):
            SessionFactory(
                organisation=organisation, groups=[group], date=datetime.date(2026, 2, day)
            )

    # Session, user with organisation, the period's totals, the totals by month.
    assert_bounded_queries(client, f"{URL}?first=2026-01-01&last=2026-12-31", grow=grow, expected=4)
