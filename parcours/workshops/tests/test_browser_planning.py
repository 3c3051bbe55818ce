"""The coordinator plans a weekly workshop for two groups in a real browser, then
prints a session's attendance sheet (fixtures in parcours/core/browser_fixtures.py)."""

import datetime

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.core.browser_fixtures import ARTIFACTS, expect, sign_in
from parcours.programme.factories import GroupFactory
from parcours.workshops.factories import WorkshopFactory
from parcours.workshops.models import Session

pytestmark = pytest.mark.browser


def test_plan_a_term_for_two_groups_and_print_a_sheet(
    page, browser_errors, live_server, coordinator, workshop_leader
):
    organisation = coordinator.organisation
    groups = [
        GroupFactory(organisation=organisation, name=name, start_date=datetime.date(2026, 1, 5))
        for name in ("Remobilisation A", "Remobilisation B")
    ]
    workshop = WorkshopFactory(organisation=organisation, name="Atelier citoyen")
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("core:dashboard"))

    # Every Monday of April and May 2026, 13:30-16:30, for both groups.
    page.goto(live_server.url + reverse("workshops:series_plan"))
    form = page.locator("main form")
    form.locator("[name=workshop]").select_option(str(workshop.pk))
    form.locator("[name=weekday]").select_option("0")
    form.locator("[name=start_time]").fill("13:30")
    form.locator("[name=end_time]").fill("16:30")
    form.locator("[name=first_date]").fill("2026-04-01")
    form.locator("[name=last_date]").fill("2026-05-31")
    # The groups running in the period are searched for and added one after another.
    search = form.get_by_role("combobox", name="Groupes")
    for group in groups:
        search.fill(group.name[-1])
        form.get_by_role("listbox").get_by_role("option", name=group.name).click()
        expect(form.locator(f"[name=groups][value='{group.pk}']")).to_be_checked()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "series-form-groups.png", full_page=True)
    form.locator("[name=provider_kind]").select_option("team")
    form.locator("[name=leader]").select_option(str(workshop_leader.pk))
    with page.expect_navigation():
        form.get_by_role("button", name="Planifier les séances").click()

    # Easter Monday (6 April) and Whit Monday (25 May) are public holidays: skipped.
    dates = sorted(Session.objects.values_list("date", flat=True))
    assert datetime.date(2026, 4, 6) not in dates
    assert datetime.date(2026, 5, 25) not in dates
    assert len(dates) == 6  # eight Mondays, less the two holidays
    session = Session.objects.order_by("date").first()
    assert {group.pk for group in session.groups.all()} == {group.pk for group in groups}
    assert browser_errors == []

    # The session's page offers its attendance sheet, a real PDF.
    page.goto(live_server.url + reverse("workshops:session_detail", args=[session.pk]))
    sheet_link = page.locator(f"a[href='{reverse('attendance:session_sheet', args=[session.pk])}']")
    expect(sheet_link).to_be_visible()
    response = page.request.get(live_server.url + sheet_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert browser_errors == []
