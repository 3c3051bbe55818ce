import datetime

import pytest
from django.urls import reverse

from parcours.dashboard.overview import programme_overview
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import GroupFactory
from parcours.testing import assert_bounded_queries
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
def test_dashboard_query_count_is_bounded(client, viewer, frozen_today):
    client.force_login(viewer)

    def grow():
        ParticipantFactory.create_batch(40, organisation=viewer.organisation)
        WorkshopFactory.create_batch(10, organisation=viewer.organisation)

    # Session, user with organisation, three counts.
    assert_bounded_queries(client, reverse("dashboard:home"), grow=grow, expected=5)


@pytest.mark.django_db
def test_shortlist_keeps_the_first_lines_and_counts_the_others(
    organisation, django_assert_num_queries
):
    from parcours.core.shortlists import shortlist
    from parcours.participants.models import Participant

    listed = shortlist(list(range(25)), length=20)
    assert list(listed) == list(range(20))
    assert listed.left_out == 5
    assert not shortlist([])
    ParticipantFactory.create_batch(3, organisation=organisation)
    with django_assert_num_queries(1):  # the rows shown and the count, in one query
        people = shortlist(Participant.objects.order_by("pk"), length=2)
    assert len(people) == 2
    assert people.left_out == 1
    with django_assert_num_queries(1):
        nobody = shortlist(Participant.objects.filter(pk__lt=0))
    assert (len(nobody), nobody.left_out) == (0, 0)
    with django_assert_num_queries(1):  # the count in a subquery of the same rows
        apart = shortlist(Participant.objects.order_by("pk"), length=2, count_apart=True)
    assert (list(apart), apart.left_out) == (list(people), 1)
    with django_assert_num_queries(1):
        nobody = shortlist(Participant.objects.filter(pk__lt=0), count_apart=True)
    assert (len(nobody), nobody.left_out) == (0, 0)


@pytest.mark.django_db
def test_a_long_dashboard_list_shows_twenty_lines_and_says_how_many_more(
    client, coordinator, frozen_today
):
    from parcours.assessments.factories import ActionFactory
    from parcours.programme.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(
        group__organisation=coordinator.organisation,
        participant__organisation=coordinator.organisation,
    )
    ActionFactory.create_batch(23, enrolment=enrolment, due_date=datetime.date(2026, 1, 5))
    client.force_login(coordinator)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert html.count("/assessments/actions/") == 20
    assert "Et 3 autres, moins urgentes." in html


def _casework(organisation, worker, today, *, people):
    """``people`` enrolled in a running group, each with an entry assessment due, an
    overdue action, a follow-up due and a signed project due; marked absent at the last
    three sessions of their group; and a session whose register nobody took."""
    from parcours.assessments.factories import ActionFactory
    from parcours.attendance.enums import Presence
    from parcours.attendance.models import Attendance
    from parcours.programme.factories import EnrolmentFactory, ExitFollowUpFactory
    from parcours.projects.factories import ProjectFactory
    from parcours.workshops.factories import SessionFactory

    group = GroupFactory(
        organisation=organisation,
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=200),
    )
    sessions = [
        SessionFactory(
            organisation=organisation, groups=[group], date=today - datetime.timedelta(days=d)
        )
        for d in (1, 2, 3, 20)
    ]
    for _ in range(people):
        enrolment = EnrolmentFactory(
            group=group, start_date=group.start_date, participant__social_worker=worker
        )
        ActionFactory(enrolment=enrolment, due_date=today - datetime.timedelta(days=3))
        ProjectFactory(enrolment=enrolment, signed_on=today - datetime.timedelta(days=120))
        for session in sessions[:3]:
            Attendance.objects.create(
                session=session, participant=enrolment.participant, status=Presence.ABSENT
            )
        gone = EnrolmentFactory(
            group=group,
            participant__social_worker=worker,
            start_date=group.start_date,
            exit_date=today - datetime.timedelta(days=10),
            outcome="social_project",
        )
        ExitFollowUpFactory(
            enrolment=gone,
            due_on=today + datetime.timedelta(days=2),
            situation="",
            recorded_on=None,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "social_worker"])
def test_the_casework_dashboard_does_as_many_queries_whatever_the_lists(
    client, request, role, frozen_today
):
    """Every list is found, counted and sliced by the database: 25 people with something
    in every list make no more queries than 2."""
    from django.utils import timezone

    user = request.getfixturevalue(role)
    today = timezone.localdate()
    _casework(user.organisation, user, today, people=2)
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    assert len(response.context["missed_runs"]) == 2
    assert len(response.context["due_assessments"]) == 2

    # Session, user, the overview (3); the assessments due found and counted at once,
    # then their enrolments read (2); the interval between evaluations (1); each other
    # list sliced and counted at once (5).
    assert_bounded_queries(
        client,
        reverse("dashboard:home"),
        grow=lambda: _casework(user.organisation, user, today, people=23),
        expected=13,
    )
    response = client.get(reverse("dashboard:home"))
    for name in ("due_assessments", "overdue_actions", "follow_ups", "due_evaluations"):
        assert response.context[name].left_out > 0, name
    assert response.context["missed_runs"].left_out == 5
