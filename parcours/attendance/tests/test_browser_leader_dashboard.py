"""On a tablet, a workshop leader signs in onto today's sessions and opens the register
of the first one with one tap."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.factories import TEST_PASSWORD
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing.browser import expect, sign_in
from parcours.workshops.factories import SessionFactory, WorkshopFactory

pytestmark = pytest.mark.browser


def test_the_leader_opens_todays_register_from_the_dashboard(
    page, browser_errors, live_server, workshop_leader
):
    # The real today: the live server reads the clock of the machine.
    today = timezone.localdate()
    organisation = workshop_leader.organisation
    group = GroupFactory(
        organisation=organisation,
        name="Remobilisation B",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
    )
    EnrolmentFactory(group=group, participant__last_name="Haddad")
    later = SessionFactory(
        organisation=organisation,
        groups=[group],
        leader=workshop_leader,
        workshop=WorkshopFactory(organisation=organisation, name="Atelier santé"),
        date=today,
        start_time=datetime.time(13, 30),
        end_time=datetime.time(16, 0),
    )
    first = SessionFactory(
        organisation=organisation,
        groups=[group],
        leader=workshop_leader,
        workshop=WorkshopFactory(organisation=organisation, name="Atelier citoyen"),
        date=today,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
        room="Salle 2",
    )
    SessionFactory(
        organisation=organisation,
        groups=[group],
        leader=workshop_leader,
        date=today - datetime.timedelta(days=1),
    )

    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, workshop_leader.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    main = page.locator("main")
    expect(main.locator("h2").first).to_have_text(
        "Séances d\N{RIGHT SINGLE QUOTATION MARK}aujourd\N{RIGHT SINGLE QUOTATION MARK}hui"
    )
    today_items = page.locator("[aria-labelledby=today-title] .session-list__item")
    expect(today_items).to_have_count(2)
    expect(today_items.first).to_contain_text("09:00-12:00 · Atelier citoyen")
    expect(today_items.first).to_contain_text("Remobilisation B · Salle 2")
    expect(today_items.nth(1)).to_contain_text("Atelier santé")
    expect(page.locator("[aria-labelledby=open-title] .session-list__item")).to_have_count(1)

    today_items.first.get_by_role("link", name="Prendre les présences").click()

    page.wait_for_url(live_server.url + reverse("attendance:register", args=[first.pk]))
    expect(page.locator("main")).to_contain_text("HADDAD")
    assert later.pk != first.pk
    assert not browser_errors, browser_errors
