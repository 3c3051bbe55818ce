"""The round trip of issue 17: a programme read from one organisation through the API
and written through the API into a new organisation gives the same yearly report.

The transfer is a list of steps, one per kind of record, each reading the source's
pages and writing what it read into the target, in an order the rules accept (people
and groups before enrolments, marks, assessments and actions while the enrolments run,
cancellations and exits last)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import pytest

from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.api import schemas
from parcours.assessments import services as assessment_services
from parcours.assessments.enums import ActionStatus, Moment
from parcours.attendance import services as attendance_services
from parcours.attendance.enums import Presence
from parcours.attendance.selectors import expected_participants
from parcours.core.domains import Domain
from parcours.participants import services as participant_services
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import LiteracyTest
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
    exits of three kinds, a candidate never enrolled, two workshops, a subcontractor and
    a closing period, six sessions of which one is cancelled after its register was taken
    and one led by the subcontractor, and every kind of mark for the people expected at
    each session; the casework of ``build_casework``."""
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
    candidate = person(organisation=organisation)  # never enrolled

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
    enrolments["immersion"] = enrol(people[2], immersion, "2026-03-02")
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
    company = workshop_services.provider_create(
        organisation=organisation,
        by=coordinator,
        name="Compagnie du Hasard",
        kind="subcontractor",
        contact_name="Léa Dufour",
        email="lea@example.org",
    )
    workshop_services.closing_period_create(
        organisation=organisation,
        by=coordinator,
        label="Vacances d'été",
        start_date=_day("2026-07-20"),
        end_date=_day("2026-08-14"),
    )
    plan = [
        (speaking, [remobilisation], "2026-02-03", "13:30", "16:30", None),
        (theatre, [remobilisation, immersion], "2026-03-10", "09:00", "12:00", None),
        (speaking, [immersion], "2026-04-14", "13:00", "15:30", None),
        (theatre, [remobilisation], "2026-05-05", "13:30", "16:00", None),
        (speaking, [remobilisation, immersion], "2026-09-15", "09:30", "12:00", None),
        # Led by a subcontractor: a provider, no leader of the team.
        (theatre, [immersion], "2026-11-17", "14:00", "16:00", company),
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
            provider_kind=provider.kind if provider else "team",
            provider=provider,
            leader=None if provider else leader,
            room="Salle 1",
        )
        for workshop, groups, day, start, end, provider in plan
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
    build_casework(enrolments, people, candidate, by=social_worker)


# The ratings of the seven domains, in the order of ``Domain``: administrative, family,
# social and cultural life, housing, financial, health, employment and training (None:
# not concerned).
ASSESSMENTS = [
    # (enrolment, moment, date, minutes, ratings)
    ("employment", Moment.ENTRY, "2026-01-12", 60, (2, 3, 2, 1, 2, 3, 1)),
    ("employment", Moment.MIDDLE, "2026-03-30", 45, (3, 3, 3, 2, 2, 3, 3)),
    ("employment", Moment.END, "2026-06-26", 60, (2, 3, 4, 2, 1, None, 5)),
    # A dropout's improvement does not count, however large.
    ("dropout", Moment.ENTRY, "2026-01-14", 60, (1, 1, 1, 1, 1, 1, 1)),
    ("dropout", Moment.END, "2026-03-27", 30, (5, 5, 5, 5, 5, 5, 5)),
    ("volunteering", Moment.ENTRY, "2026-02-09", 90, (3, 2, 1, 4, 2, None, 2)),
    ("volunteering", Moment.END, "2026-10-28", 60, (3, 4, 3, 3, 3, 2, 2)),
    # Left out of every domain: no end assessment.
    ("language", Moment.ENTRY, "2026-01-09", 45, (2, 2, 2, 2, 2, 2, 2)),
    # Still running: its hours count, its ratings not.
    ("immersion", Moment.ENTRY, "2026-03-09", 75, (1, 2, 3, 4, 5, 1, 2)),
    ("immersion", Moment.MIDDLE, "2026-09-07", 45, (2, 2, 3, 4, 5, 2, 2)),
]


