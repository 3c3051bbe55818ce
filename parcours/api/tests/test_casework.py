"""Casework through the API: assessments with their ratings, actions and interventions,
read as the participant's file shows them and written through the pages' forms and
services (their messages, their audit rows, 409 for a stale version, idempotent
creates). The access matrix of every endpoint is in test_access.py."""

import datetime
import zoneinfo

import pytest
import time_machine

from parcours.api.tests.conftest import build_casework
from parcours.assessments.models import Action, Assessment, DomainRating
from parcours.audit.models import AuditEvent
from parcours.core.domains import Domain
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Intervention, LiteracyTest, Participant
from parcours.programme.factories import EnrolmentFactory, GroupFactory

pytestmark = pytest.mark.django_db

# The forms refuse dates in the future: the clock is set in the middle of the year.
TODAY = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Brussels"))

RATINGS = [
    {"domain": domain, "rating": 2 if domain == Domain.HOUSING else None, "comment": ""}
    for domain in Domain.values
]


@pytest.fixture(autouse=True)
def _mid_june():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def write(coordinator, bearer):
    return bearer(coordinator, scope="write")


@pytest.fixture
def newcomer(organisation, programme):
    """An enrolment without any assessment yet."""
    return EnrolmentFactory(group=programme.group, participant__organisation=organisation)


def _post(client, path, headers, body, **extra):
    return client.post(path, body, content_type="application/json", headers={**headers, **extra})


def _patch(client, path, headers, body):
    return client.patch(path, body, content_type="application/json", headers=headers)


def _errors(response) -> list[dict]:
    assert response.status_code == 422
    return response.json()["errors"]


def _events(record_type, action) -> int:
    return AuditEvent.objects.filter(record_type=record_type, action=action).count()


# -- Reads ----------------------------------------------------------------------------------


def test_an_assessment_holds_its_ratings_and_its_reading_is_traced(
    client, social_worker, bearer, programme
):
    assessment = programme.assessment
    response = client.get(f"/api/v1/assessments/{assessment.pk}", headers=bearer(social_worker))
    assert response.status_code == 200
    body = response.json()
    assert (body["enrolment_id"], body["participant_id"], body["group_id"]) == (
        programme.enrolment.pk,
        programme.participant.pk,
        programme.group.pk,
    )
    assert (body["moment"], body["duration_minutes"], body["overall_note"]) == (
        "entry",
        60,
        "Bilan test",
    )
    # The seven domains in the pages' order; the last one "not concerned".
    assert [row["domain"] for row in body["ratings"]] == Domain.values
    assert [row["rating"] for row in body["ratings"]] == [1, 2, 3, 4, 5, 1, None]
    housing = next(row for row in body["ratings"] if row["domain"] == Domain.HOUSING)
    assert housing["comment"] == "Logement test"
    opened = AuditEvent.objects.get(action="view", record_type="programme.enrolment")
    assert (opened.actor, opened.record_id) == (social_worker, str(programme.enrolment.pk))


def test_actions_and_interventions_as_the_file_shows_them(client, coordinator, bearer, programme):
    headers = bearer(coordinator)
    action = client.get(f"/api/v1/actions/{programme.action.pk}", headers=headers).json()
    assert action["agreed_at_id"] == programme.assessment.pk
    assert (action["status"], action["description"]) == ("planned", "Agir test")
    intervention = client.get(
        f"/api/v1/interventions/{programme.intervention.pk}", headers=headers
    ).json()
    assert intervention["notes"] == "Confidentiel test"
    assert intervention["domains"] == ["health"]
    assert intervention["participant_id"] == programme.participant.pk
    assert AuditEvent.objects.filter(
        action="view",
        record_type="participants.intervention",
        record_id=str(programme.intervention.pk),
    ).exists()


