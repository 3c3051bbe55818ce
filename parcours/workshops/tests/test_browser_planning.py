"""The coordinator plans a weekly workshop for two groups in a real browser, then
prints a session's attendance sheet (fixtures in parcours/testing/browser.py)."""

import datetime

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.programme.factories import GroupFactory
from parcours.testing.browser import ARTIFACTS, expect, sign_in
from parcours.workshops.factories import SessionFactory, WorkshopFactory
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
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

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


def test_a_clash_is_shown_before_saving_then_saved_anyway(
    page, browser_errors, live_server, coordinator
):
    organisation = coordinator.organisation
    group = GroupFactory(
        organisation=organisation,
        name="Remobilisation C",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 12, 18),
    )
    other = SessionFactory(
        organisation=organisation,
        workshop=WorkshopFactory(organisation=organisation, name="Atelier cuisine"),
        groups=[group],
        date=datetime.date(2026, 3, 3),
        room="Salle 2",
    )
    workshop = WorkshopFactory(organisation=organisation, name="Écriture")
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    page.goto(live_server.url + reverse("workshops:session_create"))
    form = page.locator("main form")
    form.locator("[name=workshop]").select_option(str(workshop.pk))
    form.locator("[name=date]").fill("2026-03-03")
    form.locator("[name=start_time]").fill("14:00")
    form.locator("[name=end_time]").fill("15:00")
    form.get_by_role("combobox", name="Groupes").fill("C")
    form.get_by_role("listbox").get_by_role("option", name=group.name, exact=False).click()
    form.locator("[name=leader]").select_option(str(coordinator.pk))
    form.locator("[name=room]").fill("salle 2")
    with page.expect_navigation():
        form.get_by_role("button", name="Planifier la séance").click()

    # Nothing saved yet: the clashes, and the choice to save anyway.
    clashes = page.get_by_role("alert").filter(has_text="Conflit avec d\u2019autres séances")
    expect(clashes).to_contain_text("Atelier cuisine")
    expect(clashes).to_contain_text("même local")
    expect(clashes).to_contain_text("même groupe")
    expect(clashes).to_contain_text("Remobilisation C")
    assert not Session.objects.filter(workshop=workshop).exists()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "session-form-clashes.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer quand même").click()
    session = Session.objects.get(workshop=workshop)
    assert page.url == live_server.url + reverse("workshops:session_detail", args=[session.pk])
    # The session's page says what it overlaps; no warning message after saving.
    expect(page.locator(".message--warning")).to_contain_text(str(other))
    assert browser_errors == []
