"""The coordinator opens the yearly report on a tablet, follows a count to the people
behind it, and closes a past year (fixtures in parcours/testing/browser.py)."""

import re

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.reporting.models import YearClosing
from parcours.reporting.tests.test_views import YEAR, build_year
from parcours.testing.browser import expect, sign_in

pytestmark = pytest.mark.browser


def test_report_drill_down_and_closing(page, browser_errors, live_server, coordinator):
    build_year(coordinator.organisation, people=6)
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    # The menu leads to the report of the current year; the form chooses the past one.
    menu_link = page.locator(f"#main-menu a[href='{reverse('reporting:report')}']")
    if not menu_link.is_visible():  # on a tablet the menu may be folded
        page.locator("[data-menu-toggle]").click()
    menu_link.click()
    page.wait_for_url(re.compile(re.escape(reverse("reporting:report"))))
    page.locator("input[name=year]").fill(str(YEAR))
    page.locator("form.report-filters button[type=submit]").click()
    page.wait_for_url(re.compile(f"year={YEAR}"))
    participants = page.locator('[data-cell="characteristics:participants:count"] a').first
    expect(participants).to_have_text("6")
    expect(page.locator("svg.bar-chart--outcomes")).to_be_visible()

    # Drill down: the list of the people behind the count.
    participants.click()
    page.wait_for_url(re.compile(re.escape(reverse("reporting:people"))))
    expect(page.locator("table.people-list tbody tr")).to_have_count(6)
    page.go_back()

    # Close the year, after reading what it means.
    page.locator(".report-close > summary").click()
    page.locator(".report-close form button[type=submit]").click()
    expect(page.locator(".report-closed")).to_be_visible()
    expect(page.locator(".message--success")).to_be_visible()
    closing = YearClosing.objects.in_force().get()
    assert closing.year == YEAR
    assert closing.closed_by == coordinator
    expect(page.locator(".report-closed")).to_contain_text(closing.definitions_version)
    assert not browser_errors, browser_errors
