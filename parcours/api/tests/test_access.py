"""The access matrix of the pages, applied to the API: every endpoint, every role, and
another organisation's ids. Nothing of the other organisation ever appears in a body,
and a workshop leader never gets social data nor casework."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.api.tests.conftest import build_casework
from parcours.assessments.models import Action, Assessment
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Intervention, LiteracyTest, Participant
from parcours.programme.factories import EnrolmentFactory, ExitFollowUpFactory, GroupFactory
from parcours.programme.models import Enrolment
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory
from parcours.workshops.models import ClosingPeriod, Provider, Session, SessionSeries

pytestmark = pytest.mark.django_db

STAFF = {"coordinator", "social_worker", "workshop_leader"}
EVERY_ROLE = STAFF | {"viewer"}
CASEWORK = {"coordinator", "social_worker"}

# (path, the programme's record it shows, the roles that may read it)
LISTS = [
    ("/api/v1/participants", "participant", STAFF),
    ("/api/v1/groups", "group", STAFF),
    ("/api/v1/enrolments", "enrolment", STAFF),
    ("/api/v1/workshops", "workshop", STAFF),
    ("/api/v1/sessions", "session", STAFF),
    ("/api/v1/attendance-marks", "mark", STAFF),
    ("/api/v1/assessments", "assessment", CASEWORK),
    ("/api/v1/actions", "action", CASEWORK),
    ("/api/v1/interventions", "intervention", CASEWORK),
    ("/api/v1/follow-ups", "follow_up", CASEWORK),
    ("/api/v1/literacy-tests", "literacy_test", CASEWORK),
    ("/api/v1/providers", "provider", STAFF),
    ("/api/v1/closing-periods", "closing_period", {"coordinator"}),
]
DETAILS = [(f"{path}/{{pk}}", record, roles) for path, record, roles in LISTS] + [
    ("/api/v1/sessions/{pk}/register", "session", {"coordinator", "workshop_leader"}),
]


def _ids(body: dict) -> set[int]:
    return {item["id"] for item in body["items"]}


def _foreign_words(elsewhere) -> list[str]:
    return [
        elsewhere.group.name,
        elsewhere.participant.last_name,
        elsewhere.participant.reference,
        elsewhere.stranger.reference,
        elsewhere.workshop.name,
        elsewhere.assessment.overall_note,
        "Logement ailleurs",
        elsewhere.action.description,
        elsewhere.intervention.notes,
        elsewhere.follow_up.note,
        elsewhere.literacy_test.comment,
        elsewhere.provider.name,
        elsewhere.closing_period.label,
    ]


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
@pytest.mark.parametrize(("path", "record", "roles"), LISTS)
def test_lists_show_nothing_of_another_organisation(
    client, personas, bearer, programme, elsewhere, role, path, record, roles
):
    response = client.get(path, headers=bearer(personas[role]))
    if role not in roles:
        assert response.status_code == 403
        assert response.json()["type"] == "urn:parcours:problem:forbidden"
        return
    assert response.status_code == 200
    body = response.json()
    assert getattr(programme, record).pk in _ids(body)
    assert getattr(elsewhere, record).pk not in _ids(body)
    text = response.content.decode()
    for word in _foreign_words(elsewhere):
        assert word not in text


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
@pytest.mark.parametrize(("path", "record", "roles"), DETAILS)
def test_another_organisations_ids_do_not_exist(
    client, personas, bearer, programme, elsewhere, role, path, record, roles
):
    headers = bearer(personas[role])
    own = client.get(path.format(pk=getattr(programme, record).pk), headers=headers)
    foreign = client.get(path.format(pk=getattr(elsewhere, record).pk), headers=headers)
    if role not in roles:
        assert (own.status_code, foreign.status_code) == (403, 403)
        return
    assert own.status_code == 200
    assert foreign.status_code == 404
    assert set(foreign.json()) == {"type", "title", "status", "detail", "instance"}


def test_a_leader_sees_only_their_groups_people_and_no_social_data(
    client, workshop_leader, bearer, programme
):
    headers = bearer(workshop_leader)
    people = client.get("/api/v1/participants", headers=headers).json()["items"]
    assert [person["id"] for person in people] == [programme.participant.pk]
    assert "social" not in people[0]
    text = json.dumps(people)
    assert "Namur" not in text
    assert "0471" not in text
    person = client.get(f"/api/v1/participants/{programme.participant.pk}", headers=headers)
    assert "social" not in person.json()
    stranger = client.get(f"/api/v1/participants/{programme.stranger.pk}", headers=headers)
    assert stranger.status_code == 404
    groups = client.get("/api/v1/groups", headers=headers).json()["items"]
    assert [group["id"] for group in groups] == [programme.group.pk]
    enrolments = client.get("/api/v1/enrolments", headers=headers).json()["items"]
    assert [e["id"] for e in enrolments] == [programme.enrolment.pk]
    assert "outcome" not in enrolments[0]


def test_casework_sees_the_social_data(client, social_worker, bearer, programme):
    person = client.get(
        f"/api/v1/participants/{programme.participant.pk}", headers=bearer(social_worker)
    ).json()
    assert person["social"]["city"] == "Namur"
    assert person["social"]["birth_date"] == "1980-05-17"


def test_filters_by_group_and_dates(client, coordinator, bearer, programme):
    headers = bearer(coordinator)
    in_group = client.get(
        f"/api/v1/participants?group={programme.group.pk}", headers=headers
    ).json()
    assert _ids(in_group) == {programme.participant.pk}
    day = programme.session.date.isoformat()
    sessions = client.get(f"/api/v1/sessions?date_from={day}&date_to={day}", headers=headers)
    assert _ids(sessions.json()) == {programme.session.pk}
    later = client.get("/api/v1/sessions?date_from=2099-01-01", headers=headers).json()
    assert later["items"] == []
    marks = client.get(
        f"/api/v1/attendance-marks?group={programme.other_group.pk}", headers=headers
    )
    assert marks.json()["items"] == []


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
def test_the_yearly_report_has_the_figures_of_the_reports_json(
    client, personas, bearer, programme, role
):
    headers = bearer(personas[role])
    api = client.get("/api/v1/reports/yearly?year=2026&as_of=2026-06-30", headers=headers)
    assert api.status_code == 200
    client.force_login(personas[role])
    page = client.get(reverse("reporting:report_json") + "?year=2026&as_of=2026-06-30")
    assert page.status_code == 200
    assert api.json()["figures"] == json.loads(page.content)
    assert api.json()["figures"]["participants"] == 2  # the two people enrolled


def test_the_report_refuses_another_organisations_group(
    client, coordinator, bearer, programme, elsewhere
):
    response = client.get(
        f"/api/v1/reports/yearly?year=2026&group={elsewhere.group.pk}", headers=bearer(coordinator)
    )
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["query.group"]


@pytest.mark.parametrize(("path", "_record", "_roles"), LISTS)
def test_a_list_does_a_bounded_number_of_queries(
    client, coordinator, bearer, organisation, programme, path, _record, _roles
):
    headers = bearer(coordinator)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(path, headers=headers)
        assert response.status_code == 200
        return len(context.captured_queries)

    client.get(path, headers=headers)  # the first use notes the token's "last used"
    before = count()
    for _ in range(5):
        group = GroupFactory(organisation=organisation)
        person = ParticipantFactory(organisation=organisation)
        build_casework(EnrolmentFactory(group=group, participant=person), words="more")
        session = SessionFactory(
            organisation=organisation,
            workshop=WorkshopFactory(organisation=organisation),
            groups=[group],
        )
        Attendance.objects.create(session=session, participant=person, status="present")
        ExitFollowUpFactory(enrolment__group=group)
        ProviderFactory(organisation=organisation).leaders.add(
            UserFactory(organisation=organisation, workshop_leader=True)
        )
        ClosingPeriod.objects.create(
            organisation=organisation,
            label="Congé",
            start_date=datetime.date(2026, 12, 24),
            end_date=datetime.date(2026, 12, 31),
        )
    assert count() == before


# -- Writes ---------------------------------------------------------------------------------

CASEWORK = {"coordinator", "social_worker"}
TAKERS = {"coordinator", "workshop_leader"}


def _new_person(world, people):
    return {
        "reference": "W-1",
        "last_name": "Nouvelle",
        "first_name": "Personne",
        "gender": "X",
        "social": {"birth_date": "1990-01-01"},
    }


def _new_session(world, people):
    return {
        "workshop_id": world.workshop.pk,
        "group_ids": [world.group.pk],
        "date": "2026-03-17",
        "start_time": "09:00",
        "end_time": "11:00",
        "leader_id": people["workshop_leader"].pk,
    }


def _new_assessment(world, people):
    # The programme's enrolment has its entry assessment already.
    return {
        "enrolment_id": world.enrolment.pk,
        "moment": "end",
        "date": "2026-06-10",
        "duration_minutes": 45,
        "ratings": [{"domain": domain, "rating": 3} for domain in Domain.values],
    }


def _new_action(world, people):
    return {
        "enrolment_id": world.enrolment.pk,
        "domain": "housing",
        "description": "Inscription au logement social.",
        "responsible": "La participante",
        "due_date": "2026-07-31",
        "agreed_at_id": world.assessment.pk,
    }


def _new_intervention(world, people):
    return {
        "participant_id": world.participant.pk,
        "date": "2026-06-12",
        "duration_minutes": 40,
        "kind": "phone_call",
        "domains": ["housing"],
    }


def _new_series(world, people):
    return {
        "workshop_id": world.workshop.pk,
        "group_ids": [world.group.pk],
        "weekday": 1,
        "start_time": "09:00",
        "end_time": "11:00",
        "first_date": "2026-09-01",
        "last_date": "2026-09-29",
        "leader_id": people["workshop_leader"].pk,
    }


def _new_literacy_test(world, people):
    return {
        "participant_id": world.participant.pk,
        "date": "2026-02-03",
        "duration_minutes": 45,
        "examiner_id": people["social_worker"].pk,
        "oral_comprehension": "a1",
        "oral_expression": "a1_1",
        "reading": "alpha_3",
        "writing": "alpha_2",
        "orientation": "literacy",
    }


def _extension(world, people):
    return {
        "version": world.enrolment.version,
        "exit_date": "2026-05-29",
        "next_group_id": world.other_group.pk,
        "confirm_warnings": True,
    }


# (method, path, the body from a programme and its people, the roles that may write it,
# the status of a write that goes through). The paths name the records of the programme
# the request is about: ours for the roles, another organisation's for the 404s.
WRITES = [
    ("post", "/api/v1/participants", _new_person, CASEWORK, 201),
    (
        "patch",
        "/api/v1/participants/{participant}",
        lambda w, p: {"version": w.participant.version, "social": {"city": "Mons"}},
        CASEWORK,
        200,
    ),
    (
        "post",
        "/api/v1/groups",
        lambda w, p: {"name": "G-API", "process_type": "immersion", "start_date": "2026-09-01"},
        CASEWORK,
        201,
    ),
    (
        "patch",
        "/api/v1/groups/{group}",
        lambda w, p: {"version": w.group.version, "capacity": 9},
        CASEWORK,
        200,
    ),
    (
        "post",
        "/api/v1/enrolments",
        lambda w, p: {
            "participant_id": w.stranger.pk,
            "group_id": w.group.pk,
            "start_date": "2026-02-02",
            "confirm_warnings": True,
        },
        CASEWORK,
        201,
    ),
    (
        "post",
        "/api/v1/enrolments/{enrolment}/exit",
        lambda w, p: {
            "version": w.enrolment.version,
            "exit_date": "2026-05-29",
            "outcome": "dropout",
            "outcome_detail": "health",
        },
        CASEWORK,
        200,
    ),
    ("post", "/api/v1/enrolments/{enrolment}/extension", _extension, CASEWORK, 201),
    (
        "patch",
        "/api/v1/follow-ups/{follow_up}",
        lambda w, p: {
            "version": w.follow_up.version,
            "situation": "training",
            "recorded_on": "2026-10-01",
        },
        CASEWORK,
        200,
    ),
    (
        "post",
        "/api/v1/workshops",
        lambda w, p: {"name": "Atelier API", "axis": "educational"},
        {"coordinator"},
        201,
    ),
    (
        "patch",
        "/api/v1/workshops/{workshop}",
        lambda w, p: {"version": w.workshop.version, "objectives": "Lire la presse."},
        {"coordinator"},
        200,
    ),
    ("post", "/api/v1/sessions", _new_session, CASEWORK, 201),
    (
        "patch",
        "/api/v1/sessions/{session}",
        lambda w, p: {"version": w.session.version, "room": "Salle 2"},
        CASEWORK,
        200,
    ),
    ("post", "/api/v1/session-series", _new_series, CASEWORK, 201),
    (
        "post",
        "/api/v1/providers",
        lambda w, p: {"name": "Compagnie API", "kind": "subcontractor"},
        {"coordinator"},
        201,
    ),
    (
        "patch",
        "/api/v1/providers/{provider}",
        lambda w, p: {"version": w.provider.version, "phone": "081 00 00 00"},
        {"coordinator"},
        200,
    ),
    (
        "post",
        "/api/v1/closing-periods",
        lambda w, p: {"label": "Noël", "start_date": "2026-12-24", "end_date": "2026-12-31"},
        {"coordinator"},
        201,
    ),
    ("delete", "/api/v1/closing-periods/{closing_period}", lambda w, p: None, {"coordinator"}, 204),
    ("post", "/api/v1/sessions/{session}/register/validation", lambda w, p: {}, TAKERS, 200),
    (
        "put",
        "/api/v1/sessions/{session}/marks/{participant}",
        lambda w, p: {"status": "excused"},
        TAKERS,
        200,
    ),
    ("post", "/api/v1/assessments", _new_assessment, CASEWORK, 201),
    (
        "patch",
        "/api/v1/assessments/{assessment}",
        lambda w, p: {"version": w.assessment.version, "overall_note": "Revu."},
        CASEWORK,
        200,
    ),
    ("post", "/api/v1/actions", _new_action, CASEWORK, 201),
    (
        "patch",
        "/api/v1/actions/{action}",
        lambda w, p: {"version": w.action.version, "status": "done"},
        CASEWORK,
        200,
    ),
    ("post", "/api/v1/interventions", _new_intervention, CASEWORK, 201),
    ("post", "/api/v1/literacy-tests", _new_literacy_test, CASEWORK, 201),
    (
        "patch",
        "/api/v1/interventions/{intervention}",
        lambda w, p: {"version": w.intervention.version, "duration_minutes": 30},
        CASEWORK,
        200,
    ),
]

RECORDS = (
    "participant",
    "group",
    "enrolment",
    "workshop",
    "session",
    "assessment",
    "action",
    "intervention",
    "follow_up",
    "provider",
    "closing_period",
)


def _path(template: str, world) -> str:
    return template.format(**{name: getattr(world, name).pk for name in RECORDS})


def _write(client, headers, method, path, body):
    return getattr(client, method)(path, body, content_type="application/json", headers=headers)


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
@pytest.mark.parametrize(("method", "path", "body", "roles", "ok"), WRITES)
def test_writes_follow_the_pages_roles(
    client, personas, bearer, programme, elsewhere, role, method, path, body, roles, ok
):
    response = _write(
        client,
        bearer(personas[role], scope="write"),
        method,
        _path(path, programme),
        body(programme, personas),
    )
    if role not in roles:
        assert response.status_code == 403
        assert response.json()["type"] == "urn:parcours:problem:forbidden"
        return
    assert response.status_code == ok, response.content
    text = response.content.decode()
    for word in _foreign_words(elsewhere):
        assert word not in text


def _versions(world) -> dict:
    """Each record's stored version (a closing period has none: whether it is there)."""
    versions = {}
    for name in RECORDS:
        record = getattr(world, name)
        rows = record.__class__.objects.filter(pk=record.pk)
        versions[name] = rows.exists() if name == "closing_period" else rows.get().version
    return versions


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
@pytest.mark.parametrize(
    ("method", "path", "body", "roles", "ok"), [w for w in WRITES if "{" in w[1]]
)
def test_another_organisations_records_cannot_be_written(
    client, personas, bearer, programme, elsewhere, role, method, path, body, roles, ok
):
    before = _versions(elsewhere)
    marks = list(Attendance.objects.filter(session=elsewhere.session).values_list("status"))
    response = _write(
        client,
        bearer(personas[role], scope="write"),
        method,
        _path(path, elsewhere),
        body(elsewhere, personas),
    )
    assert response.status_code == (404 if role in roles else 403)
    assert set(response.json()) == {"type", "title", "status", "detail", "instance"}
    assert _versions(elsewhere) == before
    assert list(Attendance.objects.filter(session=elsewhere.session).values_list("status")) == marks


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/api/v1/enrolments",
            lambda o, e, p: {
                "participant_id": e.stranger.pk,
                "group_id": o.group.pk,
                "start_date": "2026-02-02",
                "confirm_warnings": True,
            },
        ),
        (
            "/api/v1/enrolments",
            lambda o, e, p: {
                "participant_id": o.stranger.pk,
                "group_id": e.group.pk,
                "start_date": "2026-02-02",
                "confirm_warnings": True,
            },
        ),
        ("/api/v1/sessions", lambda o, e, p: {**_new_session(o, p), "workshop_id": e.workshop.pk}),
        ("/api/v1/sessions", lambda o, e, p: {**_new_session(o, p), "group_ids": [e.group.pk]}),
        (
            "/api/v1/sessions",
            lambda o, e, p: {**_new_session(o, p), "leader_id": e.group.staff.get().pk},
        ),
        (
            "/api/v1/groups",
            lambda o, e, p: {
                "name": "G",
                "process_type": "immersion",
                "start_date": "2026-09-01",
                "staff_ids": [e.group.staff.get().pk],
            },
        ),
        (
            "/api/v1/participants",
            lambda o, e, p: {
                **_new_person(o, p),
                "social": {"birth_date": "1990-01-01", "social_worker_id": e.group.staff.get().pk},
            },
        ),
        ("/api/v1/assessments", lambda o, e, p: _new_assessment(e, p)),
        ("/api/v1/actions", lambda o, e, p: {**_new_action(o, p), "enrolment_id": e.enrolment.pk}),
        ("/api/v1/actions", lambda o, e, p: {**_new_action(o, p), "agreed_at_id": e.assessment.pk}),
        ("/api/v1/interventions", lambda o, e, p: _new_intervention(e, p)),
        (
            "/api/v1/providers",
            lambda o, e, p: {
                "name": "P",
                "kind": "partner",
                "leader_ids": [e.group.staff.get().pk],
            },
        ),
        (
            "/api/v1/sessions",
            lambda o, e, p: {
                **_new_session(o, p),
                "provider_kind": "partner",
                "provider_id": e.provider.pk,
            },
        ),
        ("/api/v1/literacy-tests", lambda o, e, p: _new_literacy_test(e, p)),
        (
            "/api/v1/literacy-tests",
            lambda o, e, p: {
                **_new_literacy_test(o, p),
                "examiner_id": e.literacy_test.examiner_id,
            },
        ),
        (
            "/api/v1/session-series",
            lambda o, e, p: {**_new_series(o, p), "workshop_id": e.workshop.pk},
        ),
        (
            "/api/v1/session-series",
            lambda o, e, p: {**_new_series(o, p), "group_ids": [e.group.pk]},
        ),
        (
            "/api/v1/enrolments/{enrolment}/extension",
            lambda o, e, p: {**_extension(o, p), "next_group_id": e.group.pk},
        ),
    ],
)
def test_a_write_naming_another_organisations_records_is_refused(
    client, coordinator, personas, bearer, programme, elsewhere, path, body
):
    models = (
        Enrolment,
        Session,
        SessionSeries,
        Participant,
        Assessment,
        Action,
        Intervention,
        LiteracyTest,
        Provider,
    )
    counts = [model.objects.count() for model in models]
    response = _write(
        client,
        bearer(coordinator, scope="write"),
        "post",
        _path(path, programme),
        body(programme, elsewhere, personas),
    )
    assert response.status_code == 422
    assert response.json()["errors"]
    text = response.content.decode()
    for word in _foreign_words(elsewhere):
        assert word not in text
    assert [model.objects.count() for model in models] == counts


