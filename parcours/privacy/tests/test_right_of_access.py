"""The right of access (GDPR art. 15): a participant's whole file as JSON and as a PDF."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from parcours.assessments import services
from parcours.assessments.enums import ActionStatus, Moment, Rating
from parcours.assessments.factories import ActionFactory, AssessmentFactory
from parcours.assessments.models import Assessment, DomainRating, SelfAssessment
from parcours.audit.models import AuditAction, AuditEvent
from parcours.core.domains import Domain
from parcours.core.pdf import refusing_fetcher
from parcours.funding.expenses import expense_save, pas_budget_save
from parcours.funding.models import Expense, Funder, Grant
from parcours.participants.enums import (
    ConsentPurpose,
    InterventionKind,
    LanguageCourse,
    LiteracyLevel,
    Orientation,
    QualificationLevel,
)
from parcours.participants.factories import (
    ConsentFactory,
    InterventionFactory,
    LiteracyTestFactory,
    ParticipantFactory,
)
from parcours.participants.models import InterventionDomain, Participant
from parcours.privacy.right_of_access import participant_data, render_html, render_pdf
from parcours.programme.enums import (
    ExitOutcome,
    FollowUpSituation,
    ProcessType,
    SocialProject,
)
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.programme.models import Enrolment, ExitFollowUp
from parcours.testing import count_queries, pdf_page_count, pdf_text

NOTE = "Visite au service logement : dossier de prime complété, à revoir en avril."
HOUSING_COMMENT = "Logement insalubre, demande à l'AIS en cours."
OVERALL_NOTE = "Motivée ; priorité au logement et à la santé."
ACTION = "Constituer le dossier de l'agence immobilière sociale."
FOLLOW_UP_NOTE = "Bénévole trois matinées par semaine à la Croix-Rouge."


def _labels(choices):
    """The labels of ``choices`` in French, the language of the exporting users."""
    with translation.override("fr"):
        return {code: str(label) for code, label in choices.choices}


def _intervention(participant, author, *, notes=NOTE, domains=(Domain.HOUSING, Domain.HEALTH)):
    intervention = InterventionFactory(
        participant=participant,
        author=author,
        date=datetime.date(2026, 2, 3),
        duration_minutes=50,
        kind=InterventionKind.ACCOMPANIMENT,
        notes=notes,
    )
    for domain in domains:
        InterventionDomain.objects.create(intervention=intervention, domain=domain)
    return intervention


def _assessment(enrolment, author, moment, date, ratings, note=""):
    """An assessment with its seven rows, as the service saves it: ``ratings`` maps a
    domain to ``(rating, comment)``; the others are not concerned."""
    assessment = AssessmentFactory(
        enrolment=enrolment, author=author, moment=moment, date=date, overall_note=note
    )
    DomainRating.objects.bulk_create(
        DomainRating(
            assessment=assessment,
            domain=domain,
            rating=ratings.get(domain, (None, ""))[0],
            comment=ratings.get(domain, (None, ""))[1],
        )
        for domain in Domain.values
    )
    return assessment


@pytest.fixture
def journey(participant, social_worker, coordinator):
    """The past enrolment assessed at entry and at the end, with its plan and a recorded
    follow-up; the current one assessed at entry."""
    past, current = participant.enrolments.order_by("start_date")
    entry = _assessment(
        past,
        social_worker,
        Moment.ENTRY,
        datetime.date(2025, 1, 13),
        {
            Domain.HOUSING: (1, HOUSING_COMMENT),
            Domain.HEALTH: (2, ""),
            Domain.SOCIAL_CULTURAL: (3, ""),
        },
        note=OVERALL_NOTE,
    )
    _assessment(
        past,
        social_worker,
        Moment.END,
        datetime.date(2025, 10, 20),
        {Domain.HOUSING: (4, ""), Domain.HEALTH: (3, ""), Domain.SOCIAL_CULTURAL: (5, "")},
    )
    ActionFactory(
        enrolment=past,
        domain=Domain.HOUSING,
        description=ACTION,
        responsible="Aïcha et l'assistante sociale",
        due_date=datetime.date(2025, 3, 31),
        status=ActionStatus.DONE,
        agreed_at=entry,
    )
    ExitFollowUp.objects.create(
        enrolment=past,
        due_on=datetime.date(2026, 4, 30),
        situation=FollowUpSituation.VOLUNTEERING,
        recorded_on=datetime.date(2026, 5, 4),
        recorded_by=coordinator,
        note=FOLLOW_UP_NOTE,
    )
    _assessment(
        current,
        social_worker,
        Moment.ENTRY,
        datetime.date(2026, 1, 12),
        {Domain.HOUSING: (4, ""), Domain.FAMILY: (3, "Reprise de contact avec sa sœur.")},
    )
    return participant


@pytest.fixture
def participant(organisation, social_worker, coordinator):
    person = ParticipantFactory(
        organisation=organisation,
        reference="2026/014",
        last_name="Diallo",
        first_name="Aïcha",
        birth_date=datetime.date(1985, 7, 30),
        birth_country="GN",
        nationality="BE",
        niss="85073003328",
        phone="0470 12 34 56",
        email="aicha.diallo@example.org",
        address="Rue de Fer 12",
        postal_code="5000",
        city="Namur",
        qualification_level=QualificationLevel.UPPER_SECONDARY,
        qualification_recognised="pending",
        inactive_since=datetime.date(2024, 3, 1),
        inactive_since_month_only=True,
        french_level="medium",
        language_course=LanguageCourse.FLE,
        referred_by="social_service",
        referral_detail="Service social de Jambes",
        social_worker=social_worker,
        cpas_proof_kind="integration_income",
        cpas_proof_date=datetime.date(2026, 1, 5),
    )
    ConsentFactory(
        participant=person,
        purpose=ConsentPurpose.FOLLOW_UP,
        given_on=datetime.date(2026, 1, 12),
        collected_by=social_worker,
    )
    ConsentFactory(
        participant=person,
        purpose=ConsentPurpose.PHOTOS,
        given_on=datetime.date(2026, 1, 12),
        withdrawn_on=datetime.date(2026, 2, 20),
        collected_by=coordinator,
    )
    EnrolmentFactory(
        participant=person,
        group=GroupFactory(
            organisation=organisation,
            name="Remobilisation 2025",
            start_date=datetime.date(2025, 1, 6),
            end_date=datetime.date(2025, 10, 31),
        ),
        start_date=datetime.date(2025, 1, 6),
        exit_date=datetime.date(2025, 10, 31),
        outcome=ExitOutcome.SOCIAL_PROJECT,
        outcome_detail=SocialProject.VOLUNTEERING,
    )
    EnrolmentFactory(
        participant=person,
        group=GroupFactory(
            organisation=organisation, name="Immersion 2026", process_type=ProcessType.IMMERSION
        ),
    )
    _intervention(person, social_worker)
    LiteracyTestFactory(
        participant=person,
        examiner=social_worker,
        date=datetime.date(2026, 1, 20),
        duration_minutes=45,
        comment="Lit les mots courants ; écrit son nom.",
    )
    return person


def _fresh(participant):
    """The participant as the views read it, without any cached relation."""
    return Participant.objects.get(pk=participant.pk)


def _url(name, participant):
    return reverse(f"participants:{name}", kwargs={"pk": participant.pk})


@pytest.mark.django_db
def test_json_holds_the_whole_file_with_labels(client, social_worker, coordinator, participant):
    client.force_login(social_worker)

    response = client.get(_url("export_json", participant))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="parcours-2026-014.json"'
    data = json.loads(response.content.decode("utf-8"))

    header = data["export"]
    assert header["organisation"] == "CPAS de Test"
    assert header["exported_by"] == social_worker.get_full_name()
    assert datetime.datetime.fromisoformat(header["exported_at"]).tzinfo is not None

    identity = data["identity"]
    assert (identity["last_name"], identity["first_name"]) == ("Diallo", "Aïcha")
    assert identity["reference"] == "2026/014"
    assert identity["birth_date"] == "1985-07-30"
    assert identity["national_register_number"] == "85.07.30-033.28"
    assert identity["gender"]["code"] == "F"
    with translation.override("fr"):
        assert identity["birth_country"] == {"code": "GN", "label": str(countries.name("GN"))}
        assert identity["nationality"] == {"code": "BE", "label": str(countries.name("BE"))}
    assert data["contact"]["city"] == "Namur"
    assert data["contact"]["email"] == "aicha.diallo@example.org"

    profile = data["profile"]
    assert profile["qualification_level"] == {
        "code": "upper_secondary",
        "label": _labels(QualificationLevel)["upper_secondary"],
        "isced": {"from": 3, "to": 4},
    }
    assert profile["qualification_recognised"]["code"] == "pending"
    assert profile["inactive_since"]["value"] == "2024-03"  # the month only, as entered
    assert profile["inactive_since"]["label"] == "mars 2024"
    assert profile["never_worked"] is False
    assert profile["language_course"] == {
        "code": "fle",
        "label": _labels(LanguageCourse)["fle"],
    }
    assert profile["french_level"]["code"] == "medium"
    assert data["referral"]["referred_by"]["code"] == "social_service"
    assert data["referral"]["detail"] == "Service social de Jambes"
    assert data["social_worker"] == social_worker.get_full_name()
    assert data["cpas_support_proof"]["kind"]["code"] == "integration_income"
    assert data["cpas_support_proof"]["date"] == "2026-01-05"

    purposes = _labels(ConsentPurpose)
    assert data["consents"] == [
        {
            "purpose": {"code": "follow_up", "label": purposes["follow_up"]},
            "given_on": "2026-01-12",
            "collected_by": social_worker.get_full_name(),
            "withdrawn_on": None,
        },
        {
            "purpose": {"code": "photos", "label": purposes["photos"]},
            "given_on": "2026-01-12",
            "collected_by": coordinator.get_full_name(),
            "withdrawn_on": "2026-02-20",
        },
    ]

    domains = _labels(Domain)
    [intervention] = data["interventions"]
    assert intervention == {
        "date": "2026-02-03",
        "duration_minutes": 50,
        "kind": {
            "code": "accompaniment",
            "label": _labels(InterventionKind)["accompaniment"],
        },
        "domains": [
            {"code": "housing", "label": domains["housing"]},
            {"code": "health", "label": domains["health"]},
        ],
        "notes": NOTE,
        "author": social_worker.get_full_name(),
    }

    past, current = data["enrolments"]
    assert past["group"] == "Remobilisation 2025"
    assert past["process_type"] == {
        "code": "remobilisation",
        "label": _labels(ProcessType)["remobilisation"],
    }
    assert (past["start_date"], past["exit_date"]) == ("2025-01-06", "2025-10-31")
    assert past["outcome"] == {
        "code": "social_project",
        "label": _labels(ExitOutcome)["social_project"],
    }
    assert past["outcome_detail"] == {
        "code": "volunteering",
        "label": _labels(SocialProject)["volunteering"],
    }
    assert current["group"] == "Immersion 2026"
    assert current["process_type"]["code"] == "immersion"
    assert (current["exit_date"], current["outcome"], current["outcome_detail"]) == (
        None,
        None,
        None,
    )

    levels = _labels(LiteracyLevel)
    [test] = data["literacy_tests"]
    assert test == {
        "date": "2026-01-20",
        "duration_minutes": 45,
        "examiner": social_worker.get_full_name(),
        "oral_comprehension": {"code": "a1", "label": levels["a1"]},
        "oral_expression": {"code": "a1_1", "label": levels["a1_1"]},
        "reading": {"code": "alpha_2", "label": levels["alpha_2"]},
        "writing": {"code": "alpha_1", "label": levels["alpha_1"]},
        "orientation": {"code": "literacy", "label": _labels(Orientation)["literacy"]},
        "comment": "Lit les mots courants ; écrit son nom.",
    }


@pytest.mark.django_db
def test_json_is_utf8_with_accents_kept_and_pretty_printed(client, coordinator, participant):
    client.force_login(coordinator)

    content = client.get(_url("export_json", participant)).content

    text = content.decode("utf-8")
    assert "Aïcha" in text
    assert "complété" in text
    assert "\\u00e9" not in text
    assert text.startswith('{\n  "export": {')


@pytest.mark.django_db
def test_an_empty_file_exports_with_empty_values(client, coordinator, organisation):
    person = ParticipantFactory(
        organisation=organisation, never_worked=True, birth_country="", nationality=""
    )
    client.force_login(coordinator)

    data = json.loads(client.get(_url("export_json", person)).content)

    assert data["profile"]["never_worked"] is True
    assert data["profile"]["qualification_level"] is None
    assert data["profile"]["inactive_since"] is None
    assert data["social_worker"] is None
    assert data["cpas_support_proof"] is None
    assert data["identity"]["national_register_number"] is None
    assert data["identity"]["nationality"] is None
    assert (data["consents"], data["enrolments"], data["interventions"]) == ([], [], [])
    assert data["literacy_tests"] == []
    # The document renders without its optional parts.
    html = render_html(person, participant_data(_fresh(person)))
    assert person.last_name in html


@pytest.mark.django_db
def test_a_full_day_of_inactivity_is_given_as_a_date(organisation):
    person = ParticipantFactory(
        organisation=organisation, inactive_since=datetime.date(2023, 11, 15)
    )

    with translation.override("fr"):
        inactive = participant_data(_fresh(person))["profile"]["inactive_since"]

    assert inactive == {"value": "2023-11-15", "label": "15 novembre 2023"}


def _one_of_each(participant, author):
    """One assessment and one action on the current enrolment (with the intervention of
    the fixture): every list of the file holds a row."""
    current = participant.enrolments.order_by("start_date").last()
    _assessment(current, author, Moment.ENTRY, current.start_date, {Domain.HOUSING: (2, "")})
    _self_rating(current, author, Moment.ENTRY, Domain.HOUSING, 3)
    ActionFactory(enrolment=current)


def _self_rating(enrolment, author, moment, domain, rating):
    services.self_rating_save(
        enrolment=enrolment, moment=moment, domain=domain, rating=rating, language="fr", by=author
    )


def _a_long_history(participant, author):
    """29 more interventions and actions, the other assessments, two more enrolments
    each assessed and followed up."""
    current = participant.enrolments.order_by("start_date").last()
    for _ in range(29):
        _intervention(participant, author, domains=(Domain.FAMILY, Domain.FINANCIAL))
    for day in range(28):
        ActionFactory(enrolment=current, due_date=datetime.date(2026, 4, day + 1))
    for moment in (Moment.MIDDLE, Moment.END):
        _assessment(current, author, moment, current.start_date, {Domain.HEALTH: (3, "")})
        _self_rating(current, author, moment, Domain.HEALTH, None)
    for year in (2023, 2024):
        group = GroupFactory(
            organisation=participant.organisation,
            start_date=datetime.date(year, 1, 9),
            end_date=datetime.date(year, 10, 27),
        )
        enrolment = EnrolmentFactory(
            participant=participant,
            group=group,
            exit_date=group.end_date,
            outcome=ExitOutcome.DROPOUT,
        )
        _assessment(enrolment, author, Moment.ENTRY, group.start_date, {Domain.FAMILY: (1, "")})
        ActionFactory(enrolment=enrolment)
        ExitFollowUp.objects.create(
            enrolment=enrolment,
            due_on=datetime.date(year + 1, 4, 27),
            situation=FollowUpSituation.UNCHANGED,
            recorded_on=datetime.date(year + 1, 5, 2),
            recorded_by=author,
        )


@pytest.mark.django_db
def test_json_queries_do_not_grow_with_the_history(client, social_worker, participant):
    client.force_login(social_worker)
    url = _url("export_json", participant)
    _one_of_each(participant, social_worker)
    client.get(url)  # the first request of a session also writes the session

    with_one = count_queries(client, url)
    _a_long_history(participant, social_worker)
    with_thirty = count_queries(client, url)

    assert with_one == with_thirty
    data = json.loads(client.get(url).content)
    assert len(data["interventions"]) == 30
    assert sum(len(enrolment["actions"]) for enrolment in data["enrolments"]) == 31
    assert sum(len(enrolment["assessments"]) for enrolment in data["enrolments"]) == 5


@pytest.mark.django_db
def test_participant_data_reads_the_file_in_a_fixed_number_of_queries(social_worker, participant):
    _one_of_each(participant, social_worker)
    with CaptureQueriesContext(connection) as few:
        participant_data(_fresh(participant))
    _a_long_history(participant, social_worker)
    with CaptureQueriesContext(connection) as many:
        data = participant_data(_fresh(participant))

    assert len(data["interventions"]) == 30
    assert len(data["enrolments"]) == 4
    assert sum(len(enrolment["actions"]) for enrolment in data["enrolments"]) == 31
    # The participant, organisation, social worker, then one query per list (the
    # enrolments with their follow-ups), one for the domains of all the interventions,
    # one for the ratings of all the assessments, the self-assessments with who handed
    # the tablet over and one for their answers, the attendance marks with their
    # sessions, the reminders sent.
    assert len(few.captured_queries) == len(many.captured_queries) == 16


@pytest.mark.django_db
def test_pdf_is_a_downloadable_pdf(client, social_worker, participant):
    client.force_login(social_worker)

    response = client.get(_url("export_pdf", participant))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="parcours-2026-014.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert pdf_page_count(response.content) >= 1


@pytest.mark.django_db
def test_pdf_text_holds_the_name_and_the_notes(rf, social_worker, participant):
    request = rf.get("/")
    request.user = social_worker
    with translation.override("fr"):
        pdf = render_pdf(participant, participant_data(_fresh(participant)), request=request)
    text = pdf_text(pdf, layout=True)

    assert "DIALLO Aïcha" in text
    assert "Visite au service logement" in text
    assert re.search(r"1\s*/\s*\d", text)  # the page numbers of the footer


@pytest.mark.django_db
def test_document_html_holds_the_file(social_worker, coordinator, participant):
    with translation.override("fr"):
        data = participant_data(_fresh(participant), exported_by=coordinator)
        html = render_html(participant, data)

    assert "DIALLO Aïcha" in html
    assert "CPAS de Test" in html
    assert coordinator.get_full_name() in html
    assert "85.07.30-033.28" in html
    assert NOTE in html
    assert _labels(Domain)["housing"] in html
    assert _labels(InterventionKind)["accompaniment"] in html
    assert _labels(ConsentPurpose)["photos"] in html
    assert "20/02/2026" in html  # the withdrawal of the consent to photos
    assert "Remobilisation 2025" in html
    assert _labels(SocialProject)["volunteering"] in html
    assert _labels(LiteracyLevel)["alpha_2"] in html
    assert "Lit les mots courants ; écrit son nom." in html
    assert "mars 2024" in html
    assert "Guinée" in html  # the country of birth, by its name
    assert "Service social de Jambes" in html
    assert social_worker.get_full_name() in html
    assert 'lang="fr"' in html


@pytest.mark.django_db
def test_document_explains_the_rights(participant):
    with translation.override("en"):
        html = render_html(participant, participant_data(_fresh(participant)))

    assert "Your data held by CPAS de Test" in html
    assert "right of access" in html
    assert "right to rectification" in html
    assert "where the law allows it" in html
    assert "Data Protection Authority" in html
    assert 'counter(page) " / " counter(pages)' in html


@pytest.mark.django_db
def test_notes_are_escaped_in_the_document(social_worker, participant):
    _intervention(participant, social_worker, notes='<img src="http://example.com/x.png">')

    html = render_html(participant, participant_data(_fresh(participant)))

    assert "<img" not in html
    assert "&lt;img" in html


def test_the_pdf_fetches_nothing():
    with pytest.raises(ValueError, match="not fetched"):
        refusing_fetcher()("http://example.com/tracker.png")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["export_json", "export_pdf"])
@pytest.mark.parametrize("persona", ["social_worker", "coordinator"])
def test_each_export_is_recorded_in_the_audit_trail(client, request, participant, name, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    assert client.get(_url(name, participant)).status_code == 200

    events = AuditEvent.objects.filter(
        record_type="participants.participant", record_id=str(participant.pk)
    )
    assert [(event.action, event.actor_id) for event in events] == [(AuditAction.VIEW, user.pk)]
    assert events.get().organisation_id == participant.organisation_id


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["export_json", "export_pdf"])
@pytest.mark.parametrize(
    ("persona", "status"), [("workshop_leader", 403), ("viewer", 403), ("outsider", 404)]
)
def test_others_cannot_export(client, request, participant, name, persona, status):
    user = request.getfixturevalue(persona)
    if persona == "workshop_leader":
        # Even in charge of the person's group, a leader does not see the social data.
        participant.enrolments.first().group.staff.add(user)
    client.force_login(user)

    response = client.get(_url(name, participant))

    assert response.status_code == status
    assert not AuditEvent.objects.filter(
        record_type="participants.participant", record_id=str(participant.pk)
    ).exists()


@pytest.mark.django_db
def test_json_holds_the_assessments_the_action_plan_and_the_follow_up(
    client, social_worker, coordinator, journey
):
    client.force_login(social_worker)

    data = json.loads(client.get(_url("export_json", journey)).content)

    domains, moments, ratings = _labels(Domain), _labels(Moment), _labels(Rating)
    past, current = data["enrolments"]
    entry, end = past["assessments"]
    assert entry["moment"] == {"code": "entry", "label": moments["entry"]}
    assert end["moment"]["code"] == "end"
    assert entry["date"] == "2025-01-13"
    assert entry["duration_minutes"] is None  # kept before durations were asked for
    assert entry["author"] == social_worker.get_full_name()
    assert entry["overall_note"] == OVERALL_NOTE
    assert [row["domain"]["code"] for row in entry["ratings"]] == Domain.values
    by_domain = {row["domain"]["code"]: row for row in entry["ratings"]}
    assert by_domain["housing"] == {
        "domain": {"code": "housing", "label": domains["housing"]},
        "rating": 1,
        "rating_label": ratings[1],
        "comment": HOUSING_COMMENT,
    }
    assert by_domain["health"]["rating"] == 2
    with translation.override("fr"):
        not_concerned = translation.gettext("not concerned")
    assert by_domain["financial"] == {
        "domain": {"code": "financial", "label": domains["financial"]},
        "rating": None,
        "rating_label": not_concerned,
        "comment": "",
    }
    assert {row["domain"]["code"]: row["rating"] for row in end["ratings"]}["housing"] == 4

    assert past["actions"] == [
        {
            "domain": {"code": "housing", "label": domains["housing"]},
            "description": ACTION,
            "own_words": "",
            "responsible": "Aïcha et l'assistante sociale",
            "due_date": "2025-03-31",
            "status": {"code": "done", "label": _labels(ActionStatus)["done"]},
            "agreed_at": {"code": "entry", "label": moments["entry"]},
            "reviewed_at": None,
        }
    ]
    assert past["follow_up"] == {
        "due_on": "2026-04-30",
        "situation": {
            "code": "volunteering",
            "label": _labels(FollowUpSituation)["volunteering"],
        },
        "better_situation": None,
        "recorded_on": "2026-05-04",
        "recorded_by": coordinator.get_full_name(),
        "note": FOLLOW_UP_NOTE,
    }

    [current_entry] = current["assessments"]
    family = {row["domain"]["code"]: row for row in current_entry["ratings"]}["family"]
    assert (family["rating"], family["comment"]) == (3, "Reprise de contact avec sa sœur.")
    assert (current["actions"], current["follow_up"]) == ([], None)


@pytest.mark.django_db
def test_a_follow_up_not_recorded_yet_is_exported_as_due(participant):
    past = participant.enrolments.order_by("start_date").first()
    ExitFollowUp.objects.create(enrolment=past, due_on=datetime.date(2026, 4, 30))

    follow_up = participant_data(_fresh(participant))["enrolments"][0]["follow_up"]

    assert follow_up == {
        "due_on": datetime.date(2026, 4, 30),
        "situation": None,
        "better_situation": None,
        "recorded_on": None,
        "recorded_by": None,
        "note": "",
    }


@pytest.mark.django_db
def test_document_html_holds_the_assessments_the_plan_and_the_follow_up(coordinator, journey):
    with translation.override("fr"):
        html = render_html(journey, participant_data(_fresh(journey)))

    assert HOUSING_COMMENT.replace("'", "&#x27;") in html
    assert OVERALL_NOTE in html
    assert ACTION.replace("'", "&#x27;") in html
    assert _labels(ActionStatus)["done"] in html
    assert FOLLOW_UP_NOTE in html
    assert _labels(FollowUpSituation)["volunteering"] in html
    assert coordinator.get_full_name() in html
    assert "Reprise de contact avec sa sœur." in html
    # The star chart of the latest enrolment, drawn inline, not escaped.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="radar"') == 1
    assert "Immersion 2026" in html


@pytest.mark.django_db
def test_pdf_renders_with_the_assessments_and_the_chart(rf, social_worker, journey):
    request = rf.get("/")
    request.user = social_worker
    with translation.override("fr"):
        pdf = render_pdf(journey, participant_data(_fresh(journey)), request=request)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert pdf_page_count(pdf) >= 2
    flat = " ".join(pdf_text(pdf).split())
    assert "priorité au logement" in flat
    assert "Constituer le dossier" in flat
    assert "Croix-Rouge" in flat
    assert _labels(Domain)["employment_training"] in flat  # a row of the rating grid


PARTICIPANT_FIELDS_IN_THE_EXPORT = {
    "reference", "last_name", "first_name", "gender", "birth_date", "birth_country",
    "nationality", "niss", "phone", "email", "address", "postal_code", "city",
    "qualification_level", "qualification_recognised", "never_worked", "inactive_since",
    "inactive_since_month_only", "french_level", "language_course", "referred_by",
    "referral_detail", "social_worker", "cpas_proof_kind", "cpas_proof_date", "created_at",
    "labour_market_status", "unemployment_duration", "housing_exclusion", "rural_area",
    "disability", "foreign_background", "minority",
}  # fmt: skip
# Bookkeeping, derived; the photo is a picture, not data of the JSON or the PDF (the
# file's page hands it out).
PARTICIPANT_FIELDS_LEFT_OUT = {"id", "organisation", "search_text", "photo", "version"}
# Once anonymised (parcours.privacy), a file names nobody who could ask for it: the mark
# of the anonymisation and its record are about the file, not about a person.
PARTICIPANT_FIELDS_OF_ANONYMISED_FILES = {"anonymised_on"}
# Summaries computed from records that are in the export (the runs of absences are read
# from the marks): nothing in them that the file does not already hold.
RECORDS_DERIVED_FROM_THE_EXPORT = {"attendance.AbsenceRun"}


def test_the_export_knows_every_part_of_the_file():
    """A new field or a new record about participants must be added to the export."""
    from django.apps import apps

    holders = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Participant
    } - RECORDS_DERIVED_FROM_THE_EXPORT
    fields = {field.name for field in Participant._meta.concrete_fields}

    assert holders == {
        "attendance.Attendance",
        "funding.Expense",
        "participants.Consent",
        "participants.Intervention",
        "participants.LiteracyTest",
        "programme.Enrolment",
        "privacy.ProcessedFile",  # see PARTICIPANT_FIELDS_OF_ANONYMISED_FILES
        "projects.Project",
        "reminders.MessageLog",
    }, "Records about participants changed: update parcours/privacy/right_of_access.py"
    assert fields == (
        PARTICIPANT_FIELDS_IN_THE_EXPORT
        | PARTICIPANT_FIELDS_LEFT_OUT
        | PARTICIPANT_FIELDS_OF_ANONYMISED_FILES
    ), "The participant's fields changed: update parcours/privacy/right_of_access.py"
    # The records of an enrolment, and those of its records, are part of the file too.
    enrolment_records = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Enrolment
    }
    assert enrolment_records == {
        "assessments.Action",
        "assessments.Assessment",
        "assessments.SelfAssessment",
        "programme.ExitFollowUp",
        "projects.Project",
    }, "Records about enrolments changed: update parcours/privacy/right_of_access.py"
    assessment_records = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Assessment
    }
    assert assessment_records == {"assessments.Action", "assessments.DomainRating"}, (
        "Records about assessments changed: update parcours/privacy/right_of_access.py"
    )
    self_assessment_records = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is SelfAssessment
    }
    assert self_assessment_records == {"assessments.SelfRating"}, (
        "Records about self-assessments changed: update parcours/privacy/right_of_access.py"
    )


@pytest.mark.django_db
def test_the_attendance_marks_are_exported(social_worker):
    from parcours.attendance.enums import Presence
    from parcours.attendance.models import Attendance
    from parcours.workshops.factories import SessionFactory

    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__organisation=social_worker.organisation,
    )
    session = SessionFactory(
        organisation=social_worker.organisation,
        groups=[enrolment.group],
        workshop__name="Atelier vélo",
        date=datetime.date(2026, 3, 3),
    )
    Attendance.objects.create(session=session, participant=enrolment.participant, status="late")

    with translation.override("fr"):
        data = participant_data(_fresh(enrolment.participant))

        late_label = str(Presence.LATE.label)

    assert data["attendance"] == [
        {
            "date": datetime.date(2026, 3, 3),
            "start_time": datetime.time(13, 30),
            "workshop": "Atelier vélo",
            "status": {"code": "late", "label": late_label},
        }
    ]


@pytest.mark.django_db
def test_the_export_lists_what_a_pas_grant_paid_for_the_person(
    rf, client, coordinator, participant
):
    funder = Funder.objects.create(organisation=participant.organisation, name="SPP IS", kind="pas")
    grant = Grant.objects.create(
        organisation=participant.organisation,
        funder=funder,
        name="PAS 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal("1000"),
    )
    pas_budget_save(grant=grant, by=coordinator, amount_a=1000, amount_b=0, amount_c=0)
    expense = Expense(
        organisation=participant.organisation,
        grant=grant,
        date=datetime.date(2026, 3, 4),
        part="A",
        category="education",
        amount=Decimal("42.50"),
        beneficiary=participant,
        proof_reference="F-2026-031",
        proof_total=Decimal("42.50"),
    )
    expense_save(expense=expense, by=coordinator)

    data = participant_data(_fresh(participant))
    assert [(e["grant"], e["category"]["code"], e["amount"]) for e in data["pas_expenses"]] == [
        ("PAS 2026", "education", Decimal("42.50"))
    ]
    request = rf.get("/")
    request.user = coordinator
    with translation.override("fr"):
        text = " ".join(pdf_text(render_pdf(participant, data, request=request)).split())
    assert "PAS 2026" in text
    assert "F-2026-031" in text
    assert "42,50" in text
