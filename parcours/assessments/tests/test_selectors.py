import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.assessments.enums import ActionStatus
from parcours.assessments.factories import ActionFactory, AssessmentFactory
from parcours.assessments.selectors import due_assessments, overdue_actions
from parcours.programme.factories import EnrolmentFactory, GroupFactory

START = datetime.date(2026, 1, 5)
END = datetime.date(2026, 10, 30)
MIDDLE = datetime.date(2026, 6, 3)  # 149 days in: halfway through the 298 days


@pytest.fixture
def group(organisation):
    return GroupFactory(organisation=organisation, start_date=START, end_date=END)


def enrol(group, worker, **fields):
    return EnrolmentFactory(group=group, participant__social_worker=worker, **fields)


def due(user, today, **kwargs):
    return [
        (item.enrolment, item.moment, item.due_date, item.overdue)
        for item in due_assessments(user, today=today, **kwargs)
    ]


@pytest.mark.django_db
def test_the_three_moments_fall_due_at_the_start_the_middle_and_the_end(group, social_worker):
    assert group.mid_date == MIDDLE
    enrolment = enrol(group, social_worker)

    assert due(social_worker, START - datetime.timedelta(days=15)) == []
    assert due(social_worker, START - datetime.timedelta(days=14)) == [
        (enrolment, "entry", START, False)
    ]
    assert due(social_worker, START + datetime.timedelta(days=1)) == [
        (enrolment, "entry", START, True)
    ]
    assert due(social_worker, MIDDLE, horizon_days=0) == [
        (enrolment, "entry", START, True),
        (enrolment, "middle", MIDDLE, False),
    ]
    assert due(social_worker, END + datetime.timedelta(days=3)) == [
        (enrolment, "entry", START, True),
        (enrolment, "middle", MIDDLE, True),
        (enrolment, "end", END, True),
    ]


@pytest.mark.django_db
def test_an_assessment_done_is_no_longer_due(group, social_worker):
    enrolment = enrol(group, social_worker)
    AssessmentFactory(enrolment=enrolment, moment="entry")
    AssessmentFactory(enrolment=enrolment, moment="end", date=END)

    assert due(social_worker, END) == [(enrolment, "middle", MIDDLE, True)]


@pytest.mark.django_db
def test_closed_enrolments_are_left_out(group, social_worker):
    enrol(
        group,
        social_worker,
        exit_date=datetime.date(2026, 3, 1),
        outcome="dropout",
        outcome_detail="health",
    )
    assert due(social_worker, END) == []


@pytest.mark.django_db
def test_someone_joining_late_is_not_due_before_starting(group, social_worker):
    late = enrol(group, social_worker, start_date=datetime.date(2026, 7, 1))

    assert due(social_worker, datetime.date(2026, 7, 1)) == [
        (late, "entry", datetime.date(2026, 7, 1), False),
        (late, "middle", datetime.date(2026, 7, 1), False),
    ]


@pytest.mark.django_db
def test_a_social_worker_sees_their_people_the_coordinator_everyone(
    group, social_worker, coordinator, workshop_leader, viewer, outsider
):
    colleague = UserFactory(organisation=group.organisation, social_worker=True)
    mine = enrol(group, social_worker)
    theirs = enrol(group, colleague)
    nobodys = enrol(group, None)
    enrol(GroupFactory(organisation=outsider.organisation), outsider)

    def enrolments(user):
        return {item.enrolment for item in due_assessments(user, today=START)}

    assert enrolments(social_worker) == {mine}
    assert enrolments(colleague) == {theirs}
    assert enrolments(coordinator) == {mine, theirs, nobodys}
    assert enrolments(workshop_leader) == set()
    assert enrolments(viewer) == set()
    assert len(due_assessments(outsider, today=START)) == 1


@pytest.mark.django_db
def test_due_assessments_read_in_two_queries(group, coordinator, django_assert_num_queries):
    for _ in range(5):
        enrolment = enrol(group, None)
        AssessmentFactory(enrolment=enrolment, moment="entry", author=coordinator)

    with django_assert_num_queries(2):
        items = due_assessments(coordinator, today=END)
        assert [str(item.participant) for item in items]
        assert [str(item.group) for item in items]

    assert len(items) == 10  # middle and end of each


@pytest.mark.django_db
def test_overdue_actions(group, social_worker, coordinator, django_assert_num_queries):
    today = datetime.date(2026, 4, 1)
    enrolment = enrol(group, social_worker, participant__last_name="Aerts")
    late = ActionFactory(enrolment=enrolment, due_date=datetime.date(2026, 3, 1))
    later = ActionFactory(
        enrolment=enrolment, due_date=datetime.date(2026, 3, 15), status=ActionStatus.UNDER_WAY
    )
    ActionFactory(enrolment=enrolment, due_date=today)  # due today: not late yet
    ActionFactory(enrolment=enrolment, due_date=datetime.date(2026, 2, 1), status=ActionStatus.DONE)
    ActionFactory(
        enrolment=enrolment, due_date=datetime.date(2026, 2, 1), status=ActionStatus.GIVEN_UP
    )
    exited = enrol(
        group,
        social_worker,
        exit_date=datetime.date(2026, 3, 20),
        outcome="extension",
    )
    ActionFactory(enrolment=exited, due_date=datetime.date(2026, 3, 1))
    colleagues = ActionFactory(
        enrolment=enrol(
            group, UserFactory(organisation=group.organisation), participant__last_name="Baert"
        ),
        due_date=datetime.date(2026, 3, 1),
    )
    ActionFactory(due_date=datetime.date(2026, 3, 1))  # another organisation

    with django_assert_num_queries(1):
        actions = overdue_actions(social_worker, today=today)
        assert [str(action.enrolment.participant) for action in actions]

    assert actions == [late, later]
    assert overdue_actions(coordinator, today=today) == [late, colleagues, later]


@pytest.mark.django_db
def test_the_dashboard_panels(group, social_worker):
    enrolment = enrol(group, social_worker)
    action = ActionFactory(enrolment=enrolment, due_date=datetime.date(2026, 3, 1))
    today = datetime.date(2026, 4, 1)

    due_html = render_to_string(
        "assessments/_dashboard_due.html",
        {"due_assessments": due_assessments(social_worker, today=today)},
    )
    actions_html = render_to_string(
        "assessments/_dashboard_actions.html",
        {"overdue_actions": overdue_actions(social_worker, today=today)},
    )

    assert reverse("assessments:assessment_edit", args=[enrolment.pk, "entry"]) in due_html
    assert "badge--late" in due_html
    assert reverse("assessments:action_update", args=[action.pk]) in actions_html
    assert str(enrolment.participant) in actions_html

    empty_due = render_to_string("assessments/_dashboard_due.html", {"due_assessments": []})
    empty_actions = render_to_string("assessments/_dashboard_actions.html", {"overdue_actions": []})
    assert "<ul" not in empty_due
    assert "<ul" not in empty_actions
