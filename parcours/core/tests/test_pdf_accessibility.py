"""Every PDF is tagged PDF/UA-1, in the language it is written in, with its title
(parcours.core.pdf): read back from the files with poppler's pdfinfo and their objects."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from parcours.core.pdf import merge_documents, render_document
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.figures import yearly_report
from parcours.reporting.pdf import report_context, report_pdf
from parcours.testing import pdf_accessibility, speaking
from parcours.workshops.factories import SessionFactory

pytest.importorskip("weasyprint")


@pytest.fixture
def report(organisation):
    group = GroupFactory(organisation=organisation, name="Groupe Lumière")
    EnrolmentFactory(group=group)
    SessionFactory(organisation=organisation, groups=[group])
    return yearly_report(organisation, year=2026, as_of=datetime.date(2026, 12, 31))


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_the_report_is_tagged_in_its_language(report, language):
    with translation.override(language):
        found = pdf_accessibility(report_pdf(report))

    assert found.lang == language
    assert found.tagged
    assert found.structure
    assert found.pdfua_part == "1"
    assert found.title.endswith("· CPAS de Test")
    assert "2026" in found.title


def test_merged_documents_are_tagged_with_the_first_title(report):
    context = report_context(report)
    with translation.override("nl"):
        merged = merge_documents(
            [render_document("reporting/report_pdf.html", context) for _ in range(2)]
        )

    found = pdf_accessibility(merged)
    assert (found.lang, found.tagged, found.structure, found.pdfua_part) == ("nl", True, True, "1")
    assert found.title.endswith("· CPAS de Test")


def test_the_attendance_sheet_is_tagged(client, workshop_leader):
    organisation = workshop_leader.organisation
    group = GroupFactory(organisation=organisation, name="Groupe Lumière")
    EnrolmentFactory(group=group)
    session = SessionFactory(
        organisation=organisation,
        groups=[group],
        leader=workshop_leader,
        workshop__name="Cuisine",
        date=datetime.date(2026, 3, 3),
    )
    client.force_login(speaking(workshop_leader, "nl"))

    response = client.get(reverse("attendance:session_sheet", args=[session.pk]))

    assert response.status_code == 200
    found = pdf_accessibility(response.content)
    assert (found.lang, found.tagged, found.pdfua_part) == ("nl", True, "1")
    assert "Cuisine" in found.title


def test_the_right_of_access_file_is_tagged(client, social_worker):
    participant = ParticipantFactory(
        organisation=social_worker.organisation,
        social_worker=social_worker,
        first_name="Aïssata",
        last_name="Ouédraogo",
    )
    client.force_login(social_worker)

    response = client.get(reverse("participants:export_pdf", args=[participant.pk]))

    assert response.status_code == 200
    found = pdf_accessibility(response.content)
    assert (found.lang, found.tagged, found.structure, found.pdfua_part) == ("fr", True, True, "1")
    assert found.title.endswith("Aïssata Ouédraogo")


def test_the_participants_sheet_is_tagged_in_the_sheets_language(client, social_worker):
    participant = ParticipantFactory(
        organisation=social_worker.organisation,
        social_worker=social_worker,
        first_name="Awa",
        last_name="Diallo",
    )
    client.force_login(social_worker)

    response = client.get(
        reverse("participants:sheet_pdf", args=[participant.pk]), {"language": "nl"}
    )

    assert response.status_code == 200
    found = pdf_accessibility(response.content)
    assert (found.lang, found.tagged, found.structure, found.pdfua_part) == ("nl", True, True, "1")
    assert found.title.startswith("Mijn week · Awa Diallo · ")