def build_casework(enrolments, people, candidate, *, by):
    """Assessments at entry, middle and end of varied outcomes, the action plans agreed at
    them and reviewed at the next (one changed without a review), and interventions of
    every kind, two of which the report leaves out (the candidate's, one of 2027)."""
    assessments = {}
    for key, moment, day, minutes, ratings in ASSESSMENTS:
        assessments[key, moment] = assessment_services.assessment_save(
            enrolment=enrolments[key],
            moment=moment,
            date=_day(day),
            duration_minutes=minutes,
            overall_note=f"Bilan {moment} de {key}.",
            ratings={
                domain: (rating, "Suivi." if rating == 1 else "")
                for domain, rating in zip(Domain.values, ratings, strict=True)
            },
            by=by,
        )

    def plan(key, domain, description, due, agreed_at=None, own_words=""):
        return assessment_services.action_create(
            enrolment=enrolments[key],
            domain=domain,
            description=description,
            own_words=own_words,
            responsible="Assistante sociale",
            due_date=_day(due),
            agreed_at=agreed_at and assessments[key, agreed_at],
            by=by,
        )

    housing = plan(
        "employment",
        "housing",
        "Dossier de logement social",
        "2026-03-31",
        "entry",
        own_words="Je demande un logement social.",
    )
    bank = plan("employment", "financial", "Ouvrir un compte bancaire", "2026-04-30", "entry")
    for action, status in ((housing, ActionStatus.DONE), (bank, ActionStatus.UNDER_WAY)):
        assessment_services.action_review(
            action=action, status=status, assessment=assessments["employment", "middle"], by=by
        )
    # Reviewed twice: under way at the middle, done at the end.
    assessment_services.action_review(
        action=bank, status=ActionStatus.DONE, assessment=assessments["employment", "end"], by=by
    )
    plan("immersion", "health", "Prendre rendez-vous chez le médecin", "2026-10-15", "entry")
    given_up = plan("volunteering", "family", "Trouver une crèche", "2026-05-29")
    assessment_services.action_update(action=given_up, status=ActionStatus.GIVEN_UP, by=by)

    work = [
        (people[0], "2026-01-20", 45, "interview", ["administrative", "financial"]),
        (people[0], "2026-04-15", 120, "accompaniment", ["housing"]),
        (people[2], "2026-05-06", 90, "home_visit", ["family", "health"]),
        (people[3], "2026-11-03", 15, "phone_call", []),
        (people[4], "2026-12-15", 30, "referral", ["employment_training"]),
        # Left out of the report: not a participant of the year; after the year.
        (candidate, "2026-06-01", 60, "other", ["social_cultural"]),
        (people[2], "2027-01-08", 30, "interview", ["health"]),
    ]
    # Literacy positioning tests: individual work too, the candidate's left out.
    tests = [
        (people[0], "2026-01-13", 60, ("a1", "a1_1", "alpha_3", "alpha_2"), "literacy"),
        (people[2], "2026-07-07", 30, ("b1", "a2", "b1", "a2"), "fle"),
        (candidate, "2026-05-05", 45, ("a1", "a1", "alpha_1", "alpha_1"), "literacy"),
    ]
    for who, day, minutes, levels, orientation in tests:
        participant_services.literacy_test_record(
            participant=who,
            by=by,
            examiner=by,
            date=_day(day),
            duration_minutes=minutes,
            orientation=orientation,
            comment=f"Positionnement du {day}.",
            **dict(zip(LiteracyTest.SKILLS, levels, strict=True)),
        )
    for who, day, minutes, kind, domains in work:
        participant_services.intervention_create(
            participant=who,
            date=_day(day),
            duration_minutes=minutes,
            kind=kind,
            domains=domains,
            notes=f"Entretien du {day}.",
            by=by,
        )


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


def copy_providers(transfer):
    for provider in transfer.source.pages("/api/v1/providers"):
        body = {
            **{name: provider[name] for name in ("name", "kind", "contact_name", "phone", "email")},
            "leader_ids": [transfer.people[pk] for pk in provider["leader_ids"]],
        }
        transfer.ids["provider"][provider["id"]] = transfer.target.write(
            "post", "/api/v1/providers", body
        )["id"]


def copy_closing_periods(transfer):
    for period in transfer.source.pages("/api/v1/closing-periods"):
        body = {name: period[name] for name in ("label", "start_date", "end_date")}
        transfer.ids["closing_period"][period["id"]] = transfer.target.write(
            "post", "/api/v1/closing-periods", body
        )["id"]


