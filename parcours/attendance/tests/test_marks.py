"""``Session.has_marks``: the started registers, kept by every writer of marks."""

import datetime

import pytest
from django.core.management import call_command

from parcours.attendance import services
from parcours.attendance.marks import refresh_marked, stale_marked
from parcours.attendance.models import Attendance
from parcours.attendance.selectors import registers_not_taken
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.synthetic.generate import generate_programme
from parcours.workshops.factories import SessionFactory
from parcours.workshops.models import Session

D = datetime.date


@pytest.fixture
def session(organisation, workshop_leader):
    group = GroupFactory(organisation=organisation, start_date=D(2026, 1, 5))
    group.staff.add(workshop_leader)
    session = SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=D(2026, 3, 3)
    )
    session.person = EnrolmentFactory(group=group, start_date=D(2026, 1, 5)).participant
    return session


def _started(session) -> bool:
    return Session.objects.get(pk=session.pk).has_marks


def test_a_new_session_has_no_marks_and_the_first_mark_starts_it(session, workshop_leader):
    assert not _started(session)
    assert list(registers_not_taken(workshop_leader, today=D(2026, 3, 6))) == [session]
    services.attendance_mark(
        session=session, participant=session.person, status="absent", by=workshop_leader
    )
    assert _started(session)
    assert list(registers_not_taken(workshop_leader, today=D(2026, 3, 6))) == []


def test_deleting_the_last_mark_empties_the_register_again(session, workshop_leader):
    services.attendance_mark(
        session=session, participant=session.person, status="present", by=workshop_leader
    )
    session.person.delete()  # the marks go with the person (an erasure)
    assert not Attendance.objects.filter(session=session).exists()
    assert not _started(session)
    assert list(registers_not_taken(workshop_leader, today=D(2026, 3, 6))) == [session]


@pytest.mark.django_db
def test_check_summaries_reports_and_fixes_a_stale_flag(session, workshop_leader, capsys):
    services.attendance_mark(
        session=session, participant=session.person, status="present", by=workshop_leader
    )
    slug = session.organisation.slug
    call_command("check_summaries", "--organisation", slug)
    Session.objects.filter(pk=session.pk).update(has_marks=False)  # past the model
    with pytest.raises(SystemExit, match=r"^1$") as exit:
        call_command("check_summaries", "--organisation", slug)
    assert exit.value.code == 1
    assert "1 has_marks flags differ from the marks" in capsys.readouterr().err
    call_command("check_summaries", "--organisation", slug, "--fix")
    assert "1 has_marks flags fixed" in capsys.readouterr().out
    assert _started(session)


def test_refresh_corrects_marks_written_around_the_model(session, workshop_leader):
    Attendance.objects.bulk_create(
        [Attendance(session=session, participant=session.person, status="present")]
    )
    assert list(stale_marked(session.organisation_id)) == [session]
    assert refresh_marked(Session.objects.filter(pk=session.pk)) == 1
    assert _started(session)
    assert list(stale_marked(session.organisation_id)) == []


@pytest.mark.django_db
def test_the_synthetic_programme_leaves_no_stale_flag():
    summary = generate_programme(slug="marks", participants=20, years=1, seed=3)
    sessions = Session.objects.filter(organisation=summary.organisation)
    assert sessions.filter(has_marks=True).exists()
    assert sessions.filter(has_marks=False).exists()  # the last days' registers
    assert list(stale_marked(summary.organisation.pk)) == []
