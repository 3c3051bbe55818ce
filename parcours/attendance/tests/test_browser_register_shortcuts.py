"""A leader takes a register of 13 people, all there, on a phone and on a tablet: the
count follows the taps, "everyone present" marks the rest, and the validation shows its
summary before it locks. All present takes three taps (docs/register.md)."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.attendance.models import Attendance
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing.browser import ARTIFACTS, TABLET, expect, sign_in
from parcours.workshops.factories import SessionFactory
from parcours.workshops.models import Session

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PEOPLE = 13


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_a_register_of_thirteen_all_present_in_three_taps(
    device, page, browser_errors, live_server, workshop_leader
):
    page.set_viewport_size(PHONE if device == "phone" else TABLET)
    organisation = workshop_leader.organisation
    group = GroupFactory(organisation=organisation, start_date=datetime.date(2026, 1, 5))
    people = [
        EnrolmentFactory(group=group, start_date=datetime.date(2026, 1, 5)).participant
        for _ in range(PEOPLE)
    ]
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
    count = page.locator("[data-register-unmarked]")
    expect(count).to_contain_text("13 personnes")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"register-{device}-{connection.vendor}.png", full_page=True)

    # A mark tapped by hand (not counted below: the check of the live count).
    with page.expect_response(lambda r: "/mark/" in r.url):
        page.locator(f"#register-row-{people[0].pk} .mark-button--present").click()
    expect(count).to_contain_text("12 personnes")
    Attendance.objects.filter(session=session).delete()
    page.reload()
    expect(count).to_contain_text("13 personnes")

    taps = 0
    with page.expect_navigation():
        page.locator("[data-register-everyone-present]").click()
    taps += 1
    expect(page.locator("[data-register-unmarked]")).to_contain_text("Tout le monde est encodé")
    assert Attendance.objects.filter(session=session, status="present").count() == PEOPLE

    with page.expect_navigation():
        page.locator("[data-register-validate]").click()
    taps += 1
    summary = page.locator("[data-register-summary]")
    expect(summary.locator("[data-count=present]")).to_have_text("13")
    for status in ["late", "excused", "absent"]:
        expect(summary.locator(f"[data-count={status}]")).to_have_text("0")
    expect(summary.locator("[data-count=unmarked]")).to_have_count(0)
    page.screenshot(
        path=ARTIFACTS / f"register-confirm-{device}-{connection.vendor}.png", full_page=True
    )
    assert Session.objects.get(pk=session.pk).register_validated_at is None

    with page.expect_navigation():
        page.locator("[data-register-confirm]").click()
    taps += 1
    assert Session.objects.get(pk=session.pk).register_validated_by == workshop_leader
    expect(page.locator("[data-register-validate]")).to_have_count(0)
    assert taps == 3
    assert not browser_errors, browser_errors