def copy_sessions(transfer):
    for session in transfer.source.pages("/api/v1/sessions"):
        body = {
            **{
                name: session[name]
                for name in ("date", "start_time", "end_time", "provider_kind", "room")
            },
            "workshop_id": transfer.ids["workshop"][session["workshop_id"]],
            "group_ids": [transfer.ids["group"][pk] for pk in session["group_ids"]],
            "leader_id": transfer.people.get(session["leader_id"]),
            "provider_id": transfer.ids["provider"].get(session["provider_id"]),
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


MOMENTS = list(Moment.values)


def copy_assessments(transfer):
    """While the enrolments run, in the order of their dates (an entry before its end),
    each with its seven ratings."""
    assessments = transfer.source.pages("/api/v1/assessments")
    for assessment in sorted(assessments, key=lambda a: (a["date"], MOMENTS.index(a["moment"]))):
        body = {
            **{name: assessment[name] for name in ("moment", "date", "duration_minutes")},
            "overall_note": assessment["overall_note"],
            "enrolment_id": transfer.ids["enrolment"][assessment["enrolment_id"]],
            "ratings": assessment["ratings"],
        }
        transfer.ids["assessment"][assessment["id"]] = transfer.target.write(
            "post", "/api/v1/assessments", body
        )["id"]


def copy_actions(transfer):
    """After the assessments they were agreed at. A new action is planned: an action
    reviewed at assessments gets its statuses by their reviews, oldest first (the page's
    way), another one by a change of its own."""
    ids = transfer.ids
    for action in transfer.source.pages("/api/v1/actions"):
        body = {
            **{
                name: action[name]
                for name in ("domain", "description", "own_words", "responsible", "due_date")
            },
            "enrolment_id": ids["enrolment"][action["enrolment_id"]],
            "agreed_at_id": ids["assessment"].get(action["agreed_at_id"]),
        }
        created = transfer.target.write("post", "/api/v1/actions", body)
        ids["action"][action["id"]] = created["id"]
        for review in action["reviews"]:
            path = f"/api/v1/assessments/{ids['assessment'][review['assessment_id']]}"
            version = transfer.target.read(path)["version"]
            transfer.target.write(
                "patch",
                path,
                {
                    "version": version,
                    "reviews": [{"action_id": created["id"], "status": review["status"]}],
                },
            )
        if not action["reviews"] and action["status"] != created["status"]:
            path = f"/api/v1/actions/{created['id']}"
            transfer.target.write(
                "patch", path, {"version": created["version"], "status": action["status"]}
            )


def copy_interventions(transfer):
    """The person's, not an enrolment's: any time after the participants."""
    for intervention in transfer.source.pages("/api/v1/interventions"):
        body = {
            **{
                name: intervention[name]
                for name in ("date", "duration_minutes", "kind", "domains", "notes")
            },
            "participant_id": transfer.ids["participant"][intervention["participant_id"]],
        }
        transfer.ids["intervention"][intervention["id"]] = transfer.target.write(
            "post", "/api/v1/interventions", body
        )["id"]


def copy_literacy_tests(transfer):
    """The person's, as interventions are; the examiner is one of the team."""
    for test in transfer.source.pages("/api/v1/literacy-tests"):
        body = {
            **{name: test[name] for name in LITERACY_FIELDS},
            "participant_id": transfer.ids["participant"][test["participant_id"]],
            "examiner_id": transfer.people[test["examiner_id"]],
        }
        transfer.ids["literacy_test"][test["id"]] = transfer.target.write(
            "post", "/api/v1/literacy-tests", body
        )["id"]


LITERACY_FIELDS = ("date", "duration_minutes", *LiteracyTest.SKILLS, "orientation", "comment")


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
    copy_providers,
    copy_closing_periods,
    copy_enrolments,
    copy_sessions,
    copy_marks,
    copy_assessments,
    copy_actions,
    copy_interventions,
    copy_literacy_tests,
    copy_cancellations,
    copy_exits,
)


# -- The test -------------------------------------------------------------------------------


def _figures(api: Api) -> dict:
    report = api.read(f"/api/v1/reports/yearly?year={YEAR}&as_of={YEAR}-12-31")
    # The organisation's own name is the one figure that differs.
    return {name: value for name, value in report["figures"].items() if name != "organisation"}


def _report_tables(api: Api) -> dict:
    """What the report page and its files show beside the JSON figures: the counts
    behind the percentages, the hours per domain, the individual and collective work."""
    report = api.read(f"/api/v1/reports/yearly?year={YEAR}&as_of={YEAR}-12-31")
    return {part: report[part] for part in ("counts", "domain_hours", "work_share")}


