"""``missed_in_a_row`` against the rule written the plain way, on varied registers."""

import datetime
import random

import pytest
import time_machine

from parcours.attendance.enums import Presence
from parcours.attendance.models import AbsenceRun, Attendance
from parcours.attendance.runs import stale_runs
from parcours.attendance.selectors import (
    DASHBOARD_LOOKBACK,
    _followed_ids,
    missed_in_a_row,
)
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import SessionFactory
from parcours.workshops.models import Session

D = datetime.date
TODAY = D(2026, 6, 10)


def expected_runs(user, *, today, count):
    """The rule read from every mark in Python: the last ``count`` marks of the
    sixteen weeks (latest session first) of each person followed, all "absent"."""
    followed = set(_followed_ids(user, today).values_list("participant_id", flat=True))
    marks = (
        Attendance.objects.filter(
            participant__in=followed,
            participant__organisation_id=user.organisation_id,
            session__cancelled=False,
            session__date__lte=today,
            session__date__gte=today - DASHBOARD_LOOKBACK,
        )
        .select_related("participant", "session")
        .order_by("-session__date", "-session__start_time")
    )
    by_person = {}
    for mark in marks:
        by_person.setdefault(mark.participant, []).append(mark)
    runs = []
    for person, own in by_person.items():
        last = own[:count]
        if len(last) == count and all(m.status == Presence.ABSENT for m in last):
            runs.append((person, last[-1].session.date, last[0].session.date))
    return sorted(runs, key=lambda run: (run[0].last_name, run[0].first_name, run[0].pk))


@pytest.fixture
def registers(organisation, other_organisation, workshop_leader, social_worker):
    """Two groups of the organisation (the leader in charge of one), one elsewhere; people
    who come, who stopped coming, who come rarely (their last marks are weeks old), who
    left; sessions at several times a day, some cancelled, over twenty weeks."""
    rng = random.Random(16)
    led = GroupFactory(
        organisation=organisation, start_date=D(2026, 1, 5), end_date=D(2026, 10, 30)
    )
    led.staff.add(workshop_leader)
    other = GroupFactory(
        organisation=organisation, start_date=D(2026, 1, 5), end_date=D(2026, 10, 30)
    )
    elsewhere = GroupFactory(
        organisation=other_organisation, start_date=D(2026, 1, 5), end_date=D(2026, 10, 30)
    )
    people = []
    for index in range(24):
        group = [led, other, elsewhere][index % 3]
        exit_date = D(2026, 6, 1) if index % 7 == 6 else None
        enrolment = EnrolmentFactory(
            group=group,
            start_date=D(2026, 1, 5) if index % 5 else D(2026, 5, 25),  # late joiners
            exit_date=exit_date,
            outcome="social_project" if exit_date else "",
            participant__organisation=group.organisation,
            participant__social_worker=social_worker if index % 2 else None,
            participant__last_name=f"Name{index % 6}",
            participant__first_name=f"First{index}",
        )
        # How often the person is marked, and how likely an absence is.
        people.append((enrolment.participant, group, rng.choice([1.0, 0.6, 0.15]), index % 4))
    day = D(2026, 1, 19)
    times = [datetime.time(9), datetime.time(13, 30), datetime.time(15)]
    while day <= TODAY + datetime.timedelta(days=7):
        if day.weekday() < 5:
            for group in (led, other, elsewhere):
                for start in rng.sample(times, rng.choice([1, 1, 2])):
                    cancelled = rng.random() < 0.08
                    session = SessionFactory(
                        organisation=group.organisation,
                        groups=[group],
                        date=day,
                        start_time=start,
                        end_time=datetime.time(17),
                        cancelled=cancelled,
                        cancel_reason="Formateur malade" if cancelled else "",
                    )
                    for person, own_group, presence, mood in people:
                        if own_group != group or rng.random() > presence:
                            continue
                        absent = [0.05, 0.5, 0.8, 0.95][mood]
                        status = (
                            Presence.ABSENT
                            if rng.random() < absent
                            else rng.choice(
                                [
                                    Presence.PRESENT,
                                    Presence.LATE,
                                    Presence.EXCUSED,
                                    Presence.PRESENT,
                                ]
                            )
                        )
                        Attendance.objects.create(
                            session=session, participant=person, status=status
                        )
        day += datetime.timedelta(days=1)
    return people


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_the_runs_found_are_those_of_the_rule(
    registers, coordinator, social_worker, workshop_leader, viewer, count
):
    found_some = False
    for today in [TODAY, D(2026, 5, 31), D(2026, 6, 1), D(2026, 2, 2), D(2026, 6, 17)]:
        for user in (coordinator, social_worker, workshop_leader, viewer):
            runs = missed_in_a_row(user, today=today, count=count)
            got = [(run.participant, run.since, run.last) for run in runs]
            assert got == expected_runs(user, today=today, count=count), (user, today)
            found_some = found_some or bool(got)
    assert found_some


