"""The sign-in flow in a real browser (fixtures in parcours/testing/browser.py).

Every step also checks that the browser reported no error: the pages run under a
strict Content-Security-Policy, and a violation only shows in the console.
"""

import re

import pytest
from django.db import connection
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.testing.browser import ARTIFACTS, expect, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_then_switch_to_dutch(page, browser_errors, live_server, coordinator):
    dashboard_url = live_server.url + reverse("dashboard:home")
    page.goto(live_server.url + reverse("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main form input[name=username]")).to_be_visible()
    assert browser_errors == []

    sign_in(page, coordinator.username, TEST_PASSWORD)

    # The dashboard greets the person by name, in French.
    page.wait_for_url(dashboard_url)
    expect(page.locator("h1")).to_contain_text(coordinator.first_name)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"dashboard-{connection.vendor}.png", full_page=True)
    assert browser_errors == []

    # On a tablet the menu is folded: open it to reach the language choice. The
    # script hides the "Change" button and sends the form when the choice changes.
    page.locator("[data-menu-toggle]").click()
    select = page.locator("#language-select")
    expect(select).to_be_visible()
    expect(page.locator(".language-form [data-autosubmit-button]")).to_have_class(
        re.compile(r"\bvisually-hidden\b")
    )
    with page.expect_navigation():
        select.select_option("nl")

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_url(dashboard_url)
    expect(page.locator("#language-select")).to_have_value("nl")
    coordinator.refresh_from_db()
    assert coordinator.language == "nl"
    assert browser_errors == []


def test_wrong_password_shows_the_form_again(page, browser_errors, live_server, coordinator):
    login_url = live_server.url + reverse("accounts:login")
    page.goto(login_url)

    sign_in(page, coordinator.username, "not-the-password")

    expect(page.locator("main form [role=alert]")).to_be_visible()
    expect(page.locator("main form input[name=username]")).to_have_value(coordinator.username)
    expect(page.locator("main form input[name=password]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(login_url)
    # Not signed in: the menu of signed-in people is absent.
    expect(page.locator("#main-menu")).to_have_count(0)
    assert browser_errors == []
