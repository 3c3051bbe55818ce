"""The programme's other writes through the API, each the page's own: an extension into
another group, a weekly series of sessions, a register's summary and validation, the
follow-up after exit. The same forms' messages, services, audit rows and 409s."""

import datetime

import pytest

from parcours.attendance.models import Attendance
from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants.factories import ParticipantFactory
from parcours.programme.enums import ExitOutcome
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.programme.models import Enrolment
from parcours.workshops.models import ClosingPeriod, Session, SessionSeries

pytestmark = pytest.mark.django_db

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def write(client, bearer):
    """``write(user, method, path, body)`` with a write token of ``user``, in English."""
    tokens = {}

    def send(user, method, path, body=None, **extra):
        if user.pk not in tokens:
            tokens[user.pk] = bearer(user, scope="write")
        return getattr(client, method)(
            path,
            body,
            content_type="application/json",
            headers={**tokens[user.pk], **ENGLISH, **extra},
        )

    return send


def _errors(response) -> list[tuple[str, str]]:
    return [(error["location"], error["message"]) for error in response.json()["errors"]]


# -- Extensions -----------------------------------------------------------------------------


@pytest.fixture
def next_group(organisation):
    return GroupFactory(
        organisation=organisation,
        name="Remob B",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2027, 8, 31),
        capacity=1,
    )


def _extend(enrolment, next_group, **values):
    return {
        "version": enrolment.version,
        "exit_date": "2026-10-30",
        "next_group_id": next_group.pk,
        **values,
    }


def test_an_extension_closes_and_opens_in_one_act(
    write, social_worker, programme, next_group, organisation
):
    enrolment = programme.enrolment
    path = f"/api/v1/enrolments/{enrolment.pk}/extension"
    EnrolmentFactory(group=next_group, participant=ParticipantFactory(organisation=organisation))

    # The next group is full: the page's warning, until confirmed.
    warned = write(social_worker, "post", path, _extend(enrolment, next_group))
    assert warned.status_code == 422
    assert warned.json()["type"] == "urn:parcours:problem:needs-confirmation"
    assert _errors(warned) == [
        (
            "body.confirm_warnings",
            "The group Remob B already has its 1 participants or more: this enrolment goes "
            "over its capacity.",
        )
    ]
    enrolment.refresh_from_db()
    assert enrolment.exit_date is None

    body = _extend(enrolment, next_group, confirm_warnings=True)
    response = write(social_worker, "post", path, body, **{"Idempotency-Key": "ext-1"})
    assert response.status_code == 201, response.content
    following = Enrolment.objects.get(group=next_group, participant=enrolment.participant)
    # Left out: the next group's start.
    assert response.json()["id"] == following.pk
    assert response.json()["start_date"] == "2026-11-02"
    enrolment.refresh_from_db()
    assert (enrolment.exit_date, enrolment.outcome) == (
        datetime.date(2026, 10, 30),
        ExitOutcome.EXTENSION,
    )
    assert not hasattr(enrolment, "follow_up")
    rows = AuditEvent.objects.filter(record_type="programme.enrolment", actor=social_worker)
    assert list(rows.order_by("pk").values_list("action", "record_id")) == [
        (AuditAction.UPDATE, str(enrolment.pk)),
        (AuditAction.CREATE, str(following.pk)),
    ]

    # Sent again with its key: the first answer, nothing more.
    again = write(social_worker, "post", path, body, **{"Idempotency-Key": "ext-1"})
    assert (again.status_code, again.json()) == (201, response.json())
    assert next_group.enrolments.count() == 2


def test_an_extension_is_refused_as_the_page_refuses_it(write, coordinator, programme, next_group):
    enrolment = programme.enrolment
    path = f"/api/v1/enrolments/{enrolment.pk}/extension"

    same = write(coordinator, "post", path, _extend(enrolment, programme.group))
    assert same.status_code == 422
    assert [location for location, _message in _errors(same)] == ["body.next_group_id"]

    late = write(
        coordinator, "post", path, _extend(enrolment, next_group, next_start_date="2027-09-01")
    )
    assert _errors(late) == [("body.next_start_date", "The next group ends on 31/08/2027.")]

    stale = write(
        coordinator,
        "post",
        path,
        _extend(enrolment, next_group, version=enrolment.version + 1, confirm_warnings=True),
    )
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:parcours:problem:stale-version"
    assert next_group.enrolments.count() == 0


# -- Weekly series --------------------------------------------------------------------------


