"""The round trip of issue 17: a programme read from one organisation through the API
and written through the API into a new organisation gives the same yearly report.

The transfer is a list of steps, one per kind of record, each reading the source's
pages and writing what it read into the target, in an order the rules accept (people
and groups before enrolments, marks while the enrolments run, cancellations and exits
last). An ``assessments`` step goes between the marks and the exits once the API
writes assessments (docs/api.md)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import pytest

from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.api import schemas
from parcours.attendance import services as attendance_services
from parcours.attendance.enums import Presence
from parcours.attendance.selectors import expected_participants
from parcours.participants.factories import ParticipantFactory
from parcours.programme import services as programme_services
from parcours.programme.enums import ProcessType
from parcours.programme.factories import GroupFactory
from parcours.workshops import planning
from parcours.workshops import services as workshop_services

pytestmark = pytest.mark.django_db

YEAR = 2026
TODAY = datetime.datetime(2027, 1, 15, 10, 0, tzinfo=datetime.UTC)


# -- The source programme -------------------------------------------------------------------


def _day(text):
    return datetime.date.fromisoformat(text)


def build_programme(organisation, *, coordinator, social_worker, leader):
    """Five people in two groups (one of them also in both, one after the other), four
    exits of three kinds, a candidate never enrolled, two workshops, six sessions of
    which one is cancelled after its register was taken, and every kind of mark for the
    people expected at each session."""
    remobilisation = GroupFactory(
        organisation=organisation,
        name="Remobilisation 2026",
        start_date=_day("2026-01-05"),
        end_date=_day("2026-10-30"),
        capacity=8,
    )
    immersion = GroupFactory(
        organisation=organisation,
        name="Immersion 2026",
        process_type=ProcessType.IMMERSION,
        start_date=_day("2026-03-02"),
        end_date=_day("2027-02-26"),
    )
    for group in (remobilisation, immersion):
        group.staff.add(leader)
    person = ParticipantFactory
    people = [
        person(
            organisation=organisation,
            esf_answered=True,
            birth_date=_day("1970-02-14"),
            birth_country="MA",
            nationality="MA",
            qualification_level="none",
            labour_market_status="unemployed",
            unemployment_duration="over_12",
            housing_exclusion="yes",
            french_level="weak",
            language_course="fle",
            social_worker=social_worker,
        ),
        person(
            organisation=organisation,
            esf_answered=True,
            gender="M",
            birth_date=_day("2003-09-01"),
            never_worked=True,
            disability="yes",
        ),
        person(
            organisation=organisation,
            birth_date=_day("1985-11-30"),
            birth_country="SY",
            nationality="SY",
            qualification_level="higher",
            qualification_recognised="no",
            inactive_since=_day("2021-03-01"),
            inactive_since_month_only=True,
            cpas_proof_kind="integration_income",
            cpas_proof_date=_day("2025-12-15"),
        ),
        person(
            organisation=organisation,
            gender="X",
            birth_date=_day("1962-06-06"),
            nationality="FR",
            labour_market_status="employed",
        ),
        person(
            organisation=organisation,
            esf_answered=True,
            gender="M",
            birth_date=_day("1999-01-20"),
            rural_area="yes",
            foreign_background="yes",
        ),
    ]
    person(organisation=organisation)  # a candidate, never enrolled

    def enrol(who, group, start):
        return programme_services.enrolment_create(
            participant=who, group=group, start_date=_day(start), by=coordinator
        )

    enrolments = {
        "employment": enrol(people[0], remobilisation, "2026-01-05"),
        "dropout": enrol(people[1], remobilisation, "2026-01-05"),
        "volunteering": enrol(people[3], remobilisation, "2026-02-02"),
        "language": enrol(people[4], remobilisation, "2026-01-05"),
    }
    enrol(people[2], immersion, "2026-03-02")
    enrol(people[4], immersion, "2026-03-02")

    speaking = workshop_services.workshop_create(
        organisation=organisation,
        by=coordinator,
        name="Expression orale",
        axis="educational",
        domains=["social_cultural"],
    )
    theatre = workshop_services.workshop_create(
        organisation=organisation,
        by=coordinator,
        name="Théâtre",
        axis="cultural",
        domains=["health", "social_cultural"],
        objectives="Prendre la parole en public.",
    )
    plan = [
        (speaking, [remobilisation], "2026-02-03", "13:30", "16:30"),
        (theatre, [remobilisation, immersion], "2026-03-10", "09:00", "12:00"),
        (speaking, [immersion], "2026-04-14", "13:00", "15:30"),
        (theatre, [remobilisation], "2026-05-05", "13:30", "16:00"),
        (speaking, [remobilisation, immersion], "2026-09-15", "09:30", "12:00"),
        (theatre, [immersion], "2026-11-17", "14:00", "16:00"),
    ]
    sessions = [
        planning.create_session(
            organisation=organisation,
            by=coordinator,
            workshop=workshop,
            groups=groups,
            date=_day(day),
            start_time=datetime.time.fromisoformat(start),
            end_time=datetime.time.fromisoformat(end),
            leader=leader,
            room="Salle 1",
        )
        for workshop, groups, day, start, end in plan
    ]

    def leave(enrolment, day, outcome, detail, qualification=""):
        programme_services.enrolment_exit(
            enrolment=enrolment,
            exit_date=_day(day),
            outcome=outcome,
            detail=detail,
            qualification_gained=qualification,
            by=coordinator,
        )

    leave(enrolments["employment"], "2026-06-30", "professional_project", "employment", "yes")
    leave(enrolments["dropout"], "2026-03-31", "dropout", "health")
    leave(enrolments["volunteering"], "2026-10-30", "social_project", "volunteering", "no")
    leave(enrolments["language"], "2026-02-27", "social_project", "language_training")
    statuses = list(Presence)
    for number, session in enumerate(sessions):
        for index, expected in enumerate(expected_participants(session)):
            attendance_services.attendance_mark(
                session=session,
                participant=expected,
                status=statuses[(number + index) % len(statuses)],
                by=leader,
            )
    planning.cancel_session(session=sessions[3], by=coordinator, reason="Grève des transports")


# -- The API on each side -------------------------------------------------------------------


@dataclass
class Api:
    """One organisation's API, as a program of the CPAS calls it with a token."""

    client: object
    headers: dict

    def pages(self, path: str) -> list[dict]:
        items, cursor = [], None
        while True:
            query = f"?limit=200&cursor={cursor}" if cursor else "?limit=200"
            response = self.client.get(path + query, headers=self.headers)
            assert response.status_code == 200, response.content
            page = response.json()
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    def read(self, path: str) -> dict:
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.content
        return response.json()

    def write(self, method: str, path: str, body: dict) -> dict:
        response = getattr(self.client, method)(
            path, body, content_type="application/json", headers=self.headers
        )
        assert response.status_code in (200, 201), response.content
        return response.json()


