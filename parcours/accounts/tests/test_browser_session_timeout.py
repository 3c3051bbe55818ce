"""The warning before the session closes for inactivity, in the browser (WCAG 2.2.1):
shown ahead of the limit, answered with the keyboard, and the session closed once the
limit has passed (accounts/_session_timeout.html, static/js/session_timeout.js).

The limits are a few seconds here (the settings the page is given its times from). The
tests wait for what the page shows, never for a duration: the warning coming back after
"Stay signed in" is what says that the first limit has passed.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.programme.factories import EnrolmentFactory
from parcours.testing import speaking
from parcours.testing.browser import axe_results, expect, load_axe, sign_in

pytestmark = pytest.mark.browser

# Longer than the few seconds of the limits below: the time the warning takes to come.
WAIT = 30_000
DASHBOARD_URL = reverse("dashboard:home")

# Whether the element with the focus shows it: an outline of 2 px at least.
FOCUS_SHOWN = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def _signed_in(page, live_server, user):
    page.goto(live_server.url + reverse("accounts:login"))
    with page.expect_navigation():
        sign_in(page, user.username, TEST_PASSWORD)
    expect(page).to_have_url(live_server.url + DASHBOARD_URL)


def test_the_warning_lets_a_keyboard_user_stay_signed_in_past_the_limit(
    page, live_server, social_worker, settings, browser_errors
):
    # The warning comes back a full period after "Stay signed in": when it does, the
    # limit the page was first given has passed (it must come at less than half the limit).
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=10)
    settings.SESSION_IDLE_WARNING = timedelta(seconds=4)
    load_axe(page)
    _signed_in(page, live_server, social_worker)
    page.goto(live_server.url + reverse("participants:participant_create"))
    page.locator("input[name=last_name]").fill("Haddad")
    field = page.locator("input[name=last_name]")
    field.focus()

    dialog = page.get_by_role("alertdialog", name="Votre session va bientôt se fermer")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog).to_have_accessible_description(
        "Sans activité, votre session se fermera dans 1 minute, pour protéger les données. "
        "Ce que vous n\u2019avez pas enregistré serait perdu."
    )
    stay = dialog.get_by_role("button", name="Rester connecté")
    expect(stay).to_be_focused()
    assert page.evaluate(FOCUS_SHOWN), "the focus does not show on the dialog's button"
    results = axe_results(page)
    assert results.blocking == [], "\n".join(map(str, results.blocking))

    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(field).to_be_focused()  # back where the person was

    expect(dialog).to_be_visible(timeout=WAIT)
    page.keyboard.press("Escape")  # "I am here": stays signed in too
    expect(dialog).to_be_hidden()
    expect(field).to_have_value("Haddad")

    page.goto(live_server.url + DASHBOARD_URL)
    expect(page).to_have_url(live_server.url + DASHBOARD_URL)
    assert browser_errors == []


def test_once_the_limit_has_passed_the_page_says_so_and_leads_to_sign_in(
    page, live_server, social_worker, settings, browser_errors
):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=4)
    settings.SESSION_IDLE_WARNING = timedelta(seconds=2)
    _signed_in(page, live_server, social_worker)

    closed = page.get_by_role("alertdialog", name="Votre session est fermée")
    expect(closed).to_be_visible(timeout=WAIT)
    again = closed.get_by_role("link", name="Se reconnecter")
    expect(again).to_be_focused()
    page.keyboard.press("Escape")  # nothing to go back to: the dialog stays
    expect(closed).to_be_visible()

    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + reverse("accounts:login") + "?next=/")
    expect(page.locator("main")).to_contain_text("Votre session a expiré.")
    assert browser_errors == []


def test_on_the_kiosk_the_participant_asks_for_more_time_in_their_words(
    page, live_server, social_worker, settings, browser_errors
):
    """docs/self-assessment.md §2: the participant holding the tablet is asked in their
    own language and easy words, and "I need more time" keeps the kiosk, still locked."""
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=10)
    settings.SESSION_IDLE_WARNING = timedelta(seconds=4)
    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )
    load_axe(page)
    # The kiosk starts in the staff member's language: Dutch here, the participant's too.
    _signed_in(page, live_server, speaking(social_worker, "nl"))
    page.goto(
        live_server.url + reverse("assessments:assessment_edit", args=[enrolment.pk, "entry"])
    )
    with page.expect_navigation():
        page.locator("form.kiosk-start button[type=submit]").click()

    dialog = page.get_by_role("alertdialog", name="Heb je meer tijd nodig?")
    expect(dialog).to_be_visible(timeout=WAIT)
    more_time = dialog.get_by_role("button", name="Ik heb meer tijd nodig")
    expect(more_time).to_be_focused()
    expect(dialog.get_by_role("button", name="Afmelden")).to_have_count(0)
    results = axe_results(page)
    assert results.blocking == [], "\n".join(map(str, results.blocking))

    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=WAIT)  # past the first limit
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    page.goto(live_server.url + DASHBOARD_URL)
    expect(page).to_have_url(live_server.url + reverse("assessments:kiosk_welcome"))
    assert browser_errors == []
