import datetime

import pytest
from django.core.exceptions import ValidationError

from parcours.audit.models import AuditEvent
from parcours.programme.factories import GroupFactory
from parcours.workshops import planning
from parcours.workshops.enums import ProviderKind
from parcours.workshops.factories import SessionFactory, WorkshopFactory
from parcours.workshops.models import ClosingPeriod, Session

D = datetime.date
T = datetime.time


@pytest.fixture
def group(organisation):
    return GroupFactory(organisation=organisation)


@pytest.fixture
def workshop(organisation):
    return WorkshopFactory(organisation=organisation, name="Couture")


def _plan(organisation, coordinator, workshop, groups, **overrides):
    values = {
        "organisation": organisation,
        "by": coordinator,
        "workshop": workshop,
        "groups": groups,
        "weekday": 0,  # Mondays
        "start_time": T(13, 30),
        "end_time": T(16, 30),
        "first_date": D(2026, 4, 1),
        "last_date": D(2026, 5, 31),
        "provider_kind": ProviderKind.TEAM,
        "provider": None,
        "leader": coordinator,
        "room": "Salle 1",
    }
    values.update(overrides)
    return planning.plan_series(**values)


def test_mondays_skip_easter_whit_monday_and_closing(organisation, coordinator, workshop, group):
    ClosingPeriod.objects.create(
        organisation=organisation,
        label="Congé de printemps",
        start_date=D(2026, 4, 20),
        end_date=D(2026, 4, 24),
    )
    series, created, skipped = _plan(organisation, coordinator, workshop, [group])
    # Mondays of April-May 2026: 6, 13, 20, 27 April; 4, 11, 18, 25 May.
    assert [s.date for s in created] == [
        D(2026, 4, 13),
        D(2026, 4, 27),
        D(2026, 5, 4),
        D(2026, 5, 11),
        D(2026, 5, 18),
    ]
    assert [day for day, _reason in skipped] == [D(2026, 4, 6), D(2026, 4, 20), D(2026, 5, 25)]
    reasons = dict(skipped)
    assert "Pâques" in reasons[D(2026, 4, 6)]  # the holiday named in French
    assert "Congé de printemps" in reasons[D(2026, 4, 20)]
    assert all(list(s.groups.all()) == [group] for s in created)
    assert all(s.series == series and s.leader == coordinator for s in created)
    created_events = AuditEvent.objects.filter(record_type="workshops.session", action="create")
    assert created_events.count() == 5


def test_tuesdays_keep_may_first_off(organisation, coordinator, workshop, group):
    # Fridays of May 2026: 1 (Labour Day), 8, 15, 22, 29.
    _series, created, skipped = _plan(
        organisation, coordinator, workshop, [group], weekday=4, first_date=D(2026, 5, 1)
    )
    assert [s.date for s in created] == [
        D(2026, 5, 8),
        D(2026, 5, 15),
        D(2026, 5, 22),
        D(2026, 5, 29),
    ]
    assert [day for day, _r in skipped] == [D(2026, 5, 1)]


def test_plan_is_atomic(organisation, coordinator, workshop, group):
    SessionFactory(organisation=organisation, workshop=workshop, date=D(2026, 5, 4))
    with pytest.raises(ValidationError, match="Cet atelier a déjà une séance à ce moment-là"):
        _plan(organisation, coordinator, workshop, [group])
    assert Session.objects.count() == 1


def test_cancel_needs_a_reason(organisation, coordinator):
    session = SessionFactory(organisation=organisation)
    with pytest.raises(ValidationError, match="Indiquez pourquoi la séance est annulée"):
        planning.cancel_session(session=session, by=coordinator, reason="  ")
    planning.cancel_session(session=session, by=coordinator, reason="Animatrice malade")
    session.refresh_from_db()
    assert session.cancelled
    assert session.cancel_reason == "Animatrice malade"


def test_change_one_occurrence(organisation, coordinator, workshop, group):
    _series, created, _skipped = _plan(organisation, coordinator, workshop, [group])
    changed = planning.change_session(
        session=created[1], by=coordinator, room="Salle 2", date=created[1].date
    )
    assert changed == [created[1]]
    assert list(Session.objects.values_list("room", flat=True)) == [
        "Salle 1",
        "Salle 2",
        "Salle 1",
        "Salle 1",
        "Salle 1",
        "Salle 1",
    ]