@dataclass
class Transfer:
    source: Api
    target: Api
    # The target's accounts standing for the source's (accounts are not an API resource).
    people: dict
    # For each kind of record, the target's id of each source id.
    ids: dict = field(default_factory=lambda: defaultdict(dict))


# -- The steps ------------------------------------------------------------------------------

WRITABLE_SOCIAL = schemas.SocialDataChange.model_fields


def copy_participants(transfer):
    for person in transfer.source.pages("/api/v1/participants"):
        social = {name: person["social"][name] for name in WRITABLE_SOCIAL}
        social["social_worker_id"] = transfer.people.get(social["social_worker_id"])
        body = {
            **{name: person[name] for name in ("reference", "last_name", "first_name", "gender")},
            "social": social,
            # The source's files were checked when they were opened.
            "confirm_duplicate": True,
        }
        created = transfer.target.write("post", "/api/v1/participants", body)
        transfer.ids["participant"][person["id"]] = created["id"]


def copy_groups(transfer):
    for group in transfer.source.pages("/api/v1/groups"):
        body = {
            **{
                name: group[name]
                for name in ("name", "process_type", "start_date", "end_date", "capacity")
            },
            "staff_ids": [transfer.people[pk] for pk in group["staff_ids"]],
        }
        transfer.ids["group"][group["id"]] = transfer.target.write("post", "/api/v1/groups", body)[
            "id"
        ]


def copy_workshops(transfer):
    for workshop in transfer.source.pages("/api/v1/workshops"):
        body = {name: workshop[name] for name in ("name", "axis", "objectives", "domains")}
        transfer.ids["workshop"][workshop["id"]] = transfer.target.write(
            "post", "/api/v1/workshops", body
        )["id"]


def copy_enrolments(transfer):
    for enrolment in transfer.source.pages("/api/v1/enrolments"):
        body = {
            "participant_id": transfer.ids["participant"][enrolment["participant_id"]],
            "group_id": transfer.ids["group"][enrolment["group_id"]],
            "start_date": enrolment["start_date"],
            # The source went on despite the same warnings.
            "confirm_warnings": True,
        }
        transfer.ids["enrolment"][enrolment["id"]] = transfer.target.write(
            "post", "/api/v1/enrolments", body
        )["id"]


