"""The self-assessment on a tablet, in a real browser: the social worker hands the tablet
over from the assessment page, the participant answers the seven domains (one skipped)
and sees their star chart, the kiosk holds when another address is typed, and the
social worker's password brings the staff page back (fixtures in
parcours/testing/browser.py). The screens are saved in test-artifacts/, with the
words each one holds and how long the flow took the browser (docs/self-assessment.md)."""

import json
import time

import pytest
from django.db import connection
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.assessments.models import SelfRating
from parcours.core.domains import Domain
from parcours.programme.factories import EnrolmentFactory
from parcours.testing.browser import ARTIFACTS, TABLET, expect, sign_in

pytestmark = pytest.mark.browser

ANSWERS = {
    Domain.ADMINISTRATIVE: "3",
    Domain.FAMILY: "4",
    Domain.SOCIAL_CULTURAL: "2",
    Domain.HOUSING: "skip",
    Domain.FINANCIAL: "2",
    Domain.HEALTH: "3",
    Domain.EMPLOYMENT_TRAINING: "4",
}


def _words(page) -> int:
    """The words read out on the screen (what "Listen" says)."""
    texts = page.locator("[data-say]:visible").all_inner_texts()
    return sum(len(text.split()) for text in texts)


def _shot(page, name):
    page.screenshot(path=ARTIFACTS / f"kiosk-{name}-{connection.vendor}.png", full_page=True)


def test_self_assessment_on_the_tablet(page, browser_errors, live_server, social_worker):
    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
        participant__first_name="Awa",
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, social_worker.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))
    assessment_url = live_server.url + reverse(
        "assessments:assessment_edit", args=[enrolment.pk, "entry"]
    )
    page.goto(assessment_url)

    # The social worker hands the tablet over.
    with page.expect_navigation():
        page.locator("form.kiosk-start button[type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("assessments:kiosk_welcome"))
    expect(page.locator("#main-menu")).to_have_count(0)
    listen = page.locator("[data-listen]")
    expect(listen).to_be_visible()  # the browser can speak: the button shows
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    _shot(page, "welcome")
    words = {"welcome": _words(page)}

    # The participant answers, one domain a screen; one tap answers and goes on.
    started = time.monotonic()
    with page.expect_navigation():
        page.locator("main a.kiosk-button--go").click()
    for number, (domain, answer) in enumerate(ANSWERS.items(), start=1):
        expect(page).to_have_url(
            live_server.url + reverse("assessments:kiosk_question", args=[domain])
        )
        expect(page.locator(".kiosk-step")).to_contain_text(f"{number}")
        words[domain] = _words(page)
        if number == 1:
            _shot(page, "question")
            page.set_viewport_size({"width": TABLET["height"], "height": TABLET["width"]})
            _shot(page, "question-landscape")
            page.set_viewport_size(TABLET)
            listen.click()  # read aloud, then stopped
            listen.click()
        with page.expect_navigation():
            page.locator(f"button[name=answer][value='{answer}']").click()
    elapsed = time.monotonic() - started

    # Their own star chart.
    expect(page).to_have_url(live_server.url + reverse("assessments:kiosk_done"))
    expect(page.locator(".kiosk-chart svg[role=img]")).to_be_visible()
    expect(page.locator(".kiosk-summary__row")).to_have_count(7)
    words["done"] = _words(page)
    _shot(page, "done")

    # Another address leads back to the kiosk.
    page.goto(live_server.url + reverse("dashboard:home"))
    expect(page).to_have_url(live_server.url + reverse("assessments:kiosk_done"))

    # The social worker's password, after a wrong one, brings the staff page back.
    with page.expect_navigation():
        page.locator("a.kiosk-staff").click()
    page.locator("#kiosk-password").fill("not the password")
    with page.expect_navigation():
        page.locator(".kiosk-unlock__form button[type=submit]").click()
    expect(page.locator(".kiosk-unlock__error")).to_be_visible()
    _shot(page, "unlock")
    page.locator("#kiosk-password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator(".kiosk-unlock__form button[type=submit]").click()
    expect(page).to_have_url(assessment_url)
    expect(page.locator(".self-assessment svg[role=img]")).to_be_visible()
    _shot(page, "staff")

    stored = dict(
        SelfRating.objects.filter(self_assessment__enrolment=enrolment).values_list(
            "domain", "rating"
        )
    )
    assert stored == {
        domain: None if answer == "skip" else int(answer) for domain, answer in ANSWERS.items()
    }
    assert browser_errors == []
    (ARTIFACTS / f"kiosk-timing-{connection.vendor}.json").write_text(
        json.dumps({"browser_seconds": round(elapsed, 2), "words": words}, indent=2)
    )