# -- Funding: funders, grants and the funders' reports ---------------------------------------

# (path, the funding world's record it shows, the roles that may read it): the funding
# pages' rules.
FUNDING_LISTS = [
    ("/api/v1/funders", "funder", {"coordinator"}),
    ("/api/v1/grants", "grant", EVERY_ROLE),
]
FUNDING_DETAILS = [
    ("/api/v1/funders/{pk}", "funder", {"coordinator"}),
    ("/api/v1/grants/{pk}", "grant", EVERY_ROLE),
    ("/api/v1/grants/{pk}/report", "grant", {"coordinator"}),
    ("/api/v1/grants/{pk}/esf-indicators", "grant", EVERY_ROLE),
    ("/api/v1/grants/{pk}/pas-justification", "pas_grant", CASEWORK),
]


def _foreign_funding_words(funding_elsewhere, elsewhere) -> list[str]:
    return [
        funding_elsewhere.funder.name,
        funding_elsewhere.grant.name,
        funding_elsewhere.pas_funder.name,
        funding_elsewhere.pas_grant.name,
        elsewhere.group.name,
        elsewhere.participant.last_name,
    ]


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
@pytest.mark.parametrize(("path", "record", "roles"), FUNDING_LISTS)
def test_funding_lists_show_nothing_of_another_organisation(
    client, personas, bearer, funding, elsewhere, funding_elsewhere, role, path, record, roles
):
    response = client.get(path, headers=bearer(personas[role]))
    if role not in roles:
        assert response.status_code == 403
        assert response.json()["type"] == "urn:parcours:problem:forbidden"
        return
    assert response.status_code == 200
    body = response.json()
    assert getattr(funding, record).pk in _ids(body)
    assert getattr(funding_elsewhere, record).pk not in _ids(body)
    text = response.content.decode()
    for word in _foreign_funding_words(funding_elsewhere, elsewhere):
        assert word not in text