@pytest.mark.django_db
def test_a_run_is_found_when_the_last_week_has_fewer_marks_than_the_run(
    organisation, group_and_person, coordinator
):
    """The person's last marks are three and four weeks old: the query reads further back
    than the last week for them."""
    group, person = group_and_person
    for day in (D(2026, 5, 11), D(2026, 5, 13), D(2026, 5, 18), D(2026, 6, 9)):
        session = SessionFactory(organisation=organisation, groups=[group], date=day)
        Attendance.objects.create(session=session, participant=person, status=Presence.ABSENT)
    SessionFactory(organisation=organisation, groups=[group], date=D(2026, 5, 12))
    present = SessionFactory(organisation=organisation, groups=[group], date=D(2026, 5, 4))
    Attendance.objects.create(session=present, participant=person, status=Presence.PRESENT)

    runs = missed_in_a_row(coordinator, today=TODAY)
    assert [(run.participant, run.since, run.last) for run in runs] == [
        (person, D(2026, 5, 13), D(2026, 6, 9))
    ]
    assert missed_in_a_row(coordinator, today=TODAY, count=5) == []
    assert [run.since for run in missed_in_a_row(coordinator, today=TODAY, count=4)] == [
        D(2026, 5, 11)
    ]


@pytest.fixture
def group_and_person(organisation):
    group = GroupFactory(
        organisation=organisation, start_date=D(2026, 1, 5), end_date=D(2026, 10, 30)
    )
    enrolment = EnrolmentFactory(
        group=group, start_date=D(2026, 1, 5), participant__organisation=organisation
    )
    return group, enrolment.participant


@pytest.mark.django_db
def test_the_runs_stay_those_of_the_rule_after_sessions_cancelled_moved_or_retimed(
    registers, coordinator, social_worker, workshop_leader
):
    """The stored runs (``AbsenceRun``) are computed again when the sessions change after
    their marks: cancelled, restored, moved to another day, retimed, deleted."""
    rng = random.Random(61)
    sessions = list(Session.objects.filter(attendances__isnull=False).distinct().order_by("pk"))
    for session in rng.sample(sessions, 40):
        session.cancelled = not session.cancelled
        session.cancel_reason = "Salle fermée" if session.cancelled else ""
        session.save()
    for session in rng.sample(sessions, 30):
        session.refresh_from_db()
        session.date += datetime.timedelta(days=rng.choice([-9, -2, 1, 3, 12]))
        session.save()
    retimed = list(Session.objects.filter(pk__in=[s.pk for s in rng.sample(sessions, 30)]))
    for session in retimed:
        session.start_time = datetime.time(7, 45)
    Session.objects.bulk_update(retimed, ["start_time"])  # a bulk write
    for session in rng.sample(sessions, 10):
        Session.objects.filter(pk=session.pk).delete()
    assert stale_runs(coordinator.organisation_id) == []
    for count in (1, 3):
        for today in [TODAY, D(2026, 5, 31), D(2026, 6, 17)]:
            for user in (coordinator, social_worker, workshop_leader):
                runs = missed_in_a_row(user, today=today, count=count)
                got = [(run.participant, run.since, run.last) for run in runs]
                assert got == expected_runs(user, today=today, count=count), (user, today)


@pytest.mark.django_db
def test_a_run_begun_before_the_sixteen_weeks_counts_only_its_marks_inside(
    organisation, group_and_person, coordinator
):
    """Five absences in a row, the first two older than the sixteen weeks: the stored run
    has five, the rule sees three. Decided with the marks, as the clock moves on."""
    group, person = group_and_person
    days = [D(2026, 2, 9), D(2026, 2, 12), D(2026, 3, 2), D(2026, 4, 6), D(2026, 5, 4)]
    for day in days:
        session = SessionFactory(organisation=organisation, groups=[group], date=day)
        Attendance.objects.create(session=session, participant=person, status=Presence.ABSENT)
    run = AbsenceRun.objects.get(participant=person)
    assert (run.absences, run.since, run.last) == (5, D(2026, 2, 9), D(2026, 5, 4))
    with time_machine.travel(datetime.datetime(2026, 6, 10, 8, tzinfo=datetime.UTC)):
        today = datetime.date.today()
        assert today - DASHBOARD_LOOKBACK == D(2026, 2, 18)
        runs = missed_in_a_row(coordinator, today=today)
        assert [(run.since, run.last) for run in runs] == [(D(2026, 3, 2), D(2026, 5, 4))]
        assert missed_in_a_row(coordinator, today=today, count=4) == []
        assert expected_runs(coordinator, today=today, count=4) == []


@pytest.mark.django_db
def test_a_person_marked_after_today_is_decided_with_their_marks(
    organisation, group_and_person, coordinator
):
    """Three absences, then a presence after ``today``: the stored run is empty, the run
    at ``today`` is not."""
    group, person = group_and_person
    for day, status in [
        (D(2026, 6, 1), Presence.ABSENT),
        (D(2026, 6, 3), Presence.ABSENT),
        (D(2026, 6, 8), Presence.ABSENT),
        (D(2026, 6, 15), Presence.PRESENT),
    ]:
        session = SessionFactory(organisation=organisation, groups=[group], date=day)
        Attendance.objects.create(session=session, participant=person, status=status)
    assert AbsenceRun.objects.get(participant=person).absences == 0
    runs = missed_in_a_row(coordinator, today=TODAY)
    assert [(run.since, run.last) for run in runs] == [(D(2026, 6, 1), D(2026, 6, 8))]
    assert missed_in_a_row(coordinator, today=D(2026, 6, 16)) == []
