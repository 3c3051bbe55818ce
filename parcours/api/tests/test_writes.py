"""Writing participants, enrolments and exits, workshops, sessions and attendance marks
through the API: the pages' forms and services, their messages and audit rows, 409 for
a stale version, idempotent creates, and the summaries the register keeps."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcours.attendance.models import AbsenceRun, Attendance
from parcours.attendance.runs import stale_runs
from parcours.audit.models import AuditEvent
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant
from parcours.programme.factories import EnrolmentFactory
from parcours.programme.models import Enrolment, ExitFollowUp
from parcours.workshops.models import Session, Workshop

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "reference": "API-001",
    "last_name": "Lambert",
    "first_name": "Inès",
    "gender": "F",
    "social": {
        "birth_date": "1991-04-02",
        "nationality": "MA",
        "city": "Charleroi",
        "labour_market_status": "unemployed",
        "unemployment_duration": "over_12",
        "inactive_since": "2019-06",
    },
}


def _send(client, method, path, headers, body=None, **extra):
    return getattr(client, method)(
        path, body, content_type="application/json", headers={**headers, **extra}
    )


def _errors(response) -> list[tuple[str, str]]:
    return [(error["location"], error["message"]) for error in response.json()["errors"]]


def _audit(record_type, action, pk=None):
    rows = AuditEvent.objects.filter(record_type=record_type, action=action)
    return rows.filter(record_id=str(pk)) if pk is not None else rows


@pytest.fixture
def write(client, bearer):
    """``write(user, method, path, body, **headers)`` with a write token of ``user``."""
    tokens = {}

    def send(user, method, path, body=None, **extra):
        if user.pk not in tokens:
            tokens[user.pk] = bearer(user, scope="write")
        return _send(client, method, path, tokens[user.pk], body, **extra)

    return send


# -- Participants ---------------------------------------------------------------------------


def test_a_file_is_opened_as_the_intake_page_opens_it(write, social_worker):
    response = write(social_worker, "post", "/api/v1/participants", NEW_PERSON)
    assert response.status_code == 201
    body = response.json()
    person = Participant.objects.get(pk=body["id"])
    assert (person.reference, person.city, person.nationality.code) == (
        "API-001",
        "Charleroi",
        "MA",
    )
    # The month alone, as the form keeps it.
    assert (person.inactive_since, person.inactive_since_month_only) == (
        datetime.date(2019, 6, 1),
        True,
    )
    assert body["status"] == "candidate"
    assert body["social"]["inactive_since"] == "2019-06"
    assert _audit("participants.participant", "create", person.pk).count() == 1


def test_the_intake_forms_messages_apply(write, social_worker, programme):
    future = {**NEW_PERSON, "social": {**NEW_PERSON["social"], "birth_date": "2999-01-01"}}
    response = write(social_worker, "post", "/api/v1/participants", future)
    assert response.status_code == 422
    assert _errors(response) == [
        ("body.social.birth_date", "La date de naissance ne peut pas être dans le futur.")
    ]
    taken = write(
        social_worker,
        "post",
        "/api/v1/participants",
        {**NEW_PERSON, "reference": programme.participant.reference},
    )
    assert _errors(taken) == [
        ("body.reference", "Un autre participant a déjà ce numéro de dossier.")
    ]
    not_unemployed = {
        **NEW_PERSON,
        "social": {**NEW_PERSON["social"], "labour_market_status": "inactive"},
    }
    refused = write(social_worker, "post", "/api/v1/participants", not_unemployed)
    assert [location for location, _message in _errors(refused)] == [
        "body.social.unemployment_duration"
    ]
    assert not Participant.objects.filter(reference="API-001").exists()


def test_a_possible_duplicate_needs_confirming(write, coordinator, organisation):
    same = ParticipantFactory(
        organisation=organisation,
        last_name="LAMBERT",
        first_name="Ines",
        birth_date=datetime.date(1991, 4, 2),
    )
    response = write(coordinator, "post", "/api/v1/participants", NEW_PERSON)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:parcours:problem:needs-confirmation"
    [(location, message)] = _errors(response)
    assert location == "body.confirm_duplicate"
    assert same.reference in message
    confirmed = write(
        coordinator, "post", "/api/v1/participants", {**NEW_PERSON, "confirm_duplicate": True}
    )
    assert confirmed.status_code == 201


def test_the_messages_follow_the_requests_language(write, coordinator, organisation):
    ParticipantFactory(
        organisation=organisation,
        last_name="Lambert",
        first_name="Inès",
        birth_date=datetime.date(1991, 4, 2),
    )
    future = {**NEW_PERSON, "social": {**NEW_PERSON["social"], "birth_date": "2999-01-01"}}
    dutch = {"Accept-Language": "nl"}
    refused = write(coordinator, "post", "/api/v1/participants", future, **dutch)
    assert _errors(refused) == [
        ("body.social.birth_date", "De geboortedatum kan niet in de toekomst liggen.")
    ]
    warned = write(coordinator, "post", "/api/v1/participants", NEW_PERSON, **dutch)
    assert warned.json()["detail"] == (
        "Controleer de waarschuwingen en stuur het verzoek dan opnieuw met "
        "confirm_duplicate op true om verder te gaan."
    )
    assert _errors(warned)[0][1].startswith("Deze persoon heeft misschien al een dossier: ")


def test_an_idempotency_key_opens_one_file(write, social_worker):
    first = write(
        social_worker, "post", "/api/v1/participants", NEW_PERSON, **{"Idempotency-Key": "p"}
    )
    again = write(
        social_worker, "post", "/api/v1/participants", NEW_PERSON, **{"Idempotency-Key": "p"}
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Participant.objects.filter(reference="API-001").count() == 1


def test_a_file_is_changed_with_its_version_and_audited(write, social_worker, programme):
    person = programme.participant
    path = f"/api/v1/participants/{person.pk}"
    saved = write(
        social_worker, "patch", path, {"version": person.version, "social": {"city": "Liège"}}
    )
    assert saved.status_code == 200
    assert saved.json()["social"]["city"] == "Liège"
    # What was not sent is kept.
    assert saved.json()["social"]["phone"] == "0471 00 00 00"
    assert saved.json()["status"] == "active"
    stale = write(social_worker, "patch", path, {"version": person.version, "first_name": "Zoé"})
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:parcours:problem:stale-version"
    person.refresh_from_db()
    assert (person.city, person.version) == ("Liège", saved.json()["version"])
    [update] = _audit("participants.participant", "update", person.pk)
    assert update.plain_changes["city"] == {"before": "Namur", "after": "Liège"}


def test_who_may_not_see_the_social_data_cannot_write_a_file(
    write, workshop_leader, viewer, programme
):
    person = programme.participant
    change = {"version": person.version, "social": {"city": "Liège"}}
    for user in (workshop_leader, viewer):
        assert write(user, "post", "/api/v1/participants", NEW_PERSON).status_code == 403
        patched = write(user, "patch", f"/api/v1/participants/{person.pk}", change)
        assert patched.status_code == 403
    person.refresh_from_db()
    assert person.city == "Namur"
    assert not Participant.objects.filter(reference="API-001").exists()


def test_an_anonymised_file_is_not_written_back_into(write, coordinator, programme):
    person = programme.participant
    Participant.objects.filter(pk=person.pk).update(anonymised_on=datetime.date(2026, 1, 1))
    response = write(
        coordinator, "patch", f"/api/v1/participants/{person.pk}", {"version": person.version}
    )
    assert response.status_code == 403


def test_the_status_comes_from_the_enrolments(client, coordinator, bearer, organisation, programme):
    candidate = ParticipantFactory(organisation=organisation)
    Enrolment.objects.filter(participant=programme.stranger).update(
        exit_date=programme.other_group.start_date, outcome="dropout", outcome_detail="moving"
    )
    items = client.get("/api/v1/participants", headers=bearer(coordinator)).json()["items"]
    statuses = {item["id"]: item["status"] for item in items}
    assert statuses == {
        programme.participant.pk: "active",
        programme.stranger.pk: "exited",
        candidate.pk: "candidate",
    }


# -- Enrolments and exits -------------------------------------------------------------------


def _enrol(programme, **values):
    return {
        "participant_id": programme.stranger.pk,
        "group_id": programme.group.pk,
        "start_date": "2026-02-02",
        **values,
    }


def test_an_enrolment_warns_as_the_page_does_then_is_created(write, social_worker, programme):
    warned = write(social_worker, "post", "/api/v1/enrolments", _enrol(programme))
    assert warned.status_code == 422
    assert warned.json()["type"] == "urn:parcours:problem:needs-confirmation"
    [(location, message)] = _errors(warned)
    assert location == "body.confirm_warnings"
    # The stranger left the other group at the end of March (conftest).
    assert message == (
        f"La personne est aussi dans le groupe {programme.other_group.name} du 05/01/2026 "
        "au 31/03/2026, pendant la même période."
    )
    created = write(
        social_worker, "post", "/api/v1/enrolments", _enrol(programme, confirm_warnings=True)
    )
    assert created.status_code == 201
    enrolment = Enrolment.objects.get(pk=created.json()["id"])
    assert (enrolment.participant, enrolment.group) == (programme.stranger, programme.group)
    assert created.json()["outcome"] == ""
    assert _audit("programme.enrolment", "create", enrolment.pk).count() == 1


def test_the_enrolment_forms_checks_apply(write, coordinator, programme, elsewhere):
    early = write(
        coordinator,
        "post",
        "/api/v1/enrolments",
        _enrol(programme, start_date="2025-12-01", confirm_warnings=True),
    )
    assert _errors(early) == [("body.start_date", "Le groupe ne commence que le 05/01/2026.")]
    again = write(
        coordinator,
        "post",
        "/api/v1/enrolments",
        _enrol(programme, participant_id=programme.participant.pk, confirm_warnings=True),
    )
    assert [location for location, _message in _errors(again)] == ["body.participant_id"]
    foreign = write(
        coordinator,
        "post",
        "/api/v1/enrolments",
        _enrol(programme, group_id=elsewhere.group.pk, confirm_warnings=True),
    )
    assert [location for location, _message in _errors(foreign)] == ["body.group_id"]
    assert elsewhere.group.name not in foreign.content.decode()
    assert Enrolment.objects.filter(participant=programme.stranger).count() == 1


def _exit(enrolment, **values):
    return {
        "version": enrolment.version,
        "exit_date": "2026-06-30",
        "outcome": "social_project",
        "outcome_detail": "volunteering",
        **values,
    }


def test_an_exit_is_recorded_as_the_page_records_it(write, social_worker, programme):
    enrolment = programme.enrolment
    path = f"/api/v1/enrolments/{enrolment.pk}/exit"
    no_reason = write(
        social_worker, "post", path, _exit(enrolment, outcome="dropout", outcome_detail="")
    )
    assert _errors(no_reason) == [
        ("body.outcome_detail", "Indiquez pourquoi la personne a abandonné.")
    ]
    extension = write(social_worker, "post", path, _exit(enrolment, outcome="extension"))
    assert [location for location, _message in _errors(extension)] == ["body.outcome"]
    saved = write(social_worker, "post", path, _exit(enrolment))
    assert saved.status_code == 200
    assert (saved.json()["exit_date"], saved.json()["outcome"]) == ("2026-06-30", "social_project")
    follow_up = ExitFollowUp.objects.get(enrolment=enrolment)
    assert follow_up.due_on == datetime.date(2026, 12, 30)
    assert _audit("programme.enrolment", "update", enrolment.pk).count() == 1
    closed = write(social_worker, "post", path, _exit(enrolment, version=saved.json()["version"]))
    assert closed.status_code == 422
    assert closed.json()["detail"] == "Cette inscription est déjà clôturée."


def test_a_stale_exit_answers_409_and_writes_nothing(write, coordinator, programme):
    enrolment = programme.enrolment
    Enrolment.objects.filter(pk=enrolment.pk).update(version=enrolment.version + 1)
    stale = write(coordinator, "post", f"/api/v1/enrolments/{enrolment.pk}/exit", _exit(enrolment))
    assert stale.status_code == 409
    enrolment.refresh_from_db()
    assert enrolment.exit_date is None
    assert not ExitFollowUp.objects.filter(enrolment=enrolment).exists()


# -- Workshops and sessions -----------------------------------------------------------------


def test_the_coordinator_adds_and_changes_a_workshop(write, coordinator, social_worker, programme):
    new = {"name": "Cuisine du monde", "axis": "cultural", "domains": ["health", "family"]}
    assert write(social_worker, "post", "/api/v1/workshops", new).status_code == 403
    created = write(coordinator, "post", "/api/v1/workshops", new)
    assert created.status_code == 201
    assert created.json()["domains"] == ["family", "health"]
    taken = write(
        coordinator, "post", "/api/v1/workshops", {**new, "name": programme.workshop.name.upper()}
    )
    assert _errors(taken) == [("body.name", "Un autre atelier porte déjà ce nom.")]
    workshop = Workshop.objects.get(pk=created.json()["id"])
    path = f"/api/v1/workshops/{workshop.pk}"
    changed = write(
        coordinator, "patch", path, {"version": workshop.version, "domains": ["health"]}
    )
    assert changed.status_code == 200
    assert (changed.json()["domains"], changed.json()["name"]) == (["health"], "Cuisine du monde")
    stale = write(coordinator, "patch", path, {"version": workshop.version, "axis": "educational"})
    assert stale.status_code == 409
    # The domains set on creating, then changed: the same rows as the catalogue's page.
    rows = _audit("workshops.workshop", "update", workshop.pk).order_by("created_at", "id")
    assert [row.changes for row in rows] == [
        {"domains": {"before": [], "after": ["family", "health"]}},
        {"domains": {"before": ["family", "health"], "after": ["health"]}},
    ]


def _new_session(programme, leader, **values):
    return {
        "workshop_id": programme.workshop.pk,
        "group_ids": [programme.group.pk],
        "date": "2026-03-10",
        "start_time": "09:00",
        "end_time": "12:00",
        "leader_id": leader.pk,
        **values,
    }


def test_a_session_is_planned_with_the_session_forms_checks(
    write, social_worker, workshop_leader, programme
):
    body = _new_session(programme, workshop_leader)
    no_leader = write(social_worker, "post", "/api/v1/sessions", {**body, "leader_id": None})
    assert _errors(no_leader) == [
        ("body.leader_id", "Indiquez le membre de l\u2019équipe qui anime la séance.")
    ]
    backwards = write(social_worker, "post", "/api/v1/sessions", {**body, "end_time": "08:00"})
    assert _errors(backwards) == [("body.end_time", "Une séance se termine après son début.")]
    key = {"Idempotency-Key": "s-1"}
    created = write(social_worker, "post", "/api/v1/sessions", body, **key)
    again = write(social_worker, "post", "/api/v1/sessions", body, **key)
    assert (created.status_code, again.status_code) == (201, 201)
    assert created.json() == again.json()
    assert created.json()["duration_minutes"] == 180
    session = Session.objects.get(pk=created.json()["id"])
    assert list(session.groups.all()) == [programme.group]
    assert Session.objects.filter(date=datetime.date(2026, 3, 10)).count() == 1
    assert _audit("workshops.session", "create", session.pk).count() == 1
    assert write(workshop_leader, "post", "/api/v1/sessions", body).status_code == 403


def test_a_clash_needs_confirming_as_on_the_page(write, coordinator, programme):
    # The programme's session: 3 March 2026, 13:30-16:30, with the programme's group.
    body = _new_session(
        programme, coordinator, date="2026-03-03", start_time="14:00", end_time="15:00"
    )
    refused = write(coordinator, "post", "/api/v1/sessions", body)
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:parcours:problem:needs-confirmation"
    [(location, message)] = _errors(refused)
    assert location == "body.confirm_clashes"
    assert message.startswith(f"Cela chevaucherait {programme.session}")
    assert programme.group.name in message
    assert Session.objects.filter(date=datetime.date(2026, 3, 3)).count() == 1
    created = write(coordinator, "post", "/api/v1/sessions", {**body, "confirm_clashes": True})
    assert created.status_code == 201

    # Moved onto the programme's session's room: asked again, then changed.
    programme.session.room = "B12"
    programme.session.save()
    path = f"/api/v1/sessions/{created.json()['id']}"
    change = {"version": created.json()["version"], "room": "b12"}
    moved = write(coordinator, "patch", path, change)
    assert [kind for kind, _message in _errors(moved)] == ["body.confirm_clashes"] * 2
    assert Session.objects.get(pk=created.json()["id"]).room == ""
    confirmed = write(coordinator, "patch", path, {**change, "confirm_clashes": True})
    assert (confirmed.status_code, confirmed.json()["room"]) == (200, "b12")


def test_a_session_is_changed_then_cancelled(write, coordinator, programme):
    session = programme.session
    path = f"/api/v1/sessions/{session.pk}"
    moved = write(
        coordinator, "patch", path, {"version": session.version, "room": "B12", "end_time": "17:00"}
    )
    assert moved.status_code == 200
    assert (moved.json()["room"], moved.json()["duration_minutes"]) == ("B12", 210)
    stale = write(coordinator, "patch", path, {"version": session.version, "room": "C3"})
    assert stale.status_code == 409
    version = moved.json()["version"]
    no_reason = write(coordinator, "patch", path, {"version": version, "cancelled": True})
    assert [location for location, _message in _errors(no_reason)] == ["body.cancel_reason"]
    cancelled = write(
        coordinator,
        "patch",
        path,
        {"version": version, "cancelled": True, "cancel_reason": "Animatrice malade"},
    )
    assert cancelled.status_code == 200
    assert (cancelled.json()["cancelled"], cancelled.json()["cancel_reason"]) == (
        True,
        "Animatrice malade",
    )
    session.refresh_from_db()
    assert (session.room, session.cancelled) == ("B12", True)
    assert _audit("workshops.session", "update", session.pk).count() == 2


# -- Attendance -----------------------------------------------------------------------------


def _mark_path(programme, person=None):
    person = person or programme.participant
    return f"/api/v1/sessions/{programme.session.pk}/marks/{person.pk}"


def test_a_leader_marks_as_the_register_does_and_the_runs_follow(
    write, workshop_leader, programme, organisation
):
    response = write(workshop_leader, "put", _mark_path(programme), {"status": "absent"})
    assert response.status_code == 200
    assert response.json()["status"] == "absent"
    mark = Attendance.objects.get(pk=programme.mark.pk)
    assert (mark.status, mark.marked_by) == ("absent", workshop_leader)
    run = AbsenceRun.objects.get(participant=programme.participant)
    assert (run.absences, run.since) == (1, programme.session.date)
    assert stale_runs(organisation.pk) == []
    [update] = _audit("attendance.attendance", "update", mark.pk)
    assert update.plain_changes["status"] == {"before": "present", "after": "absent"}
    invalid = write(workshop_leader, "put", _mark_path(programme), {"status": "asleep"})
    assert invalid.status_code == 422
    assert invalid.json()["detail"] == "Choisissez présent, en retard, excusé ou absent."


def test_a_validated_register_takes_only_the_coordinators_correction(
    write, coordinator, workshop_leader, programme
):
    Session.objects.filter(pk=programme.session.pk).update(
        register_validated_at=timezone.now(), register_validated_by=coordinator
    )
    locked = write(workshop_leader, "put", _mark_path(programme), {"status": "late"})
    assert locked.status_code == 422
    assert locked.json()["detail"] == (
        "La liste de présences a été validée\u00a0: seul le coordinateur peut encore la corriger."
    )
    assert (
        write(
            workshop_leader, "put", _mark_path(programme), {"status": "late", "reason": "Erreur"}
        ).status_code
        == 403
    )
    corrected = write(
        coordinator, "put", _mark_path(programme), {"status": "late", "reason": "Arrivée 14h"}
    )
    assert corrected.status_code == 200
    assert Attendance.objects.get(pk=programme.mark.pk).status == "late"
    reasons = [row.plain_changes.get("reason") for row in _audit("attendance.attendance", "update")]
    assert {"before": None, "after": "Arrivée 14h"} in reasons


def test_who_may_mark_and_whom(write, social_worker, coordinator, programme):
    assert (
        write(social_worker, "put", _mark_path(programme), {"status": "absent"}).status_code == 403
    )
    # The stranger is not in a group of the session: not on its register.
    stranger = write(
        coordinator, "put", _mark_path(programme, programme.stranger), {"status": "present"}
    )
    assert stranger.status_code == 404
    Session.objects.filter(pk=programme.session.pk).update(cancelled=True, cancel_reason="Grève")
    cancelled = write(coordinator, "put", _mark_path(programme), {"status": "absent"})
    assert cancelled.json()["detail"] == (
        "Cette séance a été annulée\u00a0: elle n\u2019a pas de liste de présences."
    )
    assert Attendance.objects.get(pk=programme.mark.pk).status == "present"


def test_a_write_does_a_bounded_number_of_queries(write, coordinator, organisation, programme):
    """The same writes cost the same number of queries in a larger programme."""
    person, session = programme.participant, programme.session

    def count(status, city):
        person.refresh_from_db()
        with CaptureQueriesContext(connection) as context:
            marked = write(coordinator, "put", _mark_path(programme), {"status": status})
            changed = write(
                coordinator,
                "patch",
                f"/api/v1/participants/{person.pk}",
                {"version": person.version, "social": {"city": city}},
            )
        assert (marked.status_code, changed.status_code) == (200, 200)
        return len(context.captured_queries)

    count("late", "Ciney")  # the first use notes the token's "last used"
    before = count("absent", "Dinant")
    for _ in range(5):
        other = ParticipantFactory(organisation=organisation)
        EnrolmentFactory(group=programme.group, participant=other)
        Attendance.objects.create(session=session, participant=other, status="present")
    assert count("excused", "Andenne") == before
