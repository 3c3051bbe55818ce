"""A workshop leader takes a register on a tablet: each tap is saved at once, and a mark
made without a connection waits in the browser and is sent when it comes back
(fixtures in parcours/testing/browser.py)."""

import datetime

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.attendance.models import Attendance
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing.browser import expect, sign_in
from parcours.workshops.factories import SessionFactory

pytestmark = pytest.mark.browser


def _status(person):
    row = Attendance.objects.filter(participant=person).first()
    return row.status if row else None


def test_taps_are_saved_and_offline_marks_wait(page, browser_errors, live_server, workshop_leader):
    organisation = workshop_leader.organisation
    group = GroupFactory(organisation=organisation, start_date=datetime.date(2026, 1, 5))
    person = EnrolmentFactory(group=group, participant__last_name="Haddad").participant
    other = EnrolmentFactory(group=group, participant__last_name="Janssens").participant
    session = SessionFactory(
        organisation=organisation,
        groups=[group],
        leader=workshop_leader,
        date=datetime.date(2026, 3, 3),
    )
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, workshop_leader.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))
    page.goto(live_server.url + reverse("attendance:register", args=[session.pk]))
    expect(page.locator("script[src$='js/attendance.js']")).to_have_count(1)
    row = page.locator(f"#register-row-{person.pk}")

    with page.expect_response(lambda r: "/mark/" in r.url):
        row.locator(".mark-button--late").click()
    expect(page.locator(f"#register-row-{person.pk} input[value=late]")).to_be_checked()
    assert _status(person) == "late"
    assert not browser_errors, browser_errors

    unmarked = page.locator("[data-register-unmarked]")
    expect(unmarked).to_contain_text("1 personne n")

    page.context.set_offline(True)
    page.locator(f"#register-row-{person.pk} .mark-button--absent").click()
    page.locator(f"#register-row-{other.pk} .mark-button--present").click()
    pending = page.locator("[data-attendance-pending]")
    expect(pending).to_be_visible()
    expect(pending).to_contain_text("2")
    expect(unmarked).to_contain_text("1 personne n")
    assert _status(person) == "late"

    page.context.set_offline(False)
    expect(pending).to_be_hidden(timeout=10000)
    assert _status(person) == "absent"
    expect(page.locator(f"#register-row-{person.pk} input[value=absent]")).to_be_checked()
    assert _status(other) == "present"
    # The queued marks also bring the count of the people left to mark up to date.
    expect(unmarked).to_contain_text("Tout le monde est encodé")
    # Offline, htmx and Chromium report the failed request; nothing else may go wrong.
    unexpected = [
        e
        for e in browser_errors
        if "sendError" not in e and "afterRequest" not in e and "ERR_INTERNET" not in e
    ]
    assert not unexpected, unexpected
