"""A social worker prints a participant's sheet in Dutch, in a real browser: the page runs
under the CSP without an error, and printing leaves only the sheet."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.assessments.factories import ActionFactory
from parcours.programme.factories import EnrolmentFactory
from parcours.testing.browser import ARTIFACTS, expect, sign_in
from parcours.workshops.factories import SessionFactory, WorkshopFactory

pytestmark = pytest.mark.browser


def test_print_a_sheet_in_dutch(page, browser_errors, live_server, social_worker):
    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )
    SessionFactory(
        organisation=social_worker.organisation,
        workshop=WorkshopFactory(organisation=social_worker.organisation, name="Atelier santé"),
        date=datetime.date(2026, 3, 10),
        room="Salle 2",
        leader=social_worker,
        groups=[enrolment.group],
    )
    ActionFactory(enrolment=enrolment, own_words="Ik zoek een woning.")
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, social_worker.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    page.goto(
        live_server.url
        + reverse("participants:participant_detail", args=[enrolment.participant_id])
    )
    page.locator(".file-header a", has_text="Fiche du participant").click()
    form = page.locator("form.sheet-tools")
    form.locator("[name=language]").select_option("nl")
    form.locator("[name=day]").fill("2026-03-11")
    form.locator("button[type=submit]").click()

    sheet = page.locator("article.sheet")
    expect(sheet.locator("h1")).to_have_text("Mijn week")
    expect(sheet).to_have_attribute("lang", "nl")
    expect(sheet).to_contain_text("Dinsdag 10 maart")
    expect(sheet).to_contain_text("Ik zoek een woning.")
    expect(form.locator("[data-print]")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"participant-sheet-{connection.vendor}.png", full_page=True)

    page.emulate_media(media="print")
    expect(form).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(sheet).to_be_visible()
    page.screenshot(
        path=ARTIFACTS / f"participant-sheet-print-{connection.vendor}.png", full_page=True
    )
    assert browser_errors == []