def test_a_weekly_series_skips_holidays_and_closing_periods(
    write, coordinator, workshop_leader, programme, organisation
):
    # A series plans only for the groups running in its period.
    programme.group.end_date = datetime.date(2026, 12, 18)
    programme.group.save(update_fields=["end_date"])
    ClosingPeriod.objects.create(
        organisation=organisation,
        label="Congé d'automne",
        start_date=datetime.date(2026, 11, 23),
        end_date=datetime.date(2026, 11, 27),
    )
    body = {
        "workshop_id": programme.workshop.pk,
        "group_ids": [programme.group.pk],
        "weekday": 2,  # Wednesdays
        "start_time": "13:30",
        "end_time": "16:30",
        "first_date": "2026-11-01",
        "last_date": "2026-11-30",
        "leader_id": workshop_leader.pk,
        "room": "Salle 1",
    }

    response = write(coordinator, "post", "/api/v1/session-series", body)

    assert response.status_code == 201, response.content
    answer = response.json()
    series = SessionSeries.objects.get(pk=answer["id"])
    sessions = Session.objects.filter(series=series).order_by("date")
    assert [session.date for session in sessions] == [
        datetime.date(2026, 11, 4),
        datetime.date(2026, 11, 18),
    ]
    assert answer["session_ids"] == [session.pk for session in sessions]
    assert answer["skipped"] == [
        {"date": "2026-11-11", "reason": "public holiday: Jour de l'Armistice"},
        {"date": "2026-11-25", "reason": "closing period: Congé d'automne"},
    ]
    assert (answer["weekday"], answer["start_time"], answer["end_time"]) == (2, "13:30", "16:30")
    read = write(coordinator, "get", f"/api/v1/sessions/{sessions[0].pk}").json()
    assert (read["series_id"], read["group_ids"], read["room"]) == (
        series.pk,
        [programme.group.pk],
        "Salle 1",
    )
    assert (
        AuditEvent.objects.filter(
            record_type="workshops.session", action=AuditAction.CREATE
        ).count()
        == 2
    )


def test_a_series_is_checked_by_the_pages_form(write, coordinator, programme):
    body = {
        "workshop_id": programme.workshop.pk,
        "group_ids": [programme.group.pk],
        "weekday": 2,
        "start_time": "13:30",
        "end_time": "12:00",
        "first_date": "2026-11-01",
        "last_date": "2027-12-01",
    }

    response = write(coordinator, "post", "/api/v1/session-series", body)

    assert response.status_code == 422
    assert sorted(_errors(response)) == [
        ("body.end_time", "A session ends after it starts."),
        ("body.last_date", "Plan a series over one year at most."),
        ("body.leader_id", "Name the team member who leads the session."),
    ]
    assert not SessionSeries.objects.exists()


# -- The register ---------------------------------------------------------------------------


def test_a_register_is_summed_up_then_validated(write, workshop_leader, programme, organisation):
    session = programme.session
    late_comer = ParticipantFactory(organisation=organisation)
    EnrolmentFactory(group=programme.group, participant=late_comer)
    path = f"/api/v1/sessions/{session.pk}/register"

    summary = write(workshop_leader, "get", path).json()
    assert summary == {
        "session_id": session.pk,
        "validated": False,
        "validated_at": None,
        "present": 1,
        "late": 0,
        "excused": 0,
        "absent": 0,
        "unmarked": 1,
        "total": 2,
    }

    refused = write(workshop_leader, "post", f"{path}/validation")
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "1 person has no mark yet: mark everyone before validating."
    )

    marked = write(
        workshop_leader,
        "put",
        f"/api/v1/sessions/{session.pk}/marks/{late_comer.pk}",
        {"status": "late"},
    )
    assert marked.status_code == 200
    validated = write(workshop_leader, "post", f"{path}/validation")
    assert validated.status_code == 200
    assert validated.json()["validated"] is True
    assert (validated.json()["late"], validated.json()["unmarked"]) == (1, 0)
    session.refresh_from_db()
    assert session.register_validated_by == workshop_leader
    assert AuditEvent.objects.filter(
        record_type="workshops.session", action=AuditAction.UPDATE, record_id=str(session.pk)
    ).exists()

    # Validated: a tap is refused, and so is a second validation.
    again = write(workshop_leader, "post", f"{path}/validation")
    assert again.json()["detail"] == "The register has already been validated."
    tap = write(
        workshop_leader,
        "put",
        f"/api/v1/sessions/{session.pk}/marks/{late_comer.pk}",
        {"status": "present"},
    )
    assert tap.status_code == 422
    assert Attendance.objects.get(session=session, participant=late_comer).status == "late"


