"""The participant's own sheet: the sessions of their week, their plan in their words and
whom to call, in their language, on screen and as a PDF (docs/participant-sheet.md)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.assessments.enums import ActionStatus
from parcours.assessments.factories import ActionFactory
from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose
from parcours.participants.factories import ParticipantFactory
from parcours.participants.sheet import coming_week, participant_sheet
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing import assert_bounded_queries, pdf_language, pdf_text, pdf_title
from parcours.workshops.enums import ProviderKind
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory

D = datetime.date
T = datetime.time
# Wednesday 11 March 2026: the week runs from Monday 9 to Sunday 15.
WEDNESDAY = datetime.datetime(2026, 3, 11, 9, 0, tzinfo=datetime.UTC)
MONDAY = D(2026, 3, 9)


@pytest.fixture
def frozen():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


@pytest.fixture
def leader(organisation):
    return UserFactory(
        organisation=organisation,
        workshop_leader=True,
        username="marie",
        first_name="Marie",
        last_name="Leclercq",
    )


@pytest.fixture
def group(organisation, leader):
    group = GroupFactory(organisation=organisation, name="Remob 2026-A")
    group.staff.add(leader)
    return group


@pytest.fixture
def awa(organisation, social_worker, group):
    social_worker.first_name, social_worker.last_name = "Sophie", "Martin"
    social_worker.email = "sophie.martin@cpas.example"
    social_worker.save()
    participant = ParticipantFactory(
        organisation=organisation,
        first_name="Awa",
        last_name="Diallo",
        social_worker=social_worker,
    )
    EnrolmentFactory(group=group, participant=participant, start_date=D(2026, 1, 5))
    return participant


def _session(group, day, name, **fields):
    workshop = WorkshopFactory(organisation=group.organisation, name=name)
    return SessionFactory(
        organisation=group.organisation, workshop=workshop, date=day, groups=[group], **fields
    )


@pytest.fixture
def week(group, leader, organisation):
    """Awa's group's sessions of last week, this week and next week, and another group's
    session of this week."""
    _session(group, D(2026, 3, 3), "Atelier de la semaine passée")
    _session(
        group,
        D(2026, 3, 10),
        "Atelier santé",
        room="Salle 2, rue de Fer 12",
        leader=leader,
        start_time=T(9, 30),
        end_time=T(12, 0),
    )
    _session(
        group,
        D(2026, 3, 12),
        "Couture",
        cancelled=True,
        cancel_reason="Animatrice malade",
        provider_kind=ProviderKind.PARTNER,
        provider=ProviderFactory(organisation=organisation, contact_name="Nadia Ben"),
    )
    _session(group, D(2026, 3, 16), "Atelier de la semaine prochaine")
    other = GroupFactory(organisation=organisation, name="Immersion 2026")
    _session(other, D(2026, 3, 11), "Atelier d'un autre groupe")


def _url(participant, name="participants:sheet", **query):
    url = reverse(name, args=[participant.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def _workshops(sheet):
    return [(day.date, [s.workshop for s in day.sessions]) for day in sheet.days]


@pytest.mark.django_db
def test_the_sheet_holds_this_weeks_sessions_of_the_persons_groups(awa, week):
    sheet = participant_sheet(awa, monday=MONDAY, with_social_data=True)

    assert _workshops(sheet) == [
        (D(2026, 3, 10), ["Atelier santé"]),
        (D(2026, 3, 12), ["Couture"]),
    ]
    health, sewing = (day.sessions[0] for day in sheet.days)
    assert (health.start, health.end) == (T(9, 30), T(12, 0))
    assert health.place == "Salle 2, rue de Fer 12"
    assert health.leader == "Marie Leclercq"
    assert not health.cancelled
    # A partner's session without a leader of the team: the partner's contact.
    assert (sewing.cancelled, sewing.leader) == (True, "Nadia Ben")


@pytest.mark.django_db
def test_a_session_shared_by_two_of_the_persons_groups_is_listed_once(awa, group, organisation):
    second = GroupFactory(organisation=organisation)
    EnrolmentFactory(group=second, participant=awa, start_date=D(2026, 1, 5))
    shared = _session(group, D(2026, 3, 10), "Vélo")
    shared.groups.add(second)

    sheet = participant_sheet(awa, monday=MONDAY, with_social_data=True)

    assert _workshops(sheet) == [(D(2026, 3, 10), ["Vélo"])]


@pytest.mark.django_db
def test_only_the_days_the_person_is_enrolled_count(awa, group):
    enrolment = awa.enrolments.get()
    enrolment.exit_date, enrolment.outcome, enrolment.outcome_detail = (
        D(2026, 3, 10),
        "dropout",
        "health",
    )
    enrolment.save()
    _session(group, D(2026, 3, 10), "Le dernier jour")
    _session(group, D(2026, 3, 11), "Après la sortie")
    late = GroupFactory(organisation=group.organisation)
    EnrolmentFactory(group=late, participant=awa, start_date=D(2026, 3, 12))
    _session(late, D(2026, 3, 11), "Avant l'entrée")
    _session(late, D(2026, 3, 12), "Le premier jour")

    sheet = participant_sheet(awa, monday=MONDAY, with_social_data=True)

    assert _workshops(sheet) == [
        (D(2026, 3, 10), ["Le dernier jour"]),
        (D(2026, 3, 12), ["Le premier jour"]),
    ]


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (D(2026, 3, 9), D(2026, 3, 9)),  # Monday
        (D(2026, 3, 13), D(2026, 3, 9)),  # Friday
        (D(2026, 3, 14), D(2026, 3, 16)),  # Saturday: the week is over
        (D(2026, 3, 15), D(2026, 3, 16)),  # Sunday
    ],
)
def test_the_coming_week(today, monday):
    assert coming_week(today) == monday


@pytest.mark.django_db
def test_the_page_shows_the_coming_week_by_default(client, social_worker, awa, week, frozen):
    client.force_login(social_worker)

    response = client.get(_url(awa))

    assert response.status_code == 200
    assert response.context["sheet"].monday == MONDAY
    content = response.content.decode()
    assert "Atelier santé" in content
    assert "Atelier de la semaine passée" not in content
    assert "Atelier de la semaine prochaine" not in content
    assert "Atelier d&#x27;un autre groupe" not in content
    assert "Du lundi 9 mars au dimanche 15 mars 2026." in content
    assert "Mardi 10 mars" in content
    assert "De 09:30 à 12:00." in content
    assert "Où : Salle 2, rue de Fer 12." in content
    assert "Avec : Marie Leclercq." in content
    assert "Annulé. Il n\u2019y a pas d\u2019atelier." in content


@pytest.mark.django_db
def test_a_week_is_chosen_by_any_of_its_days(client, social_worker, awa, week, frozen):
    client.force_login(social_worker)

    response = client.get(_url(awa, day="2026-03-19"))

    sheet = response.context["sheet"]
    assert sheet.monday == D(2026, 3, 16)
    assert _workshops(sheet) == [(D(2026, 3, 16), ["Atelier de la semaine prochaine"])]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"day": "mardi"}, "day", "Saisissez une date, par exemple 09/03/2026."),
        (
            {"day": "2046-03-10"},
            "day",
            "Choisissez un jour à moins de 10 ans d\u2019aujourd\u2019hui.",
        ),
        (
            {"language": "de"},
            "language",
            "Choisissez le français, le néerlandais ou l\u2019anglais.",
        ),
    ],
)
def test_a_wrong_choice_says_so_and_shows_the_coming_week_in_french(
    client, social_worker, awa, frozen, query, field, message
):
    client.force_login(social_worker)

    response = client.get(_url(awa, **query))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert response.context["sheet"].monday == MONDAY
    assert response.context["sheet_language"] == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("fr", ["Ma semaine", "Mes ateliers", "Mardi 10 mars", "Qui appeler"]),
        ("nl", ["Mijn week", "Mijn workshops", "Dinsdag 10 maart", "Wie kunt u bellen?"]),
        ("en", ["My week", "My workshops", "Tuesday 10 March", "Whom to call"]),
    ],
)
def test_the_sheet_is_written_in_the_chosen_language(
    client, social_worker, awa, week, frozen, language, texts
):
    client.force_login(social_worker)

    response = client.get(_url(awa, language=language))

    content = response.content.decode()
    for text in texts:
        assert text in content
    assert f'<article class="sheet" lang="{language}">' in content
    # The page around the sheet stays in the language of the member of staff.
    assert "Fiche du participant" in content
    assert '<html lang="fr">' in content


@pytest.mark.django_db
def test_the_plan_is_in_the_persons_words(client, social_worker, awa, frozen):
    enrolment = awa.enrolments.get()
    ActionFactory(
        enrolment=enrolment,
        description="Constituer le dossier pour l'agence immobilière sociale.",
        own_words="Je prépare mes papiers pour avoir un logement.",
        due_date=D(2026, 4, 30),
    )
    ActionFactory(
        enrolment=enrolment,
        description="Reprendre rendez-vous chez le médecin traitant.",
        status=ActionStatus.UNDER_WAY,
        due_date=D(2026, 3, 20),
    )
    ActionFactory(enrolment=enrolment, description="Une action finie.", status=ActionStatus.DONE)
    client.force_login(social_worker)

    response = client.get(_url(awa))

    assert [action.for_participant for action in response.context["sheet"].actions] == [
        "Reprendre rendez-vous chez le médecin traitant.",
        "Je prépare mes papiers pour avoir un logement.",
    ]
    content = response.content.decode()
    assert "agence immobilière" not in content
    assert "Une action finie." not in content
    assert "Pour le 30 avril 2026." in content
    assert "C\u2019est commencé." in content
    assert "Votre personne de contact : Sophie Martin." in content
    assert "sophie.martin@cpas.example" in content
    assert "CPAS de Test" in content
    assert "Téléphone" not in content  # no number kept for the CPAS yet


@pytest.mark.django_db
def test_the_cpas_phone_is_on_the_sheet_once_kept(client, social_worker, awa, frozen):
    awa.organisation.phone = "081 23 45 67"
    awa.organisation.save()
    client.force_login(social_worker)

    content = client.get(_url(awa)).content.decode()

    assert "Téléphone : 081 23 45 67" in content


@pytest.mark.django_db
def test_a_social_worker_who_has_left_is_not_named(client, coordinator, awa, frozen):
    awa.social_worker.is_active = False
    awa.social_worker.save()
    client.force_login(coordinator)

    response = client.get(_url(awa))

    assert response.context["sheet"].social_worker is None
    assert "Sophie Martin" not in response.content.decode()


@pytest.mark.django_db
def test_a_leader_of_the_group_prints_the_week_without_the_social_data(
    client, leader, awa, week, frozen
):
    ActionFactory(enrolment=awa.enrolments.get(), description="Une action confidentielle.")
    client.force_login(leader)

    response = client.get(_url(awa))

    assert response.status_code == 200
    sheet = response.context["sheet"]
    assert (sheet.actions, sheet.social_worker) == (None, None)
    content = response.content.decode()
    assert "Atelier santé" in content
    assert "Une action confidentielle." not in content
    assert "Mon plan" not in content
    assert "Sophie Martin" not in content
    assert "CPAS de Test" in content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["participants:sheet", "participants:sheet_pdf"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("social_worker", 200), ("workshop_leader", 404), ("viewer", 403)],
)
def test_who_may_print_the_sheet(client, personas, awa, frozen, name, persona, status):
    # The fixture's workshop leader is in charge of no group of Awa's.
    client.force_login(personas[persona])
    assert client.get(_url(awa, name)).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["participants:sheet", "participants:sheet_pdf"])
def test_another_organisations_participant_is_not_found(client, outsider, awa, name):
    client.force_login(outsider)
    assert client.get(_url(awa, name)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["participants:sheet", "participants:sheet_pdf"])
def test_an_anonymised_file_has_no_sheet(client, coordinator, awa, frozen, name):
    awa.anonymised_on = D(2026, 3, 1)
    awa.save()
    client.force_login(coordinator)
    assert client.get(_url(awa, name)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["participants:sheet", "participants:sheet_pdf"])
def test_each_sheet_is_written_to_the_audit_trail(client, leader, awa, frozen, name):
    client.force_login(leader)

    client.get(_url(awa, name))

    event = AuditEvent.objects.get(record_type="participants.participant", actor=leader)
    assert (event.action, event.purpose, event.record_id, event.subject_id) == (
        AuditAction.VIEW,
        AuditPurpose.PRINTING,
        str(awa.pk),
        awa.pk,
    )


@pytest.mark.django_db
def test_the_file_links_to_the_sheet(client, leader, awa):
    client.force_login(leader)
    content = client.get(reverse("participants:participant_detail", args=[awa.pk])).content
    assert _url(awa).encode() in content


@pytest.mark.django_db
def test_more_sessions_and_actions_do_not_add_queries(client, social_worker, awa, group, frozen):
    _session(group, D(2026, 3, 10), "Atelier un", leader=social_worker)
    ActionFactory(enrolment=awa.enrolments.get())
    client.force_login(social_worker)

    def grow():
        provider = ProviderFactory(organisation=group.organisation)
        for number in range(6):
            _session(
                group,
                D(2026, 3, 9 + number),
                f"Atelier {number + 2}",
                leader=UserFactory(organisation=group.organisation, workshop_leader=True),
                provider_kind=ProviderKind.PARTNER if number % 2 else ProviderKind.TEAM,
                provider=provider if number % 2 else None,
            )
            ActionFactory(enrolment=awa.enrolments.get(), description=f"Action {number}")

    assert_bounded_queries(client, _url(awa), grow=grow, expected=9)


@pytest.mark.django_db
def test_the_pdf_is_the_sheet_in_the_persons_language(client, social_worker, awa, week, frozen):
    ActionFactory(enrolment=awa.enrolments.get(), own_words="Ik zoek een woning.")
    client.force_login(social_worker)

    response = client.get(_url(awa, "participants:sheet_pdf", language="nl"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'inline; filename="fiche-{awa.reference}-2026-03-09.pdf"'
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert pdf_title(pdf) == "Mijn week · Awa Diallo · 9 maart 2026"
    assert pdf_language(pdf) == "nl"
    text = " ".join(pdf_text(pdf).split())
    for expected in (
        "CPAS de Test",
        "Van maandag 9 maart tot zondag 15 maart 2026.",
        "Dinsdag 10 maart",
        "Atelier santé",
        "Van 09:30 tot 12:00.",
        "Marie Leclercq",
        "Ik zoek een woning.",
        "Sophie Martin",
    ):
        assert expected in text
    assert "Atelier de la semaine passée" not in text
