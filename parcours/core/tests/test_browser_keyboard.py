"""The main tasks done with the keyboard only, on a tablet-sized screen: taking a person
in, an assessment, the self-assessment on the tablet, taking attendance, the yearly report
(fixtures in parcours/testing/browser.py).

Tab moves the focus, Enter and Space act, the fields are typed in; inside a group of radio
buttons the arrow keys move the choice, as browsers make every radio group work. Every stop
of the focus must show it, and the focus must reach what it is sent to (``tab_to``): nothing
traps it on the way, down to the last link of the page.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.factories import TEST_PASSWORD
from parcours.assessments.enums import Moment
from parcours.assessments.models import Assessment, SelfRating
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.tests.test_views import YEAR, build_year
from parcours.testing.browser import expect, tab_to
from parcours.workshops.factories import SessionFactory
from parcours.workshops.models import Session

pytestmark = pytest.mark.browser

LAST_LINK = f"footer a[href='{reverse('dashboard:accessibility')}']"


def _press_and_wait(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)


def _sign_in(page, live_server, user):
    page.goto(live_server.url + reverse("accounts:login"))
    tab_to(page, "input[name=username]")
    page.keyboard.type(user.username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(TEST_PASSWORD)
    _press_and_wait(page, "Enter")
    expect(page).to_have_url(live_server.url + reverse("dashboard:home"))


def _open_from_menu(page, url_name):
    """The menu is folded on a tablet: open it, then follow one of its links."""
    tab_to(page, "[data-menu-toggle]")
    page.keyboard.press("Enter")
    tab_to(page, f"#main-menu a[href='{reverse(url_name)}']")
    _press_and_wait(page, "Enter")


def _type_date(page, day: datetime.date):
    """Type a date in the focused date field, its parts in the order the browser's
    language shows them."""
    order = page.evaluate(
        """() => new Intl.DateTimeFormat(undefined, {day: "2-digit", month: "2-digit",
            year: "numeric"}).formatToParts(new Date(2000, 10, 22))
            .filter((part) => part.type !== "literal").map((part) => part.type)"""
    )
    parts = {"day": f"{day:%d}", "month": f"{day:%m}", "year": f"{day:%Y}"}
    page.keyboard.type("".join(parts[part] for part in order))


def test_intake(page, browser_errors, live_server, social_worker):
    _sign_in(page, live_server, social_worker)
    _open_from_menu(page, "participants:participant_list")
    tab_to(page, f"main a[href='{reverse('participants:participant_create')}']")
    _press_and_wait(page, "Enter")

    tab_to(page, "[name=reference]")
    page.keyboard.type("ER-2026-042")
    tab_to(page, "[name=last_name]")
    page.keyboard.type("Ouédraogo")
    tab_to(page, "[name=first_name]")
    page.keyboard.type("Aïssata")
    tab_to(page, "select[name=gender]")
    # A closed list chooses the option whose label starts with what is typed.
    page.keyboard.type(page.locator("select[name=gender] option[value=F]").inner_text()[:3])
    tab_to(page, "[name=birth_date]")
    _type_date(page, datetime.date(1979, 4, 18))
    expect(page.locator("[name=birth_date]")).to_have_value("1979-04-18")
    tab_to(page, "main form button[type=submit]")
    _press_and_wait(page, "Enter")

    participant = Participant.objects.get(reference="ER-2026-042")
    expect(page).to_have_url(
        live_server.url + reverse("participants:participant_detail", args=[participant.pk])
    )
    assert (participant.last_name, participant.first_name) == ("Ouédraogo", "Aïssata")
    assert (participant.gender, participant.birth_date) == ("F", datetime.date(1979, 4, 18))
    tab_to(page, LAST_LINK)
    assert browser_errors == []


def test_assessment(page, browser_errors, live_server, social_worker):
    today = timezone.localdate()
    participant = ParticipantFactory(
        organisation=social_worker.organisation, social_worker=social_worker, last_name="Haddad"
    )
    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        group__start_date=today - datetime.timedelta(days=7),
        group__end_date=today + datetime.timedelta(days=300),
        participant=participant,
    )
    ratings = {domain: 1 + index % 5 for index, domain in enumerate(Domain.values)}
    _sign_in(page, live_server, social_worker)
    _open_from_menu(page, "participants:participant_list")
    tab_to(
        page, f"main a[href='{reverse('participants:participant_detail', args=[participant.pk])}']"
    )
    _press_and_wait(page, "Enter")
    tab_to(
        page,
        f"main a[href='{reverse('assessments:assessment_edit', args=[enrolment.pk, 'entry'])}']",
    )
    _press_and_wait(page, "Enter")

    tab_to(page, "[name=date]")
    _type_date(page, today)
    tab_to(page, "[name=duration_minutes]")
    page.keyboard.type("75")
    for domain, rating in ratings.items():
        # Nothing chosen yet: Tab stops on the group's first choice, 1, Space chooses it
        # and the arrows move the choice on.
        tab_to(page, f"input[name=rating_{domain}]")
        page.keyboard.press("Space")
        for _ in range(rating - 1):
            page.keyboard.press("ArrowRight")
        expect(page.locator(f"input[name=rating_{domain}][value='{rating}']")).to_be_checked()
    tab_to(page, "button.save-bar__save")
    _press_and_wait(page, "Enter")

    assessment = Assessment.objects.get(enrolment=enrolment, moment=Moment.ENTRY)
    assert assessment.date == today
    assert assessment.duration_minutes == 75
    assert {row.domain: row.rating for row in assessment.ratings.all()} == ratings
    tab_to(page, LAST_LINK)
    assert browser_errors == []


def test_self_assessment(page, browser_errors, live_server, social_worker):
    """From the assessment page to the kiosk and back: the first domain answered, the
    second skipped, the others answered, the star chart, then the staff member's
    password. The kiosk's answers are buttons (one press answers and goes on), not radio
    buttons: Enter or Space, no arrows."""
    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
        participant__first_name="Awa",
    )
    assessment_url = reverse("assessments:assessment_edit", args=[enrolment.pk, "entry"])
    first, second, *others = Domain.values
    _sign_in(page, live_server, social_worker)
    page.goto(live_server.url + assessment_url)

    tab_to(page, "form.kiosk-start button[type=submit]")
    _press_and_wait(page, "Enter")
    expect(page).to_have_url(live_server.url + reverse("assessments:kiosk_welcome"))
    tab_to(page, "a.kiosk-button--go")
    _press_and_wait(page, "Enter")

    tab_to(page, "button[name=answer][value='4']")
    _press_and_wait(page, "Enter")
    expect(page).to_have_url(live_server.url + reverse("assessments:kiosk_question", args=[second]))
    tab_to(page, "button[name=answer][value=skip]")
    _press_and_wait(page, "Space")
    for domain in others:
        expect(page).to_have_url(
            live_server.url + reverse("assessments:kiosk_question", args=[domain])
        )
        tab_to(page, "button[name=answer][value='2']")
        _press_and_wait(page, "Space")

    expect(page).to_have_url(live_server.url + reverse("assessments:kiosk_done"))
    expect(page.locator(".kiosk-chart svg[role=img]")).to_be_visible()
    # Down the list of answers to the last one, past the end of the page, and back to the
    # staff button at the top.
    last = reverse("assessments:kiosk_question", args=[others[-1]])
    tab_to(page, f"a.kiosk-summary__row[href='{last}']")
    tab_to(page, "a.kiosk-staff")
    _press_and_wait(page, "Enter")
    tab_to(page, "#kiosk-password")
    page.keyboard.type(TEST_PASSWORD)
    _press_and_wait(page, "Enter")

    expect(page).to_have_url(live_server.url + assessment_url)
    stored = dict(
        SelfRating.objects.filter(self_assessment__enrolment=enrolment).values_list(
            "domain", "rating"
        )
    )
    assert stored == {first: 4, second: None} | dict.fromkeys(others, 2)
    tab_to(page, LAST_LINK)
    assert browser_errors == []


def test_attendance(page, browser_errors, live_server, workshop_leader):
    organisation = workshop_leader.organisation
    today = timezone.localdate()
    group = GroupFactory(
        organisation=organisation,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=300),
    )
    first = EnrolmentFactory(group=group, participant__last_name="Aubry").participant
    second = EnrolmentFactory(group=group, participant__last_name="Bertrand").participant
    session = SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=today
    )
    _sign_in(page, live_server, workshop_leader)
    _open_from_menu(page, "attendance:register_list")
    tab_to(page, f"main a[href='{reverse('attendance:register', args=[session.pk])}']")
    _press_and_wait(page, "Enter")

    # Space marks the first choice, present; the arrow moves on to the next one, late.
    # Each mark is saved at once and the row drawn again: the focus stays on the choice.
    for person, key, status in [(first, "Space", "present"), (second, "ArrowRight", "late")]:
        tab_to(page, f"#register-row-{person.pk} input")
        with page.expect_response(re.compile("/mark/")):
            page.keyboard.press(key)
        choice = page.locator(f"#register-row-{person.pk} input[value={status}]")
        expect(choice).to_be_checked()
        expect(choice).to_be_focused()
        assert Attendance.objects.get(session=session, participant=person).status == status
    tab_to(page, f"form[action='{reverse('attendance:validate', args=[session.pk])}'] button")
    _press_and_wait(page, "Enter")
    # The summary asks for a confirmation before the register is locked.
    tab_to(page, "button[data-register-confirm]")
    _press_and_wait(page, "Enter")

    session = Session.objects.get(pk=session.pk)
    assert session.register_validated_by == workshop_leader
    tab_to(page, LAST_LINK)
    assert browser_errors == []


def test_yearly_report(page, browser_errors, live_server, coordinator):
    build_year(coordinator.organisation, people=6)
    _sign_in(page, live_server, coordinator)
    _open_from_menu(page, "reporting:report")

    tab_to(page, "form.report-filters input[name=year]")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(str(YEAR))
    _press_and_wait(page, "Enter")
    expect(page).to_have_url(re.compile(f"year={YEAR}"))
    # From a count of the report to the people behind it.
    tab_to(page, '[data-cell="characteristics:participants:count"] a')
    _press_and_wait(page, "Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("reporting:people"))))
    expect(page.locator("table.people-list tbody tr")).to_have_count(6)
    tab_to(page, LAST_LINK)
    assert browser_errors == []


def test_language_choice(page, browser_errors, live_server):
    """With the arrows, the list changes without leaving the page; the button sends it."""
    page.goto(live_server.url + reverse("accounts:login"))
    select = page.locator("#language-select")
    button = page.locator(".language-form [data-autosubmit-button]")
    expect(button).to_have_class(re.compile(r"\bvisually-hidden\b"))
    tab_to(page, "#language-select")
    page.keyboard.press("ArrowDown")

    expect(select).to_have_value("nl")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(button).to_be_visible()
    tab_to(page, ".language-form [data-autosubmit-button]")
    _press_and_wait(page, "Enter")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert browser_errors == []