@pytest.mark.parametrize("role", sorted(EVERY_ROLE))
@pytest.mark.parametrize(("path", "record", "roles"), FUNDING_DETAILS)
def test_another_organisations_funding_ids_do_not_exist(
    client, personas, bearer, funding, elsewhere, funding_elsewhere, role, path, record, roles
):
    headers = bearer(personas[role])
    own = client.get(path.format(pk=getattr(funding, record).pk), headers=headers)
    foreign = client.get(path.format(pk=getattr(funding_elsewhere, record).pk), headers=headers)
    if role not in roles:
        assert (own.status_code, foreign.status_code) == (403, 403)
        return
    assert own.status_code == 200
    text = own.content.decode()
    for word in _foreign_funding_words(funding_elsewhere, elsewhere):
        assert word not in text
    assert foreign.status_code == 404
    assert set(foreign.json()) == {"type", "title", "status", "detail", "instance"}


def test_a_grant_of_another_funder_has_no_pas_justification(client, coordinator, bearer, funding):
    response = client.get(
        f"/api/v1/grants/{funding.grant.pk}/pas-justification", headers=bearer(coordinator)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("path", [path for path, _record, _roles in FUNDING_LISTS])
def test_a_funding_list_does_a_bounded_number_of_queries(
    client, coordinator, bearer, organisation, programme, funding, path
):
    headers = bearer(coordinator)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(path, headers=headers)
        assert response.status_code == 200
        return len(context.captured_queries)

    client.get(path, headers=headers)  # the first use notes the token's "last used"
    before = count()
    for index in range(5):
        funder = Funder.objects.create(organisation=organisation, name=f"F{index}", kind="other")
        grant = Grant.objects.create(
            organisation=organisation,
            funder=funder,
            name=f"G{index}",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
            amount=Decimal("100"),
        )
        GroupCharge.objects.create(grant=grant, group=programme.other_group, share=Decimal("10"))
    assert count() == before
