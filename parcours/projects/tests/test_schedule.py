import datetime

import pytest
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.projects import services
from parcours.projects.factories import EvaluationFactory, ProjectFactory
from parcours.projects.selectors import due_evaluations, evaluation_months, next_evaluation_due
from parcours.projects.tests.conftest import TODAY, D
from parcours.testing import assert_bounded_queries, count_queries

pytestmark = pytest.mark.django_db


def due(user, today=TODAY, **kwargs):
    return [
        (item.project, item.due_date, item.overdue)
        for item in due_evaluations(user, today=today, **kwargs)
    ]


def signed_project(group, worker, signed_on):
    enrolment = EnrolmentFactory(group=group, participant__social_worker=worker)
    return ProjectFactory(enrolment=enrolment, signed_on=signed_on, signed_on__social_worker=worker)


def test_the_first_evaluation_is_due_an_interval_after_the_signature_then_after_each_one():
    assert next_evaluation_due(first_signed_on=None, last_evaluation_on=None, months=3) is None
    assert next_evaluation_due(
        first_signed_on=D(2026, 1, 31), last_evaluation_on=None, months=3
    ) == D(2026, 4, 30)
    assert next_evaluation_due(
        first_signed_on=D(2026, 1, 31), last_evaluation_on=D(2026, 5, 4), months=3
    ) == D(2026, 8, 4)


def test_the_interval_is_the_organisations_own(organisation, other_organisation, coordinator):
    assert evaluation_months(organisation) == 3
    services.evaluation_interval_set(organisation=organisation, months=2, by=coordinator)
    services.evaluation_interval_set(organisation=organisation, months=4, by=coordinator)
    assert evaluation_months(organisation) == 4
    assert evaluation_months(other_organisation) == 3


def test_due_and_overdue_evaluations_follow_the_signature_and_the_evaluations(
    group, social_worker, coordinator
):
    late = signed_project(group, social_worker, D(2026, 2, 2))  # due 2 May: overdue
    soon = signed_project(group, social_worker, D(2026, 3, 20))  # due 20 June: within 14 days
    later = signed_project(group, social_worker, D(2026, 4, 1))  # due 1 July: beyond
    ProjectFactory(enrolment=EnrolmentFactory(group=group))  # a draft: nothing due
    assert due(social_worker) == [
        (late, D(2026, 5, 2), True),
        (soon, D(2026, 6, 20), False),
    ]
    EvaluationFactory(project=late, date=D(2026, 5, 10), author=social_worker)
    assert due(social_worker) == [(soon, D(2026, 6, 20), False)]
    assert due(social_worker, today=D(2026, 8, 1)) == [
        (soon, D(2026, 6, 20), True),
        (later, D(2026, 7, 1), True),
        (late, D(2026, 8, 10), False),
    ]
    services.evaluation_interval_set(organisation=group.organisation, months=2, by=coordinator)
    # Every two months: the last evaluation of ``late`` puts it beyond the two weeks.
    assert due(social_worker) == [
        (soon, D(2026, 5, 20), True),
        (later, D(2026, 6, 1), True),
    ]


def test_an_ended_project_or_a_closed_enrolment_has_nothing_due(group, social_worker):
    ended = signed_project(group, social_worker, D(2026, 2, 2))
    EvaluationFactory(project=ended, date=D(2026, 5, 4), outcome="end", author=social_worker)
    gone = EnrolmentFactory(
        group=group,
        participant__social_worker=social_worker,
        exit_date=D(2026, 5, 29),
        outcome="dropout",
        outcome_detail="health",
    )
    ProjectFactory(enrolment=gone, signed_on=D(2026, 2, 2))
    assert due(social_worker) == []


def test_a_social_worker_sees_their_people_the_coordinator_everyone(
    group, social_worker, coordinator, workshop_leader, outsider
):
    colleague = UserFactory(organisation=group.organisation, social_worker=True)
    mine = signed_project(group, social_worker, D(2026, 2, 2))
    theirs = signed_project(group, colleague, D(2026, 2, 9))
    assert [item[0] for item in due(social_worker)] == [mine]
    assert [item[0] for item in due(colleague)] == [theirs]
    assert [item[0] for item in due(coordinator)] == [mine, theirs]
    assert due(workshop_leader) == []
    assert due(outsider) == []


def test_the_dashboard_lists_the_evaluations_due_in_bounded_queries(client, group, social_worker):
    signed_project(group, social_worker, D(2026, 2, 2))
    client.force_login(social_worker)
    response = client.get(reverse("dashboard:home"))
    assert "Évaluations de projet à tenir" in response.content.decode()
    assert response.context["due_evaluations"].items[0].overdue

    def grow():
        for _ in range(8):
            project = signed_project(group, social_worker, D(2026, 1, 26))
            EvaluationFactory(project=project, date=D(2026, 3, 2), author=social_worker)

    url = reverse("dashboard:home")
    client.get(url)
    # However many projects: the same queries as with one (two of them for this list).
    assert_bounded_queries(client, url, grow=grow, expected=count_queries(client, url))


def expected_due(user, *, today, horizon_days, months):
    """The rule the plain way: each project's schedule from ``project_schedule``."""
    from parcours.projects.models import Evaluation, Project, ProjectVersion
    from parcours.projects.selectors import project_schedule

    rows = []
    for project in Project.objects.filter(organisation_id=user.organisation_id):
        if user.role == "social_worker" and project.participant.social_worker_id != user.pk:
            continue
        schedule = project_schedule(
            project,
            ProjectVersion.objects.filter(project=project),
            Evaluation.objects.filter(project=project),
            months=months,
        )
        if schedule.next_due and schedule.next_due <= today + datetime.timedelta(horizon_days):
            rows.append((schedule.next_due, project.participant.last_name, project.pk))
    return [(pk, day, day < today) for day, _, pk in sorted(rows)]


def test_due_evaluations_are_those_of_the_rule_on_varied_data(
    group, social_worker, coordinator, outsider
):
    import random

    rng = random.Random(16)
    colleague = UserFactory(organisation=group.organisation, social_worker=True)
    # Signatures and evaluations on the last days of months, where months are shorter.
    days = [D(2026, 1, 29), D(2026, 1, 30), D(2026, 1, 31), D(2026, 3, 31), D(2025, 11, 30)]
    days += [D(2026, 2, 1) + datetime.timedelta(days=rng.randrange(120)) for _ in range(8)]
    for index in range(30):
        worker = rng.choice([social_worker, colleague])
        project = signed_project(group, worker, rng.choice(days))
        if index % 3 == 0:
            EvaluationFactory(project=project, date=rng.choice(days[3:]), author=worker)
        if index % 11 == 0:
            EvaluationFactory(project=project, date=D(2026, 5, 31), outcome="end", author=worker)
        project.participant.last_name = rng.choice(["Aerts", "Baert"])
        project.participant.save()
    signed_project(GroupFactory(organisation=outsider.organisation), outsider, D(2026, 1, 31))
    for months in (1, 3, 12):
        services.evaluation_interval_set(
            organisation=group.organisation, months=months, by=coordinator
        )
        for today in (D(2026, 2, 27), TODAY, D(2027, 3, 1)):
            for horizon_days in (0, 14, 45):
                for user in (social_worker, colleague, coordinator, outsider):
                    got = [
                        (item.project.pk, item.due_date, item.overdue)
                        for item in due_evaluations(user, today=today, horizon_days=horizon_days)
                    ]
                    expected = expected_due(
                        user,
                        today=today,
                        horizon_days=horizon_days,
                        months=evaluation_months(user.organisation_id),
                    )
                    assert got == expected, (months, today, horizon_days, user)
