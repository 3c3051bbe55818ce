"""The social worker draws up a participant's individual project from their file, prints
it, records its signature, amends it and evaluates it, in a real browser on a tablet
(fixtures in parcours/testing/browser.py; the enrolment in conftest.py)."""

import re

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.projects.models import Evaluation, Project
from parcours.projects.tests.conftest import D
from parcours.testing import pdf_text
from parcours.testing.browser import expect, sign_in

pytestmark = pytest.mark.browser

PARTICIPANT_COMMITMENTS = "Suivre l'atelier cuisine du mardi et visiter deux logements."
CPAS_COMMITMENTS = "Accompagner Mme Diallo à l'agence immobilière sociale."
AMENDED_OBJECTIVES = "Logement, puis un cours de français langue étrangère."
AMENDMENT_REASON = "Mme Diallo souhaite apprendre le français."


def test_draw_up_print_sign_amend_and_evaluate(page, browser_errors, live_server, enrolment):
    social_worker = enrolment.participant.social_worker
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, social_worker.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    # From the participant's file to the enrolment's project, not drawn up yet.
    page.goto(
        live_server.url
        + reverse("participants:participant_detail", args=[enrolment.participant.pk])
    )
    detail = reverse("projects:project_detail", args=[enrolment.pk])
    page.locator(f"main a[href='{detail}']").click()
    page.wait_for_url(live_server.url + detail)
    page.locator(
        f"main a[href='{reverse('projects:project_create', args=[enrolment.pk])}']"
    ).click()

    # The objectives start from the entry assessment and the plan.
    form = page.locator("main form")
    objectives = form.locator("[name=objectives]")
    expect(objectives).to_have_value(re.compile("Logement humide"))
    expect(objectives).to_have_value(re.compile("S'inscrire à l'agence immobilière sociale"))
    expect(objectives).to_have_value(re.compile("Établir un budget mensuel"))
    form.locator("[name=participant_commitments]").fill(PARTICIPANT_COMMITMENTS)
    form.locator("[name=cpas_commitments]").fill(CPAS_COMMITMENTS)
    form.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + detail)

    project = Project.objects.get(enrolment=enrolment)
    first = project.versions.get()
    assert first.participant_commitments == PARTICIPANT_COMMITMENTS
    assert first.cpas_commitments == CPAS_COMMITMENTS
    assert "Logement humide" in first.objectives
    assert not first.is_signed
    expect(page.locator("main")).to_contain_text(CPAS_COMMITMENTS)

    # The document to sign, as the page links to it.
    pdf_url = reverse("projects:version_pdf", args=[project.pk, 1])
    response = page.request.get(
        page.locator(f"main a[href='{pdf_url}']").first.get_attribute("href")
    )
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.body()).split())
    assert "S'inscrire à l'agence immobilière sociale" in text
    assert PARTICIPANT_COMMITMENTS in text
    assert "Le participant" in text
    assert "Pour le CPAS, l\u2019assistant social" in text
    assert len(re.findall(r"\bSignature\b", text)) == 2

    # Signed on paper: the date and the place are recorded.
    sign_form = page.locator(
        f"main form[action='{reverse('projects:version_sign', args=[project.pk, 1])}']"
    )
    sign_form.locator("[name=signed_on]").fill("2026-06-12")
    sign_form.locator("[name=signed_at_place]").fill("Namur")
    sign_form.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + detail)
    expect(page.locator("main li[data-version='1']")).to_have_attribute(
        "data-signed-on", "2026-06-12"
    )
    expect(page.locator("[data-next-due]")).to_have_attribute("data-next-due", "2026-09-12")
    first.refresh_from_db()
    assert (first.signed_on, first.signed_at_place) == (D(2026, 6, 12), "Namur")

    # The signed project is amended: a version 2 to sign, version 1 as it was signed.
    page.locator(f"main a[href='{reverse('projects:project_edit', args=[project.pk])}']").click()
    form = page.locator("main form")
    # The browser sent the text with CRLF line ends; a textarea's value has LF ones.
    expect(form.locator("[name=objectives]")).to_have_value(first.objectives.replace("\r\n", "\n"))
    form.locator("[name=objectives]").fill(AMENDED_OBJECTIVES)
    form.locator("[name=amendment_reason]").fill(AMENDMENT_REASON)
    form.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + detail)
    expect(page.locator("main li[data-version]")).to_have_count(2)
    expect(page.locator("main li[data-version='1']")).to_have_attribute(
        "data-signed-on", "2026-06-12"
    )
    expect(page.locator("main li[data-version='2']")).to_have_attribute("data-signed-on", "")
    expect(page.locator("#objectives-title + p")).to_contain_text(AMENDMENT_REASON)
    expect(page.locator("main")).to_contain_text(AMENDED_OBJECTIVES)
    expect(
        page.locator(
            f"main form[action='{reverse('projects:version_sign', args=[project.pk, 2])}']"
        )
    ).to_be_visible()

    signed = project.versions.get(number=1)
    assert signed.objectives == first.objectives
    assert signed.participant_commitments == PARTICIPANT_COMMITMENTS
    assert (signed.signed_on, signed.signed_at_place, signed.version) == (
        first.signed_on,
        first.signed_at_place,
        first.version,
    )
    amendment = project.versions.get(number=2)
    assert (amendment.objectives, amendment.amendment_reason) == (
        AMENDED_OBJECTIVES,
        AMENDMENT_REASON,
    )
    assert not amendment.is_signed

    # An evaluation held today moves the next one on by the interval.
    evaluation_form = page.locator(
        f"main form[action='{reverse('projects:evaluation_create', args=[project.pk])}']"
    )
    expect(evaluation_form.locator("[name=date]")).to_have_value("2026-06-15")
    evaluation_form.locator("[name=outcome]").select_option("continue")
    evaluation_form.locator("[name=notes]").fill("Deux logements visités.")
    evaluation_form.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + detail)
    expect(page.locator("[data-next-due]")).to_have_attribute("data-next-due", "2026-09-15")
    expect(page.locator("#evaluations-title ~ .timeline")).to_contain_text(
        "Deux logements visités."
    )
    evaluation = Evaluation.objects.get(project=project)
    assert (evaluation.date, evaluation.outcome) == (D(2026, 6, 15), "continue")
    assert not browser_errors, browser_errors
