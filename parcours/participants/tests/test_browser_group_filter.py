"""The group filter of the participant list is searched, not listed: typing, then
picking a result with the keyboard or the mouse, in a real browser (fixtures in
parcours/testing/browser.py)."""

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing.browser import ARTIFACTS, expect, sign_in

pytestmark = pytest.mark.browser


def test_typing_in_the_group_filter_and_picking_a_result(
    page, browser_errors, live_server, social_worker, organisation
):
    cooking = GroupFactory(organisation=organisation, name="Atelier cuisine")
    french = GroupFactory(organisation=organisation, name="Atelier français")
    for number in range(30):
        GroupFactory(organisation=organisation, name=f"Module {number}")
    cook = ParticipantFactory(organisation=organisation, last_name="Diallo", first_name="Awa")
    EnrolmentFactory(participant=cook, group=cooking, start_date=cooking.start_date)
    speaker = ParticipantFactory(organisation=organisation, last_name="Martin", first_name="Léa")
    EnrolmentFactory(participant=speaker, group=french, start_date=french.start_date)
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, social_worker.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    page.goto(live_server.url + reverse("participants:participant_list"))
    field = page.get_by_role("combobox", name="Groupe")
    field.fill("ATELIER")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    # The search is not a page of its own: the address stays the list's (the filter form
    # pushes its URL, and the search field must not inherit that).
    expect(page).to_have_url(live_server.url + reverse("participants:participant_list"))
    # The keyboard: down to the first result (the latest groups first, then by name).
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", f"id_group-option-{cooking.pk}")
    field.press("Enter")

    results = page.locator("#participant-results")
    expect(results).to_contain_text("DIALLO Awa")
    expect(results).not_to_contain_text("MARTIN Léa")
    expect(page).to_have_url(
        f"{live_server.url}/participants/?q=&group={cooking.pk}"
        "&process_type=&social_worker=&status=&sort=name"
    )
    expect(field).to_have_value(
        "Atelier cuisine · Remobilisation · 05/01/2026 \N{EN DASH} 30/10/2026"
    )

    # The mouse: another search, another pick.
    field.fill("franç")
    expect(page.get_by_role("listbox")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "participant-group-filter-open.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=ARTIFACTS / "participant-group-filter-desktop.png")
    page.get_by_role("listbox").get_by_role("option", name="Atelier français").click()
    expect(results).to_contain_text("MARTIN Léa")
    expect(results).not_to_contain_text("DIALLO Awa")
    page.screenshot(path=ARTIFACTS / "participant-group-filter.png", full_page=True)

    # Emptying the field drops the filter.
    field.fill("")
    expect(results).to_contain_text("DIALLO Awa")
    assert browser_errors == []
