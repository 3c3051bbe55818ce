import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.services import update_record
from parcours.projects import services
from parcours.projects.models import OtherParty, ProjectVersion
from parcours.projects.selectors import objectives_from_plan
from parcours.projects.tests.conftest import D

pytestmark = pytest.mark.django_db

PARTNER = {"name": "Lire et Écrire", "role": "Formateur", "commitments": "Accueillir en cours."}


@pytest.fixture(autouse=True)
def _in_english():
    # The refusals are matched in English; the objectives are checked in French.
    with translation.override("en"):
        yield


def draw_up(enrolment, by, **overrides):
    values = {
        "objectives": "Trouver un logement salubre.",
        "participant_commitments": "Venir aux ateliers.",
        "cpas_commitments": "Accompagner les démarches.",
        "social_worker": by,
        "other_parties": [PARTNER],
        **overrides,
    }
    return services.project_create(enrolment=enrolment, by=by, **values)


@translation.override("fr")
def test_the_objectives_start_from_the_entry_assessment_and_the_plan(enrolment):
    text = objectives_from_plan(enrolment)
    blocks = text.split("\n\n")
    # The domains in their fixed order; a domain rated well and without action is left out.
    assert blocks[0] == (
        "Logement (2 · Difficultés importantes): Logement humide.\n"
        "- S'inscrire à l'agence immobilière sociale (Participante, pour le 31/03/2026)"
    )
    assert any(block.startswith("Situation financière") for block in blocks)
    assert any(block.startswith("Santé (3 · Fragile)") for block in blocks)
    assert "Vie familiale" not in text


def test_a_new_project_is_a_draft_first_version_with_its_parties(enrolment, social_worker):
    project = draw_up(enrolment, social_worker)
    version = project.versions.get()
    assert (version.number, version.is_signed, project.participant) == (
        1,
        False,
        enrolment.participant,
    )
    assert list(version.other_parties.values_list("name", "role")) == [
        ("Lire et Écrire", "Formateur")
    ]
    with pytest.raises(ValidationError, match="already has an individual project"):
        draw_up(enrolment, social_worker)


def test_a_draft_is_changed_in_place_until_it_is_signed(enrolment, social_worker):
    project = draw_up(enrolment, social_worker)
    draft = project.versions.get()
    saved = services.project_change(
        project=project,
        by=social_worker,
        version=draft.version,
        objectives="Trouver un logement et suivre un cours de français.",
        participant_commitments="Venir aux ateliers.",
        cpas_commitments="Accompagner les démarches.",
        social_worker=social_worker,
        other_parties=[],
    )
    assert saved.pk == draft.pk
    assert project.versions.count() == 1
    assert not OtherParty.objects.filter(version=draft).exists()


def test_signing_then_amending_keeps_the_signed_version_as_it_was(enrolment, social_worker):
    project = draw_up(enrolment, social_worker)
    first = project.versions.get()
    services.version_sign(version=first, signed_on=D(2026, 1, 26), place="Namur", by=social_worker)
    first.refresh_from_db()
    assert (first.is_signed, first.signed_at_place) == (True, "Namur")
    signed_values = ProjectVersion.objects.filter(pk=first.pk).values().get()

    with pytest.raises(ValidationError, match="why the project is amended"):
        services.project_change(
            project=project,
            by=social_worker,
            version=first.version,
            objectives="Autre chose",
            participant_commitments="Venir.",
            cpas_commitments="Aider.",
            social_worker=social_worker,
        )
    amendment = services.project_change(
        project=project,
        by=social_worker,
        version=first.version,
        objectives="Trouver un logement et apprendre à lire.",
        participant_commitments="Venir aux ateliers et au cours.",
        cpas_commitments="Accompagner les démarches.",
        social_worker=social_worker,
        other_parties=[PARTNER],
        amendment_reason="La personne veut apprendre à lire.",
    )
    assert (amendment.number, amendment.is_signed, amendment.is_amendment) == (2, False, True)
    assert ProjectVersion.objects.filter(pk=first.pk).values().get() == signed_values
    with pytest.raises(ValidationError, match="signed version cannot be changed"):
        update_record(obj=first, by=social_worker, objectives="Réécrit après coup.")
    assert list(first.other_parties.values_list("name", flat=True)) == ["Lire et Écrire"]
    assert amendment.other_parties.count() == 1

    with pytest.raises(ValidationError, match="before the version it amends"):
        services.version_sign(
            version=amendment, signed_on=D(2026, 1, 20), place="Namur", by=social_worker
        )
    services.version_sign(
        version=amendment, signed_on=D(2026, 4, 20), place="Namur", by=social_worker
    )
    with pytest.raises(ValidationError, match="already signed"):
        services.version_sign(
            version=amendment, signed_on=D(2026, 4, 21), place="Namur", by=social_worker
        )
    assert project.versions.count() == 2


def test_a_signature_needs_a_past_date_and_a_place(enrolment, social_worker):
    project = draw_up(enrolment, social_worker)
    version = project.versions.get()
    with pytest.raises(ValidationError, match="in the future"):
        services.version_sign(
            version=version, signed_on=D(2026, 6, 16), place="Namur", by=social_worker
        )
    with pytest.raises(ValidationError, match="where the project was signed"):
        services.version_sign(version=version, signed_on=D(2026, 6, 1), place=" ", by=social_worker)
    version.refresh_from_db()
    assert not version.is_signed


def test_every_write_is_in_the_audit_trail_sealed_for_the_participant(enrolment, social_worker):
    project = draw_up(enrolment, social_worker)
    events = AuditEvent.objects.filter(
        record_type__startswith="projects.", action=AuditAction.CREATE
    )
    assert {event.record_type for event in events} == {
        "projects.project",
        "projects.projectversion",
        "projects.otherparty",
    }
    assert {event.subject_id for event in events} == {project.participant_id}
    assert all("Lire et Écrire" not in event.record_label for event in events)


def test_an_evaluation_needs_a_signed_project_and_a_date_after_the_signature(
    enrolment, social_worker
):
    project = draw_up(enrolment, social_worker)
    with pytest.raises(ValidationError, match="once it is signed"):
        services.evaluation_record(
            project=project, date=D(2026, 5, 1), outcome="continue", notes="", by=social_worker
        )
    services.version_sign(
        version=project.versions.get(), signed_on=D(2026, 2, 2), place="Namur", by=social_worker
    )
    with pytest.raises(ValidationError, match="before the signature"):
        services.evaluation_record(
            project=project, date=D(2026, 2, 1), outcome="continue", notes="", by=social_worker
        )
    services.evaluation_record(
        project=project,
        date=D(2026, 5, 1),
        outcome="end",
        notes="Projet atteint.",
        by=social_worker,
    )
    with pytest.raises(ValidationError, match="has ended"):
        services.evaluation_record(
            project=project, date=D(2026, 6, 1), outcome="continue", notes="", by=social_worker
        )


def test_an_anonymised_file_takes_no_project(enrolment, social_worker):
    participant = enrolment.participant
    participant.anonymised_on = D(2026, 6, 1)
    with pytest.raises(ValidationError, match="anonymised"):
        draw_up(enrolment, social_worker)
    assert not ProjectVersion.objects.exists()
