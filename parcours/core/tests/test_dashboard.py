import datetime

import pytest
from django.urls import reverse

from parcours.core.dashboard import programme_overview
from parcours.core.testing import assert_bounded_queries
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import GroupFactory
from parcours.workshops.factories import WorkshopFactory


@pytest.mark.django_db
def test_overview_counts_the_organisation_only(organisation, other_organisation):
    ParticipantFactory.create_batch(3, organisation=organisation)
    ParticipantFactory(organisation=other_organisation)
    GroupFactory(
        organisation=organisation,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 10, 30),
    )
    GroupFactory(
        organisation=organisation,
        start_date=datetime.date(2025, 1, 6),
        end_date=datetime.date(2025, 10, 31),
    )
    WorkshopFactory(organisation=organisation)

    overview = programme_overview(organisation, today=datetime.date(2026, 3, 1))

    assert (overview.participants, overview.groups_running, overview.workshops) == (3, 1, 1)


@pytest.mark.django_db
def test_group_running_includes_its_first_and_last_day(organisation):
    GroupFactory(
        organisation=organisation,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 10, 30),
    )
    for day, expected in [
        (datetime.date(2026, 1, 4), 0),
        (datetime.date(2026, 1, 5), 1),
        (datetime.date(2026, 10, 30), 1),
        (datetime.date(2026, 10, 31), 0),
    ]:
        assert programme_overview(organisation, today=day).groups_running == expected


@pytest.mark.django_db
def test_dashboard_query_count_is_bounded(client, viewer):
    client.force_login(viewer)

    def grow():
        ParticipantFactory.create_batch(40, organisation=viewer.organisation)
        WorkshopFactory.create_batch(10, organisation=viewer.organisation)

    # Session, user with organisation, three counts.
    assert_bounded_queries(client, reverse("core:dashboard"), grow=grow, expected=5)


@pytest.mark.django_db
def test_shortlist_keeps_the_first_lines_and_counts_the_others(organisation):
    from parcours.core.dashboard import shortlist
    from parcours.participants.models import Participant

    listed = shortlist(list(range(25)), length=20)
    assert list(listed) == list(range(20))
    assert listed.left_out == 5
    assert not shortlist([])
    ParticipantFactory.create_batch(3, organisation=organisation)
    people = shortlist(Participant.objects.order_by("pk"), length=2)
    assert len(people) == 2
    assert people.left_out == 1


@pytest.mark.django_db
def test_a_long_dashboard_list_shows_twenty_lines_and_says_how_many_more(client, coordinator):
    from parcours.assessments.factories import ActionFactory
    from parcours.programme.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(
        group__organisation=coordinator.organisation,
        participant__organisation=coordinator.organisation,
    )
    ActionFactory.create_batch(23, enrolment=enrolment, due_date=datetime.date(2026, 1, 5))
    client.force_login(coordinator)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert html.count("/assessments/actions/") == 20
    assert "Et 3 autres, moins urgentes." in html
