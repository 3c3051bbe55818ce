"""``AbsenceRun``: each person's current run of absences, kept by every writer of marks
and of sessions (``parcours.attendance.runs``)."""

import datetime

import pytest
from django.core.management import call_command

from parcours.attendance import services
from parcours.attendance.models import AbsenceRun, Attendance
from parcours.attendance.runs import refresh_organisation_runs, stale_runs
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.synthetic.generate import generate_programme
from parcours.workshops.factories import SessionFactory
from parcours.workshops.models import Session

D = datetime.date
T = datetime.time


@pytest.fixture
def week(organisation):
    """Four sessions of one group (Monday to Thursday, Tuesday twice) and one person."""
    group = GroupFactory(organisation=organisation, start_date=D(2026, 1, 5))
    person = EnrolmentFactory(group=group, start_date=D(2026, 1, 5)).participant
    sessions = [
        SessionFactory(organisation=organisation, groups=[group], date=day, start_time=start)
        for day, start in [
            (D(2026, 3, 2), T(9)),
            (D(2026, 3, 3), T(9)),
            (D(2026, 3, 3), T(13, 30)),
            (D(2026, 3, 5), T(9)),
        ]
    ]
    return person, sessions


def _run(person):
    run = AbsenceRun.objects.filter(participant=person).first()
    return None if run is None else (run.absences, run.since, run.last, run.last_marked)


def _mark(session, person, status, by):
    services.attendance_mark(session=session, participant=person, status=status, by=by)


def _marks(person, statuses, sessions, by):
    for session, status in zip(sessions, statuses, strict=True):
        _mark(session, person, status, by)


def test_the_marks_keep_the_run(week, coordinator):
    person, sessions = week
    assert _run(person) is None
    _marks(person, ["absent", "present", "absent", "absent"], sessions, coordinator)
    assert _run(person) == (2, D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 5))
    services.attendance_correct(
        session=sessions[1], participant=person, status="absent", reason="Erreur", by=coordinator
    )
    assert _run(person) == (4, D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 5))
    _mark(sessions[3], person, "excused", coordinator)  # excused ends the run
    assert _run(person) == (0, None, None, D(2026, 3, 5))
    assert stale_runs(person.organisation_id) == []


def test_a_deleted_mark_or_session_computes_the_run_again(week, coordinator):
    person, sessions = week
    _marks(person, ["absent", "absent", "absent", "present"], sessions, coordinator)
    assert _run(person)[0] == 0
    Attendance.objects.filter(session=sessions[3]).delete()
    assert _run(person) == (3, D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 3))
    sessions[0].delete()
    assert _run(person) == (2, D(2026, 3, 3), D(2026, 3, 3), D(2026, 3, 3))
    person.delete()  # the marks go with the person
    assert not AbsenceRun.objects.exists()


def test_a_session_cancelled_restored_moved_or_retimed_computes_the_runs_again(week, coordinator):
    person, sessions = week
    _marks(person, ["absent", "absent", "present", "absent"], sessions, coordinator)
    assert _run(person)[0] == 1
    sessions[2].cancelled = True  # the present mark no longer counts
    sessions[2].cancel_reason = "Formateur malade"
    sessions[2].save()
    assert _run(person) == (3, D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 5))
    Session.objects.filter(pk=sessions[2].pk).update(cancelled=False)  # a bulk write
    assert _run(person)[0] == 1
    sessions[2].refresh_from_db()
    sessions[2].start_time = T(8)  # before the other Tuesday's session now
    sessions[2].save()
    assert _run(person) == (2, D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 5))
    sessions[2].date = D(2026, 3, 6)  # moved after the last absence
    sessions[2].save()
    assert _run(person) == (0, None, None, D(2026, 3, 6))
    assert stale_runs(person.organisation_id) == []


def test_bulk_marks_are_caught_up_and_check_summaries_fixes_a_stale_run(week, coordinator, capsys):
    person, sessions = week
    Attendance.objects.bulk_create(
        [Attendance(session=session, participant=person, status="absent") for session in sessions]
    )
    assert stale_runs(person.organisation_id) == [person.pk]
    slug = person.organisation.slug
    with pytest.raises(SystemExit, match=r"^1$") as exit:
        call_command("check_summaries", "--organisation", slug)
    assert exit.value.code == 1
    assert "1 runs of absences differ from the marks" in capsys.readouterr().err
    call_command("check_summaries", "--organisation", slug, "--fix")
    assert "1 runs of absences fixed" in capsys.readouterr().out
    assert _run(person) == (4, D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 5))
    AbsenceRun.objects.update(absences=0)  # past the model
    refresh_organisation_runs(person.organisation_id)
    assert stale_runs(person.organisation_id) == []


@pytest.mark.django_db
def test_the_synthetic_programme_leaves_no_stale_run():
    summary = generate_programme(slug="runs", participants=20, years=1, seed=3)
    assert AbsenceRun.objects.filter(organisation=summary.organisation).exists()
    assert stale_runs(summary.organisation.pk) == []
