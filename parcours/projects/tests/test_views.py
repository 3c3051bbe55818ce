import re

import pytest
from django.urls import reverse

from parcours.participants.models import Participant
from parcours.projects.factories import EvaluationFactory, ProjectFactory, ProjectVersionFactory
from parcours.projects.models import EvaluationInterval, Project
from parcours.projects.tests.conftest import D
from parcours.testing import assert_bounded_queries, count_queries, pdf_text

pytestmark = pytest.mark.django_db


def form_data(worker, **overrides):
    return {
        "objectives": "Logement : trouver un logement salubre.",
        "participant_commitments": "Venir aux ateliers du groupe.",
        "cpas_commitments": "Accompagner les démarches.",
        "social_worker": worker.pk,
        "party-TOTAL_FORMS": "2",
        "party-INITIAL_FORMS": "0",
        "party-MIN_NUM_FORMS": "0",
        "party-MAX_NUM_FORMS": "5",
        "party-0-name": "Lire et Écrire Namur",
        "party-0-role": "Opérateur de formation",
        "party-0-commitments": "Accueillir la personne en cours.",
        **overrides,
    }


def test_the_new_project_form_is_filled_from_the_entry_assessment(client, enrolment, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("projects:project_create", args=[enrolment.pk]))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["objectives"].startswith("Logement (2 · Difficultés importantes)")
    assert "Établir un budget mensuel" in initial["objectives"]
    assert initial["social_worker"] == social_worker.pk


def test_drawing_up_signing_and_amending_through_the_pages(client, enrolment, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:project_create", args=[enrolment.pk]), form_data(social_worker)
    )
    assert response.status_code == 302
    project = Project.objects.get(enrolment=enrolment)
    first = project.versions.get()
    assert first.other_parties.get().name == "Lire et Écrire Namur"

    response = client.post(
        reverse("projects:version_sign", args=[project.pk, 1]),
        {"signed_on": "2026-01-26", "signed_at_place": "Namur", "version": first.version},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.signed_on == D(2026, 1, 26)

    edit = reverse("projects:project_edit", args=[project.pk])
    assert "amendment_reason" in client.get(edit).context["form"].fields
    response = client.post(
        edit,
        form_data(social_worker, objectives="Logement, puis un cours de français."),
    )
    assert response.status_code == 200  # the reason of the amendment is missing
    assert project.versions.count() == 1
    response = client.post(
        edit,
        form_data(
            social_worker,
            objectives="Logement, puis un cours de français.",
            amendment_reason="La personne veut apprendre le français.",
        ),
    )
    assert response.status_code == 302
    assert list(project.versions.values_list("number", "objectives")) == [
        (1, "Logement : trouver un logement salubre."),
        (2, "Logement, puis un cours de français."),
    ]
    page = client.get(reverse("projects:version_detail", args=[project.pk, 1]))
    assert "Logement : trouver un logement salubre." in page.content.decode()


def test_a_signature_refused_writes_nothing_and_says_why(client, enrolment, social_worker):
    project = ProjectFactory(enrolment=enrolment)
    version = project.versions.get()
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:version_sign", args=[project.pk, 1]),
        {"signed_on": "2026-07-01", "signed_at_place": "Namur", "version": version.version},
    )
    assert response.status_code == 400
    assert "Une signature ne peut pas être datée dans le futur." in response.content.decode()
    version.refresh_from_db()
    assert version.signed_on is None