def test_change_all_following_shifts_dates_and_times(organisation, coordinator, workshop, group):
    _series, created, _skipped = _plan(organisation, coordinator, workshop, [group])
    # Mondays 13/04 to 18/05; from 27/04 on: a day later, 14:00-17:00, another room.
    changed = planning.change_session(
        session=created[2],
        by=coordinator,
        following=True,
        date=D(2026, 4, 28),
        start_time=T(14, 0),
        end_time=T(17, 0),
        room="Salle 2",
    )
    assert len(changed) == 4
    rows = list(Session.objects.order_by("date").values_list("date", "start_time", "room"))
    assert rows == [
        (D(2026, 4, 13), T(13, 30), "Salle 1"),
        (D(2026, 4, 20), T(13, 30), "Salle 1"),
        (D(2026, 4, 28), T(14, 0), "Salle 2"),
        (D(2026, 5, 5), T(14, 0), "Salle 2"),
        (D(2026, 5, 12), T(14, 0), "Salle 2"),
        (D(2026, 5, 19), T(14, 0), "Salle 2"),
    ]


def test_change_all_following_by_a_week_does_not_collide(
    organisation, coordinator, workshop, group
):
    _series, created, _skipped = _plan(organisation, coordinator, workshop, [group])
    planning.change_session(
        session=created[2], by=coordinator, following=True, date=created[2].date + planning.WEEK
    )
    assert list(Session.objects.order_by("date").values_list("date", flat=True)) == [
        D(2026, 4, 13),
        D(2026, 4, 20),
        D(2026, 5, 4),
        D(2026, 5, 11),
        D(2026, 5, 18),
        D(2026, 5, 25),
    ]


@pytest.fixture
def base(organisation, coordinator, group):
    return SessionFactory(
        organisation=organisation,
        groups=[group],
        leader=coordinator,
        room="Salle 1",
        date=D(2026, 3, 3),
        start_time=T(13, 30),
        end_time=T(15, 0),
    )


def _candidate(organisation, **values):
    defaults = {
        "organisation": organisation,
        "workshop": WorkshopFactory(organisation=organisation),
        "date": D(2026, 3, 3),
        "start_time": T(14, 0),
        "end_time": T(16, 0),
    }
    defaults.update(values)
    return Session(**defaults)


def test_conflict_same_leader(organisation, coordinator, base):
    conflicts = planning.conflicts_for(_candidate(organisation, leader=coordinator), groups=[])
    assert [(c.kind, c.other) for c in conflicts] == [("leader", base)]


def test_conflict_same_room(organisation, base):
    conflicts = planning.conflicts_for(_candidate(organisation, room="salle 1 "), groups=[])
    assert [(c.kind, c.other) for c in conflicts] == [("room", base)]


def test_conflict_same_group(organisation, base, group):
    conflicts = planning.conflicts_for(_candidate(organisation), groups=[group])
    assert [(c.kind, c.other) for c in conflicts] == [("group", base)]


def test_saved_session_conflicts_read_its_groups(organisation, base, group):
    other = SessionFactory(
        organisation=organisation,
        groups=[group],
        date=base.date,
        start_time=T(14, 0),
        end_time=T(15, 30),
    )
    assert [(c.kind, c.other) for c in planning.conflicts_for(other)] == [("group", base)]


def test_no_conflict_when_times_touch(organisation, coordinator, base, group):
    candidate = _candidate(
        organisation, leader=coordinator, room="Salle 1", start_time=T(15, 0), end_time=T(16, 30)
    )
    assert planning.conflicts_for(candidate, groups=[group]) == []


def test_no_conflict_with_a_cancelled_session(organisation, coordinator, base, group):
    planning.cancel_session(session=base, by=coordinator, reason="Fermé")
    candidate = _candidate(organisation, leader=coordinator, room="Salle 1")
    assert planning.conflicts_for(candidate, groups=[group]) == []


def test_no_conflict_another_day_or_organisation(
    organisation, other_organisation, coordinator, base, group
):
    assert (
        planning.conflicts_for(
            _candidate(organisation, leader=coordinator, date=D(2026, 3, 4)), groups=[group]
        )
        == []
    )
    assert (
        planning.conflicts_for(_candidate(other_organisation, room="Salle 1"), groups=[group]) == []
    )
