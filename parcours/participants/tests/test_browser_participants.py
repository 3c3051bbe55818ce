"""A social worker takes a new person in, finds them again and records an intervention,
in a real browser on a tablet-sized screen (fixtures in parcours/testing/browser.py)."""

import pytest
from django.db import connection
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.participants.models import Participant
from parcours.testing.browser import ARTIFACTS, expect, sign_in

pytestmark = pytest.mark.browser


def test_take_in_find_and_follow_up(page, browser_errors, live_server, social_worker):
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, social_worker.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    # Intake.
    page.goto(live_server.url + reverse("participants:participant_create"))
    form = page.locator("main form")
    form.locator("[name=reference]").fill("ER-2026-042")
    form.locator("[name=last_name]").fill("Ouédraogo")
    form.locator("[name=first_name]").fill("Aïssata")
    form.locator("[name=gender]").select_option("F")
    form.locator("[name=birth_date]").fill("1979-04-18")
    form.locator("[name=birth_country]").select_option("BF")
    form.locator("[name=french_level]").select_option("weak")
    form.locator("[name=language_course]").select_option("fle")
    form.locator("button[type=submit]").first.click()

    participant_url = live_server.url + reverse(
        "participants:participant_detail",
        args=[Participant.objects.get(reference="ER-2026-042").pk],
    )
    page.wait_for_url(participant_url)
    expect(page.locator("h1")).to_contain_text("OUÉDRAOGO Aïssata")
    assert browser_errors == []

    # Finding the person again, typed without accents: the results come in place (htmx).
    page.goto(live_server.url + reverse("participants:participant_list"))
    page.locator("[name=q]").fill("ouedraogo aissata")
    result = page.locator("#participant-results a", has_text="OUÉDRAOGO Aïssata")
    expect(result).to_be_visible()
    result.click()
    page.wait_for_url(participant_url)

    # An intervention, then back on the file.
    page.locator(".file-header a", has_text="intervention").first.click()
    form = page.locator("main form")
    form.locator("[name=duration_minutes]").fill("45")
    form.locator("[name=kind]").select_option("accompaniment")
    form.locator("[name=domains][value=administrative]").check()
    form.locator("[name=notes]").fill("Accompagnement à la commune pour la carte d'identité.")
    form.locator("button[type=submit]").click()

    page.wait_for_url(participant_url)
    expect(page.locator(".timeline")).to_contain_text("carte d'identité")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"participant-file-{connection.vendor}.png", full_page=True)
    assert browser_errors == []