def test_the_pdf_carries_the_objectives_and_a_signature_block_for_each_party(
    client, enrolment, social_worker
):
    project = ProjectFactory(enrolment=enrolment, signed_on=D(2026, 1, 26))
    version = project.versions.get()
    version.other_parties.create(
        name="Lire et Écrire Namur", role="Opérateur de formation", commitments="Accueillir."
    )
    client.force_login(social_worker)
    response = client.get(reverse("projects:version_pdf", args=[project.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Projet individualisé d\u2019intégration sociale" in text
    assert "Logement : trouver un logement salubre." in text
    # A block for the participant, the social worker and the other party.
    assert "Le participant" in text
    assert "Pour le CPAS, l\u2019assistant social" in text
    assert len(re.findall(r"\bSignature\b", text)) == 3
    assert "Fait à Namur, le 26 janvier 2026." in text


def test_recording_an_evaluation(client, enrolment, social_worker):
    project = ProjectFactory(enrolment=enrolment, signed_on=D(2026, 2, 2))
    client.force_login(social_worker)
    response = client.post(
        reverse("projects:evaluation_create", args=[project.pk]),
        {"date": "2026-05-04", "outcome": "continue", "notes": "On continue."},
    )
    assert response.status_code == 302
    page = client.get(reverse("projects:project_detail", args=[enrolment.pk]))
    assert page.context["schedule"].next_due == D(2026, 8, 4)


def test_a_workshop_leader_is_refused_and_another_organisation_finds_nothing(
    client, enrolment, workshop_leader, outsider
):
    project = ProjectFactory(enrolment=enrolment, signed_on=D(2026, 1, 26))
    urls = [
        reverse("projects:project_detail", args=[enrolment.pk]),
        reverse("projects:version_pdf", args=[project.pk, 1]),
        reverse("projects:project_edit", args=[project.pk]),
    ]
    client.force_login(workshop_leader)
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    client.force_login(outsider)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_an_anonymised_file_is_read_but_never_written(client, enrolment, social_worker):
    project = ProjectFactory(enrolment=enrolment, signed_on=D(2026, 1, 26))
    Participant.objects.filter(pk=enrolment.participant_id).update(anonymised_on=D(2026, 6, 1))
    client.force_login(social_worker)
    assert client.get(reverse("projects:project_detail", args=[enrolment.pk])).status_code == 200
    response = client.post(
        reverse("projects:evaluation_create", args=[project.pk]),
        {"date": "2026-05-04", "outcome": "continue", "notes": ""},
    )
    assert response.status_code == 403
    assert not project.evaluations.exists()


def test_the_project_page_reads_in_bounded_queries(client, enrolment, social_worker):
    project = ProjectFactory(enrolment=enrolment, signed_on=D(2026, 1, 12))
    client.force_login(social_worker)
    url = reverse("projects:project_detail", args=[enrolment.pk])

    def grow():
        for number in range(2, 6):
            version = ProjectVersionFactory(
                project=project, number=number, signed_on=D(2026, 1, 12 + number)
            )
            version.other_parties.create(name="Partenaire", role="Rôle", commitments="Aider.")
        for day in range(1, 6):
            EvaluationFactory(project=project, date=D(2026, 4, day), author=social_worker)

    client.get(url)
    # However many versions, parties and evaluations: the same queries as with one.
    assert_bounded_queries(client, url, grow=grow, expected=count_queries(client, url))


def test_the_coordinator_sets_the_interval(client, coordinator, social_worker):
    url = reverse("projects:interval_edit")
    client.force_login(social_worker)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    assert client.post(url, {"months": "13"}).status_code == 200
    assert not EvaluationInterval.objects.exists()
    assert client.post(url, {"months": "2"}).status_code == 302
    assert EvaluationInterval.objects.get(organisation=coordinator.organisation).months == 2


def test_a_stale_draft_is_refused_and_nothing_is_written(client, enrolment, social_worker):
    project = ProjectFactory(enrolment=enrolment)
    draft = project.versions.get()
    opened_with = draft.version
    client.force_login(social_worker)
    edit = reverse("projects:project_edit", args=[project.pk])
    mine = form_data(social_worker, objectives="La mienne.", version=opened_with)
    assert client.post(edit, mine).status_code == 302
    theirs = form_data(social_worker, objectives="La sienne.", version=opened_with)
    second = client.post(edit, theirs)
    assert second.status_code == 409
    draft.refresh_from_db()
    assert draft.objectives == "La mienne."
