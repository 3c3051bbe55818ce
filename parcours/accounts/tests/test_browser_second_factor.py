"""Two-step sign-in in a real browser: set-up with the QR code's key, the recovery codes,
then a new sign-in asking for the app's code (fixtures in parcours/testing/browser.py).

The phone's app is played by django-otp's TOTP, fed with the key the page shows.
"""

import re
import time
from base64 import b32decode

import pytest
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP

from parcours.accounts.factories import TEST_PASSWORD
from parcours.testing.browser import ARTIFACTS, expect, sign_in

pytestmark = pytest.mark.browser


def app_code(key: bytes, *, later: int = 0) -> str:
    """The code the app shows now, or ``later`` seconds from now."""
    totp = TOTP(key)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def test_set_up_then_sign_in_with_the_app(page, browser_errors, live_server, settings, viewer):
    settings.MFA_REQUIRED = True
    dashboard_url = live_server.url + reverse("dashboard:home")
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, viewer.username, TEST_PASSWORD)

    # No device yet: the set-up, with the QR code drawn inline and the key to type.
    page.wait_for_url(f"{live_server.url}{reverse('accounts:second_factor_setup')}**")
    expect(page.locator("h1")).to_have_text("Configurer la connexion en deux étapes")
    expect(page.locator("svg.qr-code")).to_be_visible()
    expect(page.locator("#main-menu .nav")).to_have_count(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"second-factor-setup-{connection.vendor}.png", full_page=True)
    key = b32decode(page.locator("[data-secret]").inner_text().replace(" ", ""))
    page.locator("main form input[name=code]").fill(app_code(key))
    page.get_by_role("button", name="Confirmer").click()

    # The recovery codes, shown once, then on to the dashboard.
    codes = page.locator("[data-recovery-codes] li")
    expect(codes).to_have_count(10)
    expect(codes.first).to_have_text(re.compile(r"^[a-z2-7]{4}-[a-z2-7]{4}$"))
    page.get_by_role("link", name="Je les ai notés, continuer").click()
    page.wait_for_url(dashboard_url)
    expect(page.locator("h1")).to_contain_text(viewer.first_name)
    assert browser_errors == []

    # Sign out (on a tablet the menu is folded), and in again: the app's code is asked.
    page.locator("[data-menu-toggle]").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server.url}{reverse('accounts:login')}**")
    page.goto(dashboard_url)
    sign_in(page, viewer.username, TEST_PASSWORD)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:second_factor')}**")
    expect(page.locator("h1")).to_have_text("Connexion en deux étapes")
    # The code of the set-up is spent; the app's next one is accepted (one step ahead).
    page.locator("main form input[name=code]").fill(app_code(key, later=30))
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url(dashboard_url)
    expect(page.locator("h1")).to_contain_text(viewer.first_name)
    assert browser_errors == []
