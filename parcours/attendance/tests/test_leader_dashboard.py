"""A workshop leader's dashboard opens on their day: today's sessions, the rest of the
week, the past registers still open, then the counters."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parcours.attendance.selectors import OPEN_REGISTERS_SHOWN, leader_day
from parcours.programme.factories import GroupFactory
from parcours.testing import assert_bounded_queries
from parcours.workshops.factories import SessionFactory

TODAY = datetime.date(2026, 3, 11)  # a Wednesday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 11, 8, 0), tick=False):
        yield


@pytest.fixture
def group(organisation):
    return GroupFactory(organisation=organisation)


def _session(leader, group, day, **fields):
    fields.setdefault("start_time", datetime.time(9, 0))
    fields.setdefault("end_time", datetime.time(12, 0))
    return SessionFactory(
        organisation=leader.organisation, groups=[group], leader=leader, date=day, **fields
    )


def test_today_comes_first_then_the_week_then_the_open_registers(workshop_leader, group):
    afternoon = _session(
        workshop_leader,
        group,
        TODAY,
        start_time=datetime.time(13, 30),
        end_time=datetime.time(16, 0),
    )
    morning = _session(workshop_leader, group, TODAY, room="Salle 2")
    friday = _session(workshop_leader, group, TODAY + datetime.timedelta(days=2))
    _session(workshop_leader, group, TODAY + datetime.timedelta(days=5))  # next Monday
    taken = _session(workshop_leader, group, TODAY - datetime.timedelta(days=1), has_marks=True)
    untaken = _session(workshop_leader, group, TODAY - datetime.timedelta(days=7))
    _session(
        workshop_leader,
        group,
        TODAY - datetime.timedelta(days=2),
        has_marks=True,
        register_validated_at=timezone.now(),
    )
    _session(
        workshop_leader,
        group,
        TODAY - datetime.timedelta(days=3),
        cancelled=True,
        cancel_reason="Grève",
    )

    day = leader_day(workshop_leader, today=TODAY)

    assert day.today == [morning, afternoon]
    assert [session.register_state for session in day.today] == ["to_take", "to_take"]
    assert day.rest_of_week == [friday]
    assert list(day.open_registers) == [taken, untaken]
    assert [session.register_state for session in day.open_registers] == ["taken", "to_take"]


def test_the_open_registers_are_shortened_and_counted(workshop_leader, group):
    for days in range(1, OPEN_REGISTERS_SHOWN + 4):
        _session(workshop_leader, group, TODAY - datetime.timedelta(days=days))

    day = leader_day(workshop_leader, today=TODAY)

    assert len(day.open_registers) == OPEN_REGISTERS_SHOWN
    assert day.open_registers.left_out == 3


def test_another_leaders_sessions_are_not_shown(workshop_leader, group, organisation):
    from parcours.accounts.enums import Role
    from parcours.accounts.factories import UserFactory

    other = UserFactory(organisation=organisation, role=Role.WORKSHOP_LEADER)
    _session(other, group, TODAY)

    day = leader_day(workshop_leader, today=TODAY)

    assert day.today == []
    assert not day.open_registers


def test_the_dashboard_shows_the_day_before_the_counters(client, workshop_leader, group):
    session = _session(workshop_leader, group, TODAY)
    client.force_login(workshop_leader)

    html = client.get(reverse("dashboard:home")).content.decode()

    register = reverse("attendance:register", args=[session.pk])
    assert html.index("today-title") < html.index(register) < html.index("overview-title")
    assert "Prendre les présences" in html


def test_the_leaders_dashboard_does_as_many_queries_with_more_sessions(
    client, workshop_leader, group
):
    _session(workshop_leader, group, TODAY)
    _session(workshop_leader, group, TODAY - datetime.timedelta(days=1))
    client.force_login(workshop_leader)

    def grow():
        for days in range(-30, 7):
            other_group = GroupFactory(organisation=workshop_leader.organisation)
            _session(
                workshop_leader,
                other_group,
                TODAY + datetime.timedelta(days=days),
                start_time=datetime.time(14, 0),
                end_time=datetime.time(15, 0),
            )

    assert_bounded_queries(client, reverse("dashboard:home"), grow=grow, expected=9)


def test_casework_keeps_the_registers_not_taken(client, coordinator):
    client.force_login(coordinator)

    context = client.get(reverse("dashboard:home")).context

    assert "leader_day" not in context
    assert "untaken_registers" in context
