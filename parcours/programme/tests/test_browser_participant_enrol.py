"""From a candidate's file, a social worker enrols them in a group found by typing its
name, in a real browser (fixtures in parcours/testing/browser.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.factories import TEST_PASSWORD
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import GroupFactory
from parcours.programme.models import Enrolment
from parcours.testing.browser import ARTIFACTS, expect, sign_in

pytestmark = pytest.mark.browser


def test_enrolling_from_the_file_by_searching_the_group(
    page, browser_errors, live_server, social_worker, organisation
):
    today = timezone.localdate()
    running = GroupFactory(
        organisation=organisation,
        name="Remobilisation Hiver",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=150),
    )
    GroupFactory(
        organisation=organisation,
        name="Remobilisation Passée",
        start_date=today - datetime.timedelta(days=300),
        end_date=today - datetime.timedelta(days=10),
    )
    person = ParticipantFactory(organisation=organisation, last_name="Amrani", first_name="Fatima")
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, social_worker.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    page.goto(live_server.url + reverse("participants:participant_detail", args=[person.pk]))
    with page.expect_navigation():
        page.get_by_role("link", name="Inscrire dans un groupe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire dans un groupe")
    field = page.get_by_role("combobox", name="Groupe")
    field.fill("remobilisation")
    options = page.get_by_role("listbox").get_by_role("option")
    # The ended group is not offered.
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Remobilisation Hiver")
    options.first.click()
    page.screenshot(path=ARTIFACTS / "participant-enrol.png", full_page=True)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    enrolment = Enrolment.objects.get(participant=person)
    assert (enrolment.group, enrolment.start_date) == (running, today)
    expect(page.get_by_role("status").first).to_contain_text(
        "de AMRANI Fatima dans Remobilisation Hiver commence le"
    )
    assert browser_errors == []
