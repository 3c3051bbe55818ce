"""Who sees which groups, and which follow-ups after exit are due for whom."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from parcours.accounts.factories import UserFactory
from parcours.programme.enums import ExitOutcome
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.programme.models import ExitFollowUp
from parcours.programme.selectors import follow_ups_due, visible_groups

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 21)


def days(number):
    return TODAY + datetime.timedelta(days=number)


# visible_groups


def test_casework_sees_the_organisation_s_groups(personas, organisation, other_organisation):
    ours = [GroupFactory(organisation=organisation) for _n in range(2)]
    GroupFactory(organisation=other_organisation)
    for role in ("coordinator", "social_worker"):
        assert set(visible_groups(personas[role])) == set(ours)


def test_a_leader_sees_the_groups_in_their_charge(workshop_leader, organisation):
    mine = GroupFactory(organisation=organisation)
    mine.staff.add(workshop_leader, UserFactory(organisation=organisation, workshop_leader=True))
    GroupFactory(organisation=organisation)
    # Even a group of another organisation naming them is not theirs to see.
    GroupFactory(organisation=UserFactory().organisation).staff.add(workshop_leader)

    assert list(visible_groups(workshop_leader)) == [mine]


def test_a_viewer_sees_no_group(viewer, organisation):
    GroupFactory(organisation=organisation).staff.add(viewer)
    assert not visible_groups(viewer).exists()


# follow_ups_due


def _exited(organisation, social_worker, *, due_on, recorded=False, name="Person"):
    enrolment = EnrolmentFactory(
        group__organisation=organisation,
        participant__organisation=organisation,
        participant__social_worker=social_worker,
        participant__last_name=name,
        exit_date=datetime.date(2026, 3, 31),
        outcome=ExitOutcome.DROPOUT,
        outcome_detail="health",
    )
    return ExitFollowUp.objects.create(
        enrolment=enrolment,
        due_on=due_on,
        situation="unchanged" if recorded else "",
        recorded_on=TODAY if recorded else None,
    )


@pytest.fixture
def follow_ups(organisation, other_organisation, social_worker):
    colleague = UserFactory(organisation=organisation, social_worker=True)
    return {
        "overdue": _exited(organisation, social_worker, due_on=days(-10), name="Overdue"),
        "today": _exited(organisation, social_worker, due_on=TODAY, name="Today"),
        "soon": _exited(organisation, social_worker, due_on=days(14), name="Soon"),
        "later": _exited(organisation, social_worker, due_on=days(15), name="Later"),
        "recorded": _exited(
            organisation, social_worker, due_on=days(-5), recorded=True, name="Recorded"
        ),
        "colleague": _exited(organisation, colleague, due_on=days(3), name="Colleague"),
        "nobody": _exited(organisation, None, due_on=days(4), name="Nobody"),
        "elsewhere": _exited(
            other_organisation,
            UserFactory(organisation=other_organisation),
            due_on=TODAY,
            name="Elsewhere",
        ),
    }


def _names(found):
    return [follow_up.enrolment.participant.last_name for follow_up in found]


def test_a_social_worker_sees_the_follow_ups_of_the_people_they_follow(social_worker, follow_ups):
    found = list(follow_ups_due(social_worker, today=TODAY))

    assert _names(found) == ["Overdue", "Today", "Soon"]
    assert [follow_up.overdue for follow_up in found] == [True, False, False]


def test_the_coordinator_sees_the_whole_organisation_s(coordinator, follow_ups):
    found = follow_ups_due(coordinator, today=TODAY)
    assert _names(found) == ["Overdue", "Today", "Colleague", "Nobody", "Soon"]


def test_the_horizon_can_be_widened(social_worker, follow_ups):
    found = follow_ups_due(social_worker, today=TODAY, horizon_days=30)
    assert _names(found) == ["Overdue", "Today", "Soon", "Later"]


def test_other_roles_see_no_follow_up(workshop_leader, viewer, follow_ups):
    assert not follow_ups_due(workshop_leader, today=TODAY).exists()
    assert not follow_ups_due(viewer, today=TODAY).exists()


def test_the_panel_reads_in_one_query(coordinator, follow_ups, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = [
            (f.enrolment.participant.last_name, f.enrolment.group.name, f.enrolment.exit_date)
            for f in follow_ups_due(coordinator, today=TODAY)
        ]
    assert len(rows) == 5


def test_the_dashboard_panel(coordinator, follow_ups):
    with translation.override("en"):
        html = render_to_string(
            "programme/_dashboard_follow_ups.html",
            {"follow_ups": follow_ups_due(coordinator, today=TODAY)},
        )
        empty = render_to_string("programme/_dashboard_follow_ups.html", {"follow_ups": []})

    overdue = follow_ups["overdue"]
    participant = overdue.enrolment.participant
    assert reverse("participants:participant_detail", args=[participant.pk]) in html
    assert reverse("programme:follow_up_record", args=[overdue.pk]) in html
    assert str(participant) in html
    assert overdue.enrolment.group.name in html
    assert "31/03/2026" in html  # the exit
    assert "11/09/2026" in html  # due ten days ago
    assert html.count("Overdue") == 1
    assert "Colleague".upper() in html
    assert "Elsewhere".upper() not in html
    assert "No follow-up after exit is due" in empty
