"""Registers, grids, rates, warnings, hours and sheets: hand-checked outcomes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from parcours.attendance import services
from parcours.attendance.grids import month_grid
from parcours.attendance.hours import workshop_hours
from parcours.attendance.models import Attendance
from parcours.attendance.selectors import (
    attendance_rate,
    expected_participants,
    missed_in_a_row,
    registers_not_taken,
)
from parcours.audit.models import AuditEvent
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing import pdf_text
from parcours.workshops.enums import Axis, ProviderKind
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory

D = datetime.date
T = datetime.time


@pytest.fixture
def group(organisation, workshop_leader):
    group = GroupFactory(organisation=organisation, name="Remob A")
    group.staff.add(workshop_leader)
    return group


@pytest.fixture
def session(organisation, group, workshop_leader):
    return SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=D(2026, 3, 3)
    )


GROUP_START = D(2026, 1, 5)


def enrol(group, start=GROUP_START, exit=None, **participant):
    extra = {"exit_date": exit, "outcome": "social_project"} if exit else {}
    return EnrolmentFactory(
        group=group,
        start_date=start,
        **extra,
        **{f"participant__{k}": v for k, v in participant.items()},
    ).participant


def test_expected_participants_follow_the_enrolment_dates(group, session):
    inside = enrol(group, last_name="Aa")
    starts_that_day = enrol(group, start=D(2026, 3, 3), last_name="Bb")
    left_that_day = enrol(group, exit=D(2026, 3, 3), last_name="Cc")
    enrol(group, start=D(2026, 3, 4), last_name="Dd")  # starts the day after
    enrol(group, exit=D(2026, 3, 2), last_name="Ee")  # left the day before
    enrol(GroupFactory(organisation=group.organisation), last_name="Ff")  # another group
    assert list(expected_participants(session)) == [inside, starts_that_day, left_that_day]


def test_marking_writes_and_audits_once(group, session, workshop_leader):
    person = enrol(group)
    services.attendance_mark(session=session, participant=person, status="late", by=workshop_leader)
    services.attendance_mark(
        session=session, participant=person, status="present", by=workshop_leader
    )
    services.attendance_mark(
        session=session, participant=person, status="present", by=workshop_leader
    )
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.marked_by) == ("present", workshop_leader)
    actions = list(
        AuditEvent.objects.filter(record_type="attendance.attendance").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "update"]  # the repeated tap writes nothing


def test_marking_refuses_outsiders_cancelled_sessions_and_bad_statuses(
    organisation, group, session, workshop_leader
):
    stranger = enrol(GroupFactory(organisation=organisation))
    with pytest.raises(ValidationError, match="dans un groupe de cette séance ce jour-là"):
        services.attendance_mark(
            session=session, participant=stranger, status="present", by=workshop_leader
        )
    person = enrol(group)
    with pytest.raises(ValidationError, match="Choisissez présent, en retard, excusé ou absent"):
        services.attendance_mark(
            session=session, participant=person, status="maybe", by=workshop_leader
        )
    cancelled = SessionFactory(
        organisation=organisation,
        groups=[group],
        date=D(2026, 3, 5),
        cancelled=True,
        cancel_reason="Grève",
    )
    with pytest.raises(ValidationError, match="Cette séance a été annulée"):
        services.attendance_mark(
            session=cancelled, participant=person, status="present", by=workshop_leader
        )
    assert not Attendance.objects.exists()


def test_validation_locks_the_register_and_the_coordinator_corrects_with_a_reason(
    group, session, workshop_leader, coordinator
):
    person = enrol(group)
    other = enrol(group)
    services.attendance_mark(
        session=session, participant=person, status="absent", by=workshop_leader
    )
    with pytest.raises(
        ValidationError, match="Encore aucun encodage pour 1 personne"
    ):  # `other` has no mark yet
        services.register_validate(session=session, by=workshop_leader)
    services.attendance_mark(
        session=session, participant=other, status="present", by=workshop_leader
    )
    services.register_validate(session=session, by=workshop_leader)
    session.refresh_from_db()
    assert session.register_validated_by == workshop_leader
    with pytest.raises(ValidationError, match="seul le coordinateur peut encore la corriger"):
        services.attendance_mark(
            session=session, participant=person, status="present", by=workshop_leader
        )
    with pytest.raises(PermissionDenied, match=r"^$"):
        services.attendance_correct(
            session=session, participant=person, status="excused", reason="x", by=workshop_leader
        )
    with pytest.raises(ValidationError, match="encodage est corrigé"):
        services.attendance_correct(
            session=session, participant=person, status="excused", reason="  ", by=coordinator
        )
    services.attendance_correct(
        session=session,
        participant=person,
        status="excused",
        reason="Certificat médical reçu",
        by=coordinator,
    )
    attendance = Attendance.objects.get(participant=person)
    assert attendance.status == "excused"
    events = AuditEvent.objects.filter(record_id=str(attendance.pk), actor=coordinator)
    changes = [event.plain_changes for event in events]
    assert any(c.get("status") == {"before": "absent", "after": "excused"} for c in changes)
    assert any(
        c == {"reason": {"before": None, "after": "Certificat médical reçu"}} for c in changes
    )


def test_register_page_and_htmx_mark(client, group, session, workshop_leader):
    person = enrol(group, last_name="Dupont")
    client.force_login(workshop_leader)
    page = client.get(reverse("attendance:register", args=[session.pk]))
    assert page.status_code == 200
    assert "DUPONT" in page.content.decode()
    url = reverse("attendance:mark", args=[session.pk, person.pk])
    response = client.post(url, {"status": "late"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="register-row-{person.pk}"' in html
    assert 'value="late"\n               checked' in html or 'value="late" checked' in " ".join(
        html.split()
    )
    assert Attendance.objects.get().status == "late"


def test_whole_form_without_javascript(client, group, session, workshop_leader):
    first, second = enrol(group), enrol(group)
    client.force_login(workshop_leader)
    response = client.post(
        reverse("attendance:register", args=[session.pk]),
        {f"status-{first.pk}": "present", f"status-{second.pk}": "absent"},
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("participant_id", "status")) == {
        first.pk: "present",
        second.pk: "absent",
    }


def test_leader_of_another_session_gets_not_found(client, organisation, group, session):
    from parcours.accounts.factories import UserFactory

    other_leader = UserFactory(organisation=organisation, workshop_leader=True, username="other")
    person = enrol(group)
    client.force_login(other_leader)
    assert client.get(reverse("attendance:register", args=[session.pk])).status_code == 404
    url = reverse("attendance:mark", args=[session.pk, person.pk])
    assert client.post(url, {"status": "present"}).status_code == 404
    assert not Attendance.objects.exists()
    # Leading the session is enough, even without being staff of the group.
    session.leader = other_leader
    session.save()
    assert client.get(reverse("attendance:register", args=[session.pk])).status_code == 200


def test_correction_page_records_the_reason(client, group, session, workshop_leader, coordinator):
    person = enrol(group)
    services.attendance_mark(
        session=session, participant=person, status="absent", by=workshop_leader
    )
    services.register_validate(session=session, by=workshop_leader)
    client.force_login(coordinator)
    url = reverse("attendance:correct", args=[session.pk, person.pk])
    assert client.post(url, {"status": "present", "reason": ""}).status_code == 200  # re-shown
    assert Attendance.objects.get().status == "absent"
    response = client.post(url, {"status": "present", "reason": "Arrivée notée sur papier"})
    assert response.status_code == 302
    assert Attendance.objects.get().status == "present"
    reasons = [event.plain_changes.get("reason") for event in AuditEvent.objects.all()]
    assert {"before": None, "after": "Arrivée notée sur papier"} in reasons


def test_monthly_grid_in_bounded_queries(organisation, group, workshop_leader):
    people = [enrol(group, last_name=f"N{i}") for i in range(6)]
    late_comer = enrol(group, start=D(2026, 3, 10), last_name="Z")
    enrol(group, exit=D(2026, 2, 27), last_name="Gone")  # left before March: no row
    sessions = [
        SessionFactory(organisation=organisation, groups=[group], date=D(2026, 3, day))
        for day in (3, 10, 17)
    ]
    SessionFactory(
        organisation=organisation,
        groups=[group],
        date=D(2026, 3, 24),
        cancelled=True,
        cancel_reason="x",
    )
    SessionFactory(organisation=organisation, groups=[group], date=D(2026, 4, 1))
    services.attendance_mark(
        session=sessions[0], participant=people[0], status="present", by=workshop_leader
    )
    services.attendance_mark(
        session=sessions[1], participant=people[0], status="excused", by=workshop_leader
    )
    services.attendance_mark(
        session=sessions[1], participant=late_comer, status="late", by=workshop_leader
    )
    with CaptureQueriesContext(connection) as queries:
        grid = month_grid(group, D(2026, 3, 1))
    assert len(queries) == 3
    assert [s.date.day for s in grid["sessions"]] == [3, 10, 17]
    rows = {row["participant"].last_name: row["cells"] for row in grid["rows"]}
    assert "Gone" not in rows
    assert len(rows) == 7
    assert rows["N0"] == ["present", "excused", ""]
    assert rows["Z"] == [None, "late", ""]


def test_monthly_grid_page(client, organisation, group, social_worker):
    enrol(group, last_name="Martin")
    SessionFactory(organisation=organisation, groups=[group], date=D(2026, 3, 3))
    client.force_login(social_worker)
    response = client.get(reverse("attendance:group_month", args=[group.pk]) + "?month=2026-03")
    assert response.status_code == 200
    assert "MARTIN" in response.content.decode()


def test_attendance_rate(organisation, group, workshop_leader):
    person = enrol(group, start=D(2026, 3, 1), exit=D(2026, 3, 31))
    dates = [
        D(2026, 2, 24),
        D(2026, 3, 3),
        D(2026, 3, 10),
        D(2026, 3, 17),
        D(2026, 3, 24),
        D(2026, 4, 7),
    ]
    s = {d: SessionFactory(organisation=organisation, groups=[group], date=d) for d in dates}
    SessionFactory(
        organisation=organisation,
        groups=[group],
        date=D(2026, 3, 12),
        cancelled=True,
        cancel_reason="x",
    )
    for day, status in (
        (D(2026, 3, 3), "present"),
        (D(2026, 3, 10), "late"),
        (D(2026, 3, 17), "absent"),
    ):
        services.attendance_mark(
            session=s[day], participant=person, status=status, by=workshop_leader
        )
    rate = attendance_rate(person, until=D(2026, 6, 30))
    # Held while enrolled: 3, 10, 17, 24 March; marked: 3; attended: 2 of 3.
    assert (rate.sessions, rate.marked, rate.attended, rate.pct) == (4, 3, 2, 66.7)
    assert attendance_rate(person, until=D(2026, 3, 9)).pct == 100.0
    assert attendance_rate(person, until=D(2026, 3, 1)).pct is None


def test_three_absences_in_a_row(organisation, group, coordinator, workshop_leader, social_worker):
    chain, broken, excused = (
        enrol(group, last_name="A"),
        enrol(group, last_name="B"),
        enrol(group, last_name="C"),
    )
    sessions = [
        SessionFactory(organisation=organisation, groups=[group], date=D(2026, 3, day))
        for day in (2, 3, 4, 5)
    ]
    marks = {
        chain: ["present", "absent", "absent", "absent"],
        broken: ["absent", "absent", "present", "absent"],
        excused: ["absent", "absent", "excused", "absent"],
    }
    for person, statuses in marks.items():
        for session, status in zip(sessions, statuses, strict=True):
            services.attendance_mark(
                session=session, participant=person, status=status, by=workshop_leader
            )
    runs = missed_in_a_row(coordinator, today=D(2026, 3, 6))
    assert [(run.participant, run.since, run.last) for run in runs] == [
        (chain, D(2026, 3, 3), D(2026, 3, 5))
    ]
    assert [run.participant for run in missed_in_a_row(workshop_leader, today=D(2026, 3, 6))] == [
        chain
    ]
    # On the 4th, the last three marks of `chain` are present, absent, absent.
    assert missed_in_a_row(coordinator, today=D(2026, 3, 4)) == []
    assert missed_in_a_row(social_worker, today=D(2026, 3, 6))[0].participant == chain


def test_registers_not_taken(organisation, group, coordinator, workshop_leader, viewer):
    person = enrol(group)
    taken = SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=D(2026, 3, 2)
    )
    untaken = SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=D(2026, 3, 3)
    )
    others = SessionFactory(organisation=organisation, groups=[group], date=D(2026, 3, 4))
    SessionFactory(
        organisation=organisation,
        groups=[group],
        date=D(2026, 3, 5),
        cancelled=True,
        cancel_reason="x",
    )
    SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=D(2026, 3, 6)
    )  # today
    services.attendance_mark(
        session=taken, participant=person, status="present", by=workshop_leader
    )
    today = D(2026, 3, 6)
    assert list(registers_not_taken(workshop_leader, today=today)) == [untaken]
    assert list(registers_not_taken(coordinator, today=today)) == [others, untaken]
    assert list(registers_not_taken(viewer, today=today)) == []


def test_workshop_hours(organisation):
    g1, g2 = GroupFactory(organisation=organisation), GroupFactory(organisation=organisation)
    cultural = WorkshopFactory(organisation=organisation, axis=Axis.CULTURAL)
    partner = ProviderFactory(organisation=organisation, kind=ProviderKind.PARTNER)
    # 13:30-16:30 = 3.00 h, shared by two groups: counted once.
    SessionFactory(organisation=organisation, groups=[g1, g2], date=D(2026, 3, 3))
    # 09:15-10:00 = 0.75 h, cultural, led by a partner.
    SessionFactory(
        organisation=organisation,
        groups=[g1],
        workshop=cultural,
        date=D(2026, 3, 4),
        start_time=T(9, 15),
        end_time=T(10, 0),
        provider_kind=ProviderKind.PARTNER,
        provider=partner,
    )
    # Cancelled, out of the period, another organisation: not counted.
    SessionFactory(
        organisation=organisation,
        groups=[g1],
        date=D(2026, 3, 5),
        cancelled=True,
        cancel_reason="x",
    )
    SessionFactory(organisation=organisation, groups=[g1], date=D(2026, 4, 1))
    SessionFactory(date=D(2026, 3, 3))
    with CaptureQueriesContext(connection) as queries:
        hours = workshop_hours(organisation, first=D(2026, 3, 1), last=D(2026, 3, 31))
    assert len(queries) == 1
    assert hours == {
        "total": 3.75,
        "team": 3.0,
        "subcontractor": 0.0,
        "partner": 0.75,
        "educational": 3.0,
        "cultural": 0.75,
    }


def test_printable_sheets_are_pdfs(client, organisation, group, session, workshop_leader, tmp_path):
    person = enrol(group, last_name="Dupont")
    services.attendance_mark(
        session=session, participant=person, status="present", by=workshop_leader
    )
    client.force_login(workshop_leader)
    for url in (
        reverse("attendance:session_sheet", args=[session.pk]),
        reverse("attendance:group_month_sheet", args=[group.pk]) + "?month=2026-03",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert len(response.content) > 2000


@pytest.mark.parametrize(
    ("language", "legend", "cell"),
    [
        ("fr", "R en retard", ">R</td>"),
        ("nl", "L te laat", ">L</td>"),
        ("en", "L late", ">L</td>"),
    ],
)
def test_the_month_grid_reads_the_marks_in_the_readers_codes(
    client, organisation, group, social_worker, workshop_leader, language, legend, cell
):
    person = enrol(group, last_name="Martin")
    session = SessionFactory(organisation=organisation, groups=[group], date=D(2026, 3, 3))
    services.attendance_mark(session=session, participant=person, status="late", by=workshop_leader)
    social_worker.language = language
    social_worker.save()
    client.force_login(social_worker)
    response = client.get(reverse("attendance:group_month", args=[group.pk]) + "?month=2026-03")
    page = " ".join(strip_tags(response.content.decode()).split())
    assert legend in page
    assert "(late)" not in page
    assert cell in response.content.decode()


def test_the_month_sheet_reads_the_marks_in_dutch(
    client, organisation, group, social_worker, workshop_leader
):
    person = enrol(group, last_name="Martin")
    session = SessionFactory(organisation=organisation, groups=[group], date=D(2026, 3, 3))
    services.attendance_mark(
        session=session, participant=person, status="present", by=workshop_leader
    )
    social_worker.language = "nl"
    social_worker.save()
    client.force_login(social_worker)
    response = client.get(
        reverse("attendance:group_month_sheet", args=[group.pk]) + "?month=2026-03"
    )
    text = " ".join(pdf_text(response.content).split())
    assert "Aw aanwezig · L te laat · V verontschuldigd · Af afwezig" in text
    assert "(present)" not in text
    # The day's head: its weekday and number.
    assert "di 3" in text