def _casework(api: Api, ids: dict | None = None) -> dict:
    """The casework records as comparable values, the source's ids turned into the
    target's through ``ids`` (the target's own when None)."""

    def id_of(kind, pk):
        return pk if ids is None or pk is None else ids[kind][pk]

    return {
        "assessments": {
            (
                id_of("enrolment", a["enrolment_id"]),
                a["moment"],
                a["date"],
                a["duration_minutes"],
                a["overall_note"],
                tuple((r["domain"], r["rating"], r["comment"]) for r in a["ratings"]),
            )
            for a in api.pages("/api/v1/assessments")
        },
        "actions": {
            (
                id_of("enrolment", a["enrolment_id"]),
                a["domain"],
                a["description"],
                a["own_words"],
                a["responsible"],
                a["due_date"],
                a["status"],
                id_of("assessment", a["agreed_at_id"]),
                id_of("assessment", a["reviewed_at_id"]),
                tuple((id_of("assessment", r["assessment_id"]), r["status"]) for r in a["reviews"]),
            )
            for a in api.pages("/api/v1/actions")
        },
        "interventions": {
            (
                id_of("participant", i["participant_id"]),
                i["date"],
                i["duration_minutes"],
                i["kind"],
                tuple(sorted(i["domains"])),
                i["notes"],
            )
            for i in api.pages("/api/v1/interventions")
        },
        "literacy_tests": {
            (
                id_of("participant", t["participant_id"]),
                *(t[name] for name in LITERACY_FIELDS),
            )
            for t in api.pages("/api/v1/literacy-tests")
        },
    }


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
    target_organisation = OrganisationFactory(name="CPAS de destination")
    target_staff = _staff(target_organisation)
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
    # Improvement by domain: three completed exits, of which two were assessed at entry
    # and at end (the language training's has no end assessment, the dropout's counts
    # for nothing), "not concerned" leaving health unrated.
    assert source["improvement_n"] == {
        "administrative": 2,
        "family": 2,
        "social_cultural": 2,
        "housing": 2,
        "financial": 2,
        "health": 0,
        "employment_training": 2,
    }
    improved = {d: v if v is None else float(v) for d, v in source["improvement_pct"].items()}
    assert improved == {
        "administrative": 0.0,
        "family": 50.0,
        "social_cultural": 100.0,
        "housing": 50.0,
        "financial": 50.0,
        "health": None,
        "employment_training": 50.0,
    }
    assert float(source["deteriorated_pct"]["housing"]) == 50.0

    beyond = _report_tables(transfer.source)
    assert _report_tables(transfer.target) == beyond
    assert beyond["counts"]["not_rated"]["health"] == 3
    # Individual work: the ten assessments (570 minutes), the five interventions of the
    # year's participants (300 minutes) and two literacy tests (90 minutes), not the
    # candidate's intervention and test nor the intervention of 2027.
    share, whole = beyond["work_share"], beyond["work_share"]["total"]
    assert (whole["individual_items"], whole["individual_no_duration"]) == (17, 0)
    assert (float(whole["individual_hours"]), float(whole["collective_hours"])) == (16.0, 13.0)
    assert float(whole["individual_pct"]) == 55.2
    assert [float(row["individual_hours"]) for row in share["quarters"]] == [8.5, 4.5, 1.25, 1.75]

    # Casework the report does not count (the action plans, the notes, the comments)
    # is compared record by record.
    casework = _casework(transfer.source, transfer.ids)
    kinds = ("assessments", "actions", "interventions", "literacy_tests")
    assert [len(casework[kind]) for kind in kinds] == [10, 4, 7, 3]
    # The bank account's action, reviewed twice, keeps both reviews.
    assert sorted(len(action[-1]) for action in casework["actions"]) == [0, 0, 1, 2]
    assert _casework(transfer.target) == casework

    # Who led each session (the team's leader, or the subcontractor), and the closing
    # periods, which the report does not count either.
    def led_by(api, provider_ids=None, leader_ids=None):
        providers = {p["id"]: p for p in api.pages("/api/v1/providers")}
        return sorted(
            (
                s["date"],
                s["provider_kind"],
                providers[s["provider_id"]]["name"] if s["provider_id"] else None,
                (leader_ids or {}).get(s["leader_id"], s["leader_id"]),
            )
            for s in api.pages("/api/v1/sessions")
        )

    source_leading = led_by(transfer.source, leader_ids=transfer.people)
    assert ("2026-11-17", "subcontractor", "Compagnie du Hasard", None) in source_leading
    assert led_by(transfer.target) == source_leading
    assert [
        {k: v for k, v in p.items() if k != "id"}
        for p in transfer.target.pages("/api/v1/closing-periods")
    ] == [
        {k: v for k, v in p.items() if k != "id"}
        for p in transfer.source.pages("/api/v1/closing-periods")
    ]
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