def copy_sessions(transfer):
    for session in transfer.source.pages("/api/v1/sessions"):
        assert session["provider_id"] is None, "providers are not an API resource yet"
        body = {
            **{
                name: session[name]
                for name in ("date", "start_time", "end_time", "provider_kind", "room")
            },
            "workshop_id": transfer.ids["workshop"][session["workshop_id"]],
            "group_ids": [transfer.ids["group"][pk] for pk in session["group_ids"]],
            "leader_id": transfer.people.get(session["leader_id"]),
        }
        transfer.ids["session"][session["id"]] = transfer.target.write(
            "post", "/api/v1/sessions", body
        )["id"]


def copy_marks(transfer):
    for mark in transfer.source.pages("/api/v1/attendance-marks"):
        session = transfer.ids["session"][mark["session_id"]]
        person = transfer.ids["participant"][mark["participant_id"]]
        transfer.target.write(
            "put", f"/api/v1/sessions/{session}/marks/{person}", {"status": mark["status"]}
        )


def copy_cancellations(transfer):
    """After the marks: a cancelled session's register takes none."""
    for session in transfer.source.pages("/api/v1/sessions"):
        if session["cancelled"]:
            path = f"/api/v1/sessions/{transfer.ids['session'][session['id']]}"
            version = transfer.target.read(path)["version"]
            transfer.target.write(
                "patch",
                path,
                {"version": version, "cancelled": True, "cancel_reason": session["cancel_reason"]},
            )


def copy_exits(transfer):
    """Last: a closed enrolment takes no mark after its exit."""
    for enrolment in transfer.source.pages("/api/v1/enrolments"):
        if enrolment["exit_date"] is None:
            continue
        target = transfer.ids["enrolment"][enrolment["id"]]
        version = transfer.target.read(f"/api/v1/enrolments/{target}")["version"]
        transfer.target.write(
            "post",
            f"/api/v1/enrolments/{target}/exit",
            {
                "version": version,
                **{
                    name: enrolment[name]
                    for name in ("exit_date", "outcome", "outcome_detail", "qualification_gained")
                },
            },
        )


STEPS = (
    copy_participants,
    copy_groups,
    copy_workshops,
    copy_enrolments,
    copy_sessions,
    copy_marks,
    copy_cancellations,
    copy_exits,
)


# -- The test -------------------------------------------------------------------------------


def _figures(api: Api) -> dict:
    report = api.read(f"/api/v1/reports/yearly?year={YEAR}&as_of={YEAR}-12-31")
    # The organisation's own name is the one figure that differs.
    return {name: value for name, value in report["figures"].items() if name != "organisation"}


def _staff(organisation):
    return {
        role: UserFactory(organisation=organisation, **{role: True})
        for role in ("coordinator", "social_worker", "workshop_leader")
    }


def test_a_programme_copied_through_the_api_gives_the_same_yearly_report(
    client, bearer, organisation, personas, time_machine
):
    time_machine.move_to(TODAY, tick=False)
    build_programme(
        organisation,
        coordinator=personas["coordinator"],
        social_worker=personas["social_worker"],
        leader=personas["workshop_leader"],
    )
    target_staff = _staff(OrganisationFactory(name="CPAS de destination"))
    transfer = Transfer(
        source=Api(client, bearer(personas["coordinator"])),
        target=Api(client, bearer(target_staff["coordinator"], scope="write")),
        people={personas[role].pk: user.pk for role, user in target_staff.items()},
    )
    for step in STEPS:
        step(transfer)

    source, target = _figures(transfer.source), _figures(transfer.target)
    assert source.keys() == target.keys()
    for name in source:
        assert target[name] == source[name], name
    # Real figures, so that two empty reports cannot pass: five people, four exits (one
    # dropout), the five held sessions' thirteen hours (the cancelled one left out).
    assert source["participants"] == 5
    assert source["results"]["exits"] == 4
    assert float(source["results"]["dropout_pct"]) == 25.0
    assert source["results"]["dropout_reasons"]["health"] == 1
    hours = source["hours"]
    assert (float(hours["total"]), float(hours["educational"]), float(hours["cultural"])) == (
        13.0,
        8.0,
        5.0,
    )
    assert len(transfer.ids["participant"]) == 6
    # The report counts the sessions' hours, not who came: the marks are compared apart.
    ids = transfer.ids
    marks = transfer.source.pages("/api/v1/attendance-marks")
    assert len({mark["status"] for mark in marks}) == 4
    assert {
        (ids["session"][m["session_id"]], ids["participant"][m["participant_id"]], m["status"])
        for m in marks
    } == {
        (m["session_id"], m["participant_id"], m["status"])
        for m in transfer.target.pages("/api/v1/attendance-marks")
    }