# -- Follow-up after exit -------------------------------------------------------------------


def test_a_follow_up_is_read_and_recorded(write, social_worker, programme):
    follow_up = programme.follow_up
    path = f"/api/v1/follow-ups/{follow_up.pk}"
    read = write(social_worker, "get", path).json()
    assert read["enrolment_id"] == follow_up.enrolment_id
    assert read["participant_id"] == programme.stranger.pk
    assert read["due_on"] == "2026-09-29"
    listed = write(
        social_worker, "get", f"/api/v1/follow-ups?group={programme.other_group.pk}"
    ).json()
    assert [item["id"] for item in listed["items"]] == [follow_up.pk]
    assert write(social_worker, "get", "/api/v1/follow-ups?date_to=2026-09-28").json() == {
        "items": [],
        "next_cursor": None,
    }

    future = write(
        social_worker,
        "patch",
        path,
        {"version": read["version"], "situation": "training", "recorded_on": "2999-01-01"},
    )
    assert _errors(future) == [("body.recorded_on", "A follow-up cannot be dated in the future.")]

    response = write(
        social_worker,
        "patch",
        path,
        {
            "version": read["version"],
            "situation": "training",
            "recorded_on": "2026-10-01",
            "note": "En formation qualifiante.",
        },
    )
    assert response.status_code == 200, response.content
    follow_up.refresh_from_db()
    assert (follow_up.situation, follow_up.recorded_by, follow_up.note) == (
        "training",
        social_worker,
        "En formation qualifiante.",
    )
    assert response.json()["version"] == follow_up.version
    assert AuditEvent.objects.filter(
        record_type="programme.exitfollowup", action=AuditAction.UPDATE
    ).exists()

    stale = write(
        social_worker,
        "patch",
        path,
        {"version": read["version"], "situation": "employment", "recorded_on": "2026-10-02"},
    )
    assert stale.status_code == 409
    follow_up.refresh_from_db()
    assert follow_up.situation == "training"


# -- Providers and closing periods ----------------------------------------------------------


def test_a_provider_is_added_and_changed_as_on_its_page(
    write, coordinator, workshop_leader, programme
):
    taken = write(
        coordinator,
        "post",
        "/api/v1/providers",
        {"name": programme.provider.name.upper(), "kind": "partner"},
    )
    assert _errors(taken) == [("body.name", "Another provider already has this name.")]

    created = write(
        coordinator,
        "post",
        "/api/v1/providers",
        {"name": "Théâtre du Copion", "kind": "partner", "leader_ids": [workshop_leader.pk]},
    )
    assert created.status_code == 201, created.content
    provider = created.json()
    assert (provider["kind"], provider["leader_ids"]) == ("partner", [workshop_leader.pk])
    assert AuditEvent.objects.filter(
        record_type="workshops.provider", action=AuditAction.CREATE
    ).exists()

    path = f"/api/v1/providers/{provider['id']}"
    changed = write(coordinator, "patch", path, {"version": provider["version"], "leader_ids": []})
    assert changed.status_code == 200
    assert (changed.json()["leader_ids"], changed.json()["name"]) == ([], "Théâtre du Copion")
    stale = write(coordinator, "patch", path, {"version": provider["version"], "phone": "1"})
    assert stale.status_code == 409
    assert write(coordinator, "get", path).json()["phone"] == ""


def test_a_closing_period_is_added_and_removed_as_on_its_page(write, coordinator, programme):
    backwards = write(
        coordinator,
        "post",
        "/api/v1/closing-periods",
        {"label": "Noël", "start_date": "2026-12-31", "end_date": "2026-12-24"},
    )
    assert _errors(backwards) == [("body", "The period cannot end before it starts.")]

    created = write(
        coordinator,
        "post",
        "/api/v1/closing-periods",
        {"label": "Noël", "start_date": "2026-12-24", "end_date": "2026-12-31"},
    )
    assert created.status_code == 201
    period = created.json()
    listed = write(coordinator, "get", "/api/v1/closing-periods?date_from=2026-12-01").json()
    assert [item["id"] for item in listed["items"]] == [period["id"]]

    removed = write(coordinator, "delete", f"/api/v1/closing-periods/{period['id']}")
    assert removed.status_code == 204
    assert not ClosingPeriod.objects.filter(pk=period["id"]).exists()
    assert AuditEvent.objects.filter(
        record_type="workshops.closingperiod", action=AuditAction.DELETE
    ).exists()
    assert write(coordinator, "get", f"/api/v1/closing-periods/{period['id']}").status_code == 404
