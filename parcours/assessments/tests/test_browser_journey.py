"""A social worker runs the cycle in a real browser: enrol, assess at entry, middle and
end, see the journey's star chart, and extend into another group
(fixtures in parcours/testing/browser.py)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.core.domains import Domain
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import GroupFactory
from parcours.programme.models import Enrolment
from parcours.testing.browser import ARTIFACTS, expect, sign_in

pytestmark = pytest.mark.browser

ENTRY = dict.fromkeys(Domain.values, 2)
END = {**ENTRY, Domain.SOCIAL_CULTURAL: 4, Domain.HEALTH: 3}


def _assess(page, ratings, day):
    form = page.locator("main form.assessment-form")
    form.locator("[name=date]").fill(day)
    form.locator("[name=duration_minutes]").fill("75")
    for domain, rating in ratings.items():
        form.locator(f"input[name=rating_{domain}][value='{rating}']").check()
    with page.expect_navigation():
        form.locator("button[type=submit]", has_text="").first.click()


def test_enrol_assess_and_extend(page, browser_errors, live_server, social_worker):
    organisation = social_worker.organisation
    group = GroupFactory(
        organisation=organisation,
        name="Remobilisation 2026-A",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 10, 30),
    )
    next_group = GroupFactory(
        organisation=organisation,
        name="Remobilisation 2026-B",
        start_date=datetime.date(2026, 11, 2),
        end_date=datetime.date(2027, 8, 31),
    )
    participant = ParticipantFactory(
        organisation=organisation,
        last_name="Haddad",
        first_name="Karim",
        social_worker=social_worker,
    )
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, social_worker.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    # Enrol from the group page, while the group runs (nobody joins an ended group).
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)):
        page.goto(live_server.url + reverse("programme:enrolment_create", args=[group.pk]))
        form = page.locator("main form")
        # The person is searched by name, then picked.
        form.locator("#id_participant").fill(participant.last_name)
        form.get_by_role("listbox").get_by_role(
            "option", name=participant.last_name.upper()
        ).click()
        form.locator("[name=start_date]").fill("2026-01-05")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    enrolment = Enrolment.objects.get(participant=participant, group=group)
    assert browser_errors == []

    # Entry, middle and end assessments, at the table with the person.
    for moment, ratings, day in [
        ("entry", ENTRY, "2026-01-06"),
        ("middle", ENTRY, "2026-05-29"),
        ("end", END, "2026-10-28"),
    ]:
        page.goto(
            live_server.url + reverse("assessments:assessment_edit", args=[enrolment.pk, moment])
        )
        _assess(page, ratings, day)
        assert browser_errors == []
    assert enrolment.assessments.count() == 3

    # The file shows the journey as a star chart and a table of changes.
    file_url = live_server.url + reverse("participants:participant_detail", args=[participant.pk])
    page.goto(file_url)
    expect(page.locator("svg[role=img]").first).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"journey-{connection.vendor}.png", full_page=True)

    # Exit with an extension: one act closes this enrolment and opens the next one.
    page.goto(live_server.url + reverse("programme:enrolment_extend", args=[enrolment.pk]))
    form = page.locator("main form")
    form.locator("[name=exit_date]").fill("2026-10-30")
    form.locator("#id_next_group").fill(next_group.name)
    form.get_by_role("listbox").get_by_role("option", name=next_group.name).click()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    enrolment.refresh_from_db()
    assert (enrolment.exit_date, enrolment.outcome) == (datetime.date(2026, 10, 30), "extension")
    assert Enrolment.objects.filter(participant=participant, group=next_group).exists()
    page.goto(file_url)
    expect(page.locator("main")).to_contain_text("Remobilisation 2026-B")
    assert browser_errors == []
