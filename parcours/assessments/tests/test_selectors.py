import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.assessments import services
from parcours.assessments.enums import ActionStatus
from parcours.assessments.factories import ActionFactory, AssessmentFactory
from parcours.assessments.selectors import (
    Review,
    action_reviews,
    due_assessments,
    overdue_actions,
)
from parcours.core.shortlists import shortlist
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
def test_due_assessments_are_counted_and_read_in_the_database(
    group, coordinator, django_assert_num_queries
):
    for _ in range(5):
        enrolment = enrol(group, None)
        AssessmentFactory(enrolment=enrolment, moment="entry", author=coordinator)

    due = due_assessments(coordinator, today=END)
    with django_assert_num_queries(2):
        listed = shortlist(due, length=3)
        assert [str(item.participant) for item in listed]
        assert [str(item.group) for item in listed]

    assert (len(listed), listed.left_out) == (3, 7)  # middle and end of each


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

    assert list(actions) == [late, later]
    assert list(overdue_actions(coordinator, today=today)) == [late, colleagues, later]


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


def expected_due(user, *, today, horizon_days):
    """The rule the plain way: every moment of every open enrolment followed by the user,
    due date from ``due_date_of``, sorted in Python."""
    from parcours.assessments.models import Assessment
    from parcours.assessments.progress import MOMENTS
    from parcours.assessments.selectors import _followed_by, due_date_of
    from parcours.programme.models import Enrolment

    enrolments = _followed_by(user, Enrolment.objects.open(), participant_path="participant")
    done = set(Assessment.objects.values_list("enrolment_id", "moment"))
    horizon = today + datetime.timedelta(days=horizon_days)
    rows = [
        (due_date_of(e, m), e.participant.last_name, e.participant.first_name, order, e.pk, m)
        for e in enrolments.filter(group__organisation_id=user.organisation_id)
        for order, m in enumerate(MOMENTS)
        if (e.pk, m) not in done and due_date_of(e, m) <= horizon
    ]
    return [(pk, moment, day, day < today) for day, _, _, _, pk, moment in sorted(rows)]


@pytest.mark.django_db
def test_due_assessments_are_those_of_the_rule_on_varied_data(
    organisation, social_worker, coordinator, workshop_leader, outsider
):
    import random

    rng = random.Random(16)
    colleague = UserFactory(organisation=organisation, social_worker=True)
    groups = [
        GroupFactory(
            organisation=organisation,
            start_date=START + datetime.timedelta(days=rng.randrange(0, 200)),
            end_date=END + datetime.timedelta(days=rng.randrange(0, 120)),  # odd and even lengths
        )
        for _ in range(5)
    ]
    groups.append(GroupFactory(organisation=outsider.organisation, start_date=START, end_date=END))
    for index in range(40):
        group = rng.choice(groups)
        worker = (
            outsider
            if group.organisation_id != organisation.pk
            else rng.choice([social_worker, colleague, None])
        )
        exited = index % 9 == 0
        # Late joiners: after the middle, or after the end of their group.
        start = group.start_date + datetime.timedelta(days=rng.choice([0, 0, 100, 400]))
        enrolment = enrol(
            group,
            worker,
            start_date=start,
            exit_date=start + datetime.timedelta(days=30) if exited else None,
            outcome="dropout" if exited else "",
            outcome_detail="health" if exited else "",
            participant__last_name=rng.choice(["Aerts", "Baert", "Claes"]),
            participant__first_name=f"P{index}",
        )
        for moment in ("entry", "middle", "end"):
            if rng.random() < 0.4:
                AssessmentFactory(enrolment=enrolment, moment=moment, author=coordinator)
    found_some = False
    for today in (START, MIDDLE, END, END + datetime.timedelta(days=90)):
        for horizon_days in (0, 14, 60):
            for user in (social_worker, colleague, coordinator, workshop_leader, outsider):
                got = [
                    (item.enrolment.pk, item.moment, item.due_date, item.overdue)
                    for item in due_assessments(user, today=today, horizon_days=horizon_days)
                ]
                assert got == expected_due(user, today=today, horizon_days=horizon_days)
                found_some = found_some or bool(got)
    assert found_some


@pytest.mark.django_db
def test_an_actions_reviews_are_read_from_the_trail_oldest_first(group, social_worker):
    enrolment = enrol(group, social_worker)
    entry = AssessmentFactory(enrolment=enrolment)
    middle = AssessmentFactory(enrolment=enrolment, moment="middle", date=MIDDLE)
    end = AssessmentFactory(enrolment=enrolment, moment="end", date=END)
    action = services.action_create(
        enrolment=enrolment,
        domain="housing",
        description="Dossier de logement",
        own_words="",
        responsible="Participant",
        due_date=END,
        agreed_at=entry,
        by=social_worker,
    )
    never_reviewed = ActionFactory(enrolment=enrolment)
    services.action_review(
        action=action, status=ActionStatus.UNDER_WAY, assessment=middle, by=social_worker
    )
    # A change of its own between two reviews is not a review.
    services.action_update(action=action, status=ActionStatus.PLANNED, by=social_worker)
    services.action_review(
        action=action, status=ActionStatus.DONE, assessment=end, by=social_worker
    )

    reviews = action_reviews([action, never_reviewed], organisation_id=group.organisation_id)

    assert reviews == {
        action.pk: [
            Review(assessment_id=middle.pk, status=ActionStatus.UNDER_WAY),
            Review(assessment_id=end.pk, status=ActionStatus.DONE),
        ],
        never_reviewed.pk: [],
    }