@pytest.mark.parametrize("role", ["workshop_leader", "viewer"])
def test_no_casework_for_a_leader_or_a_viewer(client, personas, bearer, programme, role):
    headers = bearer(personas[role])
    for path in (
        "/api/v1/assessments",
        f"/api/v1/assessments/{programme.assessment.pk}",
        "/api/v1/actions",
        f"/api/v1/actions/{programme.action.pk}",
        "/api/v1/interventions",
        f"/api/v1/interventions/{programme.intervention.pk}",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 403, path
        assert "Confidentiel" not in response.content.decode()


def test_the_filters(client, coordinator, bearer, organisation, programme):
    headers = bearer(coordinator)
    other = programme.stranger.enrolments.get(group=programme.other_group)
    assessment, action, intervention, literacy_test = build_casework(other, words="autre")

    def ids(path):
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    person = programme.participant.pk
    assert ids(f"/api/v1/assessments?participant={person}") == {programme.assessment.pk}
    assert ids(f"/api/v1/assessments?group={programme.other_group.pk}") == {assessment.pk}
    assert ids(f"/api/v1/actions?participant={person}") == {programme.action.pk}
    assert ids(f"/api/v1/actions?group={programme.other_group.pk}") == {action.pk}
    assert ids(f"/api/v1/interventions?participant={person}") == {programme.intervention.pk}
    stranger = programme.stranger.pk
    assert ids(f"/api/v1/interventions?participant={stranger}") == {intervention.pk}
    # Dates: an assessment's date, an action's due date, an intervention's date.
    day = programme.assessment.date.isoformat()
    assert ids(f"/api/v1/assessments?date_from={day}&date_to={day}") == {
        programme.assessment.pk,
        assessment.pk,
    }
    assert ids("/api/v1/assessments?date_from=2099-01-01") == set()
    assert ids("/api/v1/actions?date_to=2026-03-30") == set()
    assert ids("/api/v1/actions?date_from=2026-03-31&date_to=2026-03-31") == {
        programme.action.pk,
        action.pk,
    }
    assert ids("/api/v1/interventions?date_from=2026-02-04") == set()
    assert ids(f"/api/v1/literacy-tests?participant={stranger}") == {literacy_test.pk}
    assert ids("/api/v1/literacy-tests?date_from=2026-01-20&date_to=2026-01-20") == {
        programme.literacy_test.pk,
        literacy_test.pk,
    }
    assert ids("/api/v1/literacy-tests?date_from=2026-01-21") == set()


@pytest.mark.parametrize(
    ("path", "most"),
    [
        ("/api/v1/assessments", 12),
        ("/api/v1/actions", 13),
        ("/api/v1/interventions", 12),
        ("/api/v1/literacy-tests", 11),
    ],
)
def test_a_list_costs_the_same_queries_whatever_its_length(
    client, coordinator, bearer, organisation, programme, django_assert_max_num_queries, path, most
):
    headers = bearer(coordinator)
    client.get(path, headers=headers)  # the first use notes the token's "last used"
    with django_assert_max_num_queries(most) as few:
        assert len(client.get(path, headers=headers).json()["items"]) == 1
    for _ in range(4):
        person = ParticipantFactory(organisation=organisation)
        build_casework(
            EnrolmentFactory(group=GroupFactory(organisation=organisation), participant=person),
            words="more",
        )
    with django_assert_max_num_queries(most) as many:
        assert len(client.get(path, headers=headers).json()["items"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


# -- Assessments ----------------------------------------------------------------------------


def _new_assessment(enrolment, **changes):
    return {
        "enrolment_id": enrolment.pk,
        "moment": "entry",
        "date": "2026-06-10",
        "duration_minutes": 75,
        "overall_note": " Veut un logement. ",
        "ratings": RATINGS,
        **changes,
    }


def test_an_assessment_is_recorded_as_the_page_records_it(client, write, newcomer):
    response = _post(client, "/api/v1/assessments", write, _new_assessment(newcomer))
    assert response.status_code == 201
    body = response.json()
    assessment = Assessment.objects.get(pk=body["id"])
    assert (assessment.enrolment, assessment.duration_minutes) == (newcomer, 75)
    assert assessment.overall_note == body["overall_note"] == "Veut un logement."
    assert DomainRating.objects.get(assessment=assessment, domain="housing").rating == 2
    assert [row["rating"] for row in body["ratings"]].count(None) == 6
    assert _events("assessments.assessment", "create") == 1
    assert _events("assessments.domainrating", "create") == 7


def test_the_assessment_forms_messages(client, write, newcomer, programme):
    seven_less_one = [row for row in RATINGS if row["domain"] != "health"]
    missing = _post(
        client, "/api/v1/assessments", write, _new_assessment(newcomer, ratings=seven_less_one)
    )
    assert _errors(missing) == [
        {
            "location": "body.ratings.health.rating",
            "message": "Choisissez une cote de 1 à 5, ou "
            "«\N{NO-BREAK SPACE}non concerné\N{NO-BREAK SPACE}».",
        }
    ]
    future = _post(
        client,
        "/api/v1/assessments",
        write,
        _new_assessment(newcomer, date="2026-06-16", duration_minutes=None),
    )
    assert {(e["location"], e["message"]) for e in _errors(future)} == {
        ("body.date", "Un bilan ne peut pas être daté dans le futur."),
        ("body.duration_minutes", "Indiquez la durée, en minutes."),
    }
    twice = [*RATINGS[:6], RATINGS[0]]
    assert [
        e["location"]
        for e in _errors(
            _post(client, "/api/v1/assessments", write, _new_assessment(newcomer, ratings=twice))
        )
    ] == ["body.ratings"]
    out_of_scale = [{**row, "rating": 6} if row["domain"] == "family" else row for row in RATINGS]
    assert [
        e["location"]
        for e in _errors(
            _post(
                client,
                "/api/v1/assessments",
                write,
                _new_assessment(newcomer, ratings=out_of_scale),
            )
        )
    ] == ["body.ratings.family.rating"]
    again = _post(client, "/api/v1/assessments", write, _new_assessment(programme.enrolment))
    assert again.status_code == 422
    assert again.json()["type"] == "urn:parcours:problem:refused-by-the-rules"
    assert again.json()["detail"] == "Cette inscription a déjà un bilan pour ce moment."
    assert Assessment.objects.filter(enrolment=newcomer).count() == 0
    assert _events("assessments.assessment", "create") == 0


def test_another_organisations_enrolment_cannot_be_assessed(client, write, elsewhere):
    response = _post(client, "/api/v1/assessments", write, _new_assessment(elsewhere.enrolment))
    assert [e["location"] for e in _errors(response)] == ["body.enrolment_id"]
    assert Assessment.objects.filter(enrolment=elsewhere.enrolment).count() == 1


def test_an_assessment_changes_with_its_version_and_a_stale_one_is_409(client, write, programme):
    assessment = programme.assessment
    path = f"/api/v1/assessments/{assessment.pk}"
    changed = _patch(
        client,
        path,
        write,
        {
            "version": assessment.version,
            "overall_note": "Bilan revu",
            "ratings": [{"domain": "housing", "rating": 2, "comment": "Logement trouvé"}],
        },
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["version"] == assessment.version + 1
    assert body["overall_note"] == "Bilan revu"
    housing = DomainRating.objects.get(assessment=assessment, domain="housing")
    assert (housing.rating, housing.comment) == (2, "Logement trouvé")
    # The domains not sent keep their ratings.
    assert [row["rating"] for row in body["ratings"]] == [1, 2, 3, 2, 5, 1, None]
    assert _events("assessments.assessment", "update") == 1
    assert _events("assessments.domainrating", "update") == 1
    stale = _patch(client, path, write, {"version": assessment.version, "overall_note": "Non"})
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:parcours:problem:stale-version"
    assessment.refresh_from_db()
    assert (assessment.overall_note, assessment.version) == ("Bilan revu", body["version"])
    future = _patch(client, path, write, {"version": body["version"], "date": "2026-07-01"})
    assert _errors(future) == [
        {"location": "body.date", "message": "Un bilan ne peut pas être daté dans le futur."}
    ]


def test_the_open_actions_are_reviewed_as_on_the_page(client, write, programme, elsewhere):
    action = programme.action
    review = {"action_id": action.pk, "status": "under_way"}
    middle = _post(
        client,
        "/api/v1/assessments",
        write,
        _new_assessment(programme.enrolment, moment="middle", reviews=[review]),
    )
    assert middle.status_code == 201
    action.refresh_from_db()
    assert (action.status, action.reviewed_at_id) == ("under_way", middle.json()["id"])
    assert action.version == 2  # an edit form open on it meanwhile is now stale
    # Only the open actions of the enrolment assessed, each once.
    for reviews in (
        [{"action_id": elsewhere.action.pk, "status": "done"}],
        [review, review],
    ):
        refused = _post(
            client,
            "/api/v1/assessments",
            write,
            _new_assessment(programme.enrolment, moment="end", reviews=reviews),
        )
        assert [e["location"] for e in _errors(refused)] == ["body.reviews"]
    entry = programme.assessment
    done = _patch(
        client,
        f"/api/v1/assessments/{entry.pk}",
        write,
        {"version": entry.version, "reviews": [{"action_id": action.pk, "status": "done"}]},
    )
    assert done.status_code == 200
    action.refresh_from_db()
    assert (action.status, action.reviewed_at_id) == ("done", entry.pk)
    # The action's read keeps both reviews, oldest first; the list's item too.
    reviews = [
        {"assessment_id": middle.json()["id"], "status": "under_way"},
        {"assessment_id": entry.pk, "status": "done"},
    ]
    assert client.get(f"/api/v1/actions/{action.pk}", headers=write).json()["reviews"] == reviews
    listed = client.get(
        f"/api/v1/actions?participant={action.enrolment.participant_id}", headers=write
    )
    assert [item["reviews"] for item in listed.json()["items"]] == [reviews]
    # Done, it is no longer open: no later assessment reviews it.
    closed = _patch(
        client,
        f"/api/v1/assessments/{entry.pk}",
        write,
        {"version": entry.version + 1, "reviews": [review]},
    )
    assert [e["location"] for e in _errors(closed)] == ["body.reviews"]
    assert Assessment.objects.filter(enrolment=programme.enrolment, moment="end").count() == 0


# -- Actions --------------------------------------------------------------------------------

NEW_ACTION = {
    "domain": "housing",
    "description": "Inscription au logement social.",
    "responsible": "La participante",
    "due_date": "2026-07-31",
}


def test_an_action_is_added_to_the_plan_as_the_page_adds_it(client, write, programme):
    response = _post(
        client,
        "/api/v1/actions",
        write,
        {
            **NEW_ACTION,
            "enrolment_id": programme.enrolment.pk,
            "agreed_at_id": programme.assessment.pk,
        },
    )
    assert response.status_code == 201
    action = Action.objects.get(pk=response.json()["id"])
    assert (action.status, action.agreed_at) == ("planned", programme.assessment)
    assert response.json()["participant_id"] == programme.participant.pk
    assert _events("assessments.action", "create") == 1


def test_the_action_forms_messages(client, write, programme, newcomer, elsewhere):
    body = {**NEW_ACTION, "enrolment_id": programme.enrolment.pk}
    blank = _post(client, "/api/v1/actions", write, {**body, "description": "  "})
    assert _errors(blank) == [
        {"location": "body.description", "message": "Indiquez ce qui doit être fait."}
    ]
    # An assessment of another enrolment, an enrolment of another organisation.
    not_its = _post(
        client, "/api/v1/actions", write, {**body, "agreed_at_id": elsewhere.assessment.pk}
    )
    assert [e["location"] for e in _errors(not_its)] == ["body.agreed_at_id"]
    foreign = _post(
        client, "/api/v1/actions", write, {**body, "enrolment_id": elsewhere.enrolment.pk}
    )
    assert _errors(foreign) == [
        {
            "location": "body.enrolment_id",
            "message": "Cette inscription n\N{RIGHT SINGLE QUOTATION MARK}existe pas.",
        }
    ]
    assert Action.objects.filter(description=NEW_ACTION["description"]).count() == 0


def test_an_actions_status_changes_with_its_version(client, write, programme):
    action = programme.action
    path = f"/api/v1/actions/{action.pk}"
    done = _patch(client, path, write, {"version": action.version, "status": "done"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["version"]) == ("done", action.version + 1)
    assert done.json()["description"] == "Agir test"
    stale = _patch(client, path, write, {"version": action.version, "status": "given_up"})
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:parcours:problem:stale-version"
    action.refresh_from_db()
    assert action.status == "done"
    assert _events("assessments.action", "update") == 1
    nobody = _patch(client, path, write, {"version": action.version, "responsible": ""})
    assert _errors(nobody) == [
        {
            "location": "body.responsible",
            "message": "Indiquez qui s\N{RIGHT SINGLE QUOTATION MARK}en charge.",
        }
    ]


def test_an_actions_own_words_are_written_and_kept(client, write, programme):
    """The participant's words (their sheet prints them) are written like the other
    fields, and a change that does not name them keeps them."""
    created = _post(
        client,
        "/api/v1/actions",
        write,
        {
            **NEW_ACTION,
            "enrolment_id": programme.enrolment.pk,
            "own_words": "  Je vais au CPAS pour mes papiers.  ",
        },
    )
    assert created.status_code == 201
    assert created.json()["own_words"] == "Je vais au CPAS pour mes papiers."
    path = f"/api/v1/actions/{created.json()['id']}"
    done = _patch(client, path, write, {"version": created.json()["version"], "status": "done"})
    assert done.status_code == 200
    action = Action.objects.get(pk=created.json()["id"])
    assert (action.status, action.own_words) == ("done", "Je vais au CPAS pour mes papiers.")


# -- Interventions --------------------------------------------------------------------------


def _new_intervention(participant, **changes):
    return {
        "participant_id": participant.pk,
        "date": "2026-06-12",
        "duration_minutes": 40,
        "kind": "phone_call",
        "domains": ["housing", "health"],
        "notes": "Appel à la société de logement.",
        **changes,
    }


def test_an_intervention_is_recorded_as_the_page_records_it(
    client, social_worker, bearer, programme
):
    headers = bearer(social_worker, scope="write")
    response = _post(
        client, "/api/v1/interventions", headers, _new_intervention(programme.participant)
    )
    assert response.status_code == 201
    body = response.json()
    assert body["domains"] == ["housing", "health"]  # the pages' order of the domains
    intervention = Intervention.objects.get(pk=body["id"])
    assert (intervention.author, intervention.duration_minutes) == (social_worker, 40)
    assert _events("participants.intervention", "create") == 1


def test_the_intervention_forms_messages_and_an_anonymised_file(client, write, programme):
    future = _post(
        client,
        "/api/v1/interventions",
        write,
        _new_intervention(programme.participant, date="2026-06-16", duration_minutes=0),
    )
    errors = {e["location"]: e["message"] for e in _errors(future)}
    assert errors["body.date"] == "Une intervention ne peut pas être datée dans le futur."
    assert set(errors) == {"body.date", "body.duration_minutes"}
    Participant.objects.filter(pk=programme.participant.pk).update(
        anonymised_on=datetime.date(2026, 6, 1)
    )
    closed = _post(client, "/api/v1/interventions", write, _new_intervention(programme.participant))
    assert closed.status_code == 403
    assert closed.json()["detail"] == "Ce dossier a été anonymisé : il ne peut plus être modifié."
    assert Intervention.objects.filter(participant=programme.participant).count() == 1


def test_an_intervention_changes_with_its_version(client, write, programme):
    intervention = programme.intervention
    path = f"/api/v1/interventions/{intervention.pk}"
    changed = _patch(client, path, write, {"version": intervention.version, "domains": ["family"]})
    assert changed.status_code == 200
    assert changed.json()["domains"] == ["family"]
    assert changed.json()["notes"] == "Confidentiel test"
    stale = _patch(client, path, write, {"version": intervention.version, "notes": "Non"})
    assert stale.status_code == 409
    intervention.refresh_from_db()
    assert intervention.notes == "Confidentiel test"
    # The domains are recorded on the intervention's row, as the page records them.
    assert _events("participants.intervention", "update") == 1


# -- Literacy positioning tests -------------------------------------------------------------


def _new_literacy_test(participant, examiner, **changes):
    return {
        "participant_id": participant.pk,
        "date": "2026-06-10",
        "duration_minutes": 45,
        "examiner_id": examiner.pk,
        "oral_comprehension": "a2",
        "oral_expression": "a1",
        "reading": "alpha_4",
        "writing": "alpha_3",
        "orientation": "fle",
        "comment": "Lit les consignes simples.",
        **changes,
    }


def test_a_literacy_test_is_recorded_as_the_page_records_it(
    client, social_worker, workshop_leader, bearer, programme
):
    headers = bearer(social_worker, scope="write")
    body = _new_literacy_test(programme.participant, workshop_leader)
    response = _post(client, "/api/v1/literacy-tests", headers, body, **{"Idempotency-Key": "lt"})
    assert response.status_code == 201, response.content
    answer = response.json()
    test = LiteracyTest.objects.get(pk=answer["id"])
    assert (test.examiner, test.duration_minutes, test.reading, test.orientation) == (
        workshop_leader,
        45,
        "alpha_4",
        "fle",
    )
    assert answer == {**body, "id": test.pk}
    assert _events("participants.literacytest", "create") == 1
    again = _post(client, "/api/v1/literacy-tests", headers, body, **{"Idempotency-Key": "lt"})
    assert again.json() == answer
    read = client.get(f"/api/v1/literacy-tests/{test.pk}", headers=headers)
    assert read.json() == answer
    assert LiteracyTest.objects.filter(participant=programme.participant).count() == 2


def test_the_literacy_test_forms_messages_and_an_anonymised_file(
    client, write, coordinator, programme, elsewhere
):
    refused = _post(
        client,
        "/api/v1/literacy-tests",
        write,
        _new_literacy_test(
            programme.participant,
            elsewhere.literacy_test.examiner,
            date="2026-06-16",
            duration_minutes=0,
            reading="z9",
        ),
    )
    errors = {e["location"]: e["message"] for e in _errors(refused)}
    assert errors["body.date"] == "Un test ne peut pas être daté dans le futur."
    assert set(errors) == {"body.date", "body.duration_minutes", "body.reading", "body.examiner_id"}
    Participant.objects.filter(pk=programme.participant.pk).update(
        anonymised_on=datetime.date(2026, 6, 1)
    )
    closed = _post(
        client,
        "/api/v1/literacy-tests",
        write,
        _new_literacy_test(programme.participant, coordinator),
    )
    assert closed.status_code == 403
    assert LiteracyTest.objects.filter(participant=programme.participant).count() == 1


# -- Idempotency, roles and scopes ----------------------------------------------------------


@pytest.mark.parametrize("resource", ["assessments", "actions", "interventions"])
def test_a_create_with_an_idempotency_key_is_safe_to_send_again(
    client, write, programme, newcomer, resource
):
    body, other, model = {
        "assessments": (
            _new_assessment(newcomer),
            _new_assessment(newcomer, moment="middle"),
            Assessment,
        ),
        "actions": (
            {**NEW_ACTION, "enrolment_id": newcomer.pk},
            {**NEW_ACTION, "enrolment_id": newcomer.pk, "responsible": "Autre"},
            Action,
        ),
        "interventions": (
            _new_intervention(newcomer.participant),
            _new_intervention(newcomer.participant, kind="interview"),
            Intervention,
        ),
    }[resource]
    path = f"/api/v1/{resource}"
    first = _post(client, path, write, body, **{"Idempotency-Key": "casework-1"})
    again = _post(client, path, write, body, **{"Idempotency-Key": "casework-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert model.objects.filter(pk=first.json()["id"]).exists()
    reused = _post(client, path, write, other, **{"Idempotency-Key": "casework-1"})
    assert reused.status_code == 422
    assert reused.json()["type"] == "urn:parcours:problem:idempotency-key-reused"
    person = newcomer.participant
    assert (
        Assessment.objects.filter(enrolment__participant=person).count()
        + Action.objects.filter(enrolment__participant=person).count()
        + Intervention.objects.filter(participant=person).count()
    ) == 1


@pytest.mark.parametrize(
    ("role", "scope", "status"),
    [
        ("workshop_leader", "write", 403),
        ("viewer", "write", 403),
        ("coordinator", "read", 403),
        ("social_worker", "write", 201),
    ],
)
def test_writes_need_a_casework_role_and_the_write_scope(
    client, personas, bearer, programme, newcomer, role, scope, status
):
    headers = bearer(personas[role], scope=scope)
    creates = {
        "/api/v1/assessments": _new_assessment(newcomer),
        "/api/v1/actions": {**NEW_ACTION, "enrolment_id": newcomer.pk},
        "/api/v1/interventions": _new_intervention(newcomer.participant),
    }
    for path, body in creates.items():
        assert _post(client, path, headers, body).status_code == status, path
    for path, record in (
        ("/api/v1/assessments", programme.assessment),
        ("/api/v1/actions", programme.action),
        ("/api/v1/interventions", programme.intervention),
    ):
        answer = _patch(client, f"{path}/{record.pk}", headers, {"version": record.version})
        assert answer.status_code == (200 if status == 201 else 403), path
    written = 1 if status == 201 else 0
    assert Assessment.objects.filter(enrolment=newcomer).count() == written
    assert Action.objects.filter(enrolment=newcomer).count() == written
    assert Intervention.objects.filter(participant=newcomer.participant).count() == written


@pytest.mark.parametrize("resource", ["assessments", "actions", "interventions"])
def test_another_organisations_records_cannot_be_changed(client, write, elsewhere, resource):
    record = {
        "assessments": elsewhere.assessment,
        "actions": elsewhere.action,
        "interventions": elsewhere.intervention,
    }[resource]
    answer = _patch(client, f"/api/v1/{resource}/{record.pk}", write, {"version": record.version})
    assert answer.status_code == 404
    record.refresh_from_db()
    assert record.version == 1
