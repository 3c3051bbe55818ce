"""axe-core on the main pages, as each role sees them: no critical nor serious violation of
WCAG 2.1 A and AA (axe and the browser in parcours/testing/browser.py).

Each role's pages are visited in one browser, the folded menu opened. What axe finds on
every page, whatever its impact, its best practices and what it leaves to review by hand
included, is written to test-artifacts/axe-<role>.json (the counts of
docs/accessibility.md) before the test fails on the blocking ones, so that one run lists
them all.
"""

import datetime
import json
from collections import Counter
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts import services
from parcours.accounts.enums import Role
from parcours.accounts.factories import TEST_PASSWORD, UserFactory
from parcours.accounts.models import Federation
from parcours.assessments.factories import ActionFactory, AssessmentFactory, DomainRatingFactory
from parcours.attendance.services import attendance_mark
from parcours.core.domains import Domain
from parcours.participants.factories import InterventionFactory, ParticipantFactory
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.projects.factories import ProjectFactory
from parcours.reporting.tests.test_views import YEAR, build_year
from parcours.testing.browser import (
    ARTIFACTS,
    TABLET,
    axe_results,
    expect,
    load_axe,
    sign_in,
)
from parcours.workshops.factories import SessionFactory

pytestmark = pytest.mark.browser

DAY = datetime.timedelta(days=1)


def _programme(organisation, social_worker, workshop_leader):
    """Enough of a programme for every page to show what it is made for: last year's
    figures, a current group with a person assessed, an action, an intervention, a signed
    project, and today's session with a mark taken."""
    today = timezone.localdate()
    last_year = build_year(organisation, people=6)
    last_year.staff.add(workshop_leader)
    group = GroupFactory(
        organisation=organisation,
        name="Remobilisation A",
        start_date=today - 60 * DAY,
        end_date=today + 200 * DAY,
    )
    group.staff.add(workshop_leader)
    participant = ParticipantFactory(
        organisation=organisation,
        social_worker=social_worker,
        last_name="Haddad",
        first_name="Karim",
    )
    EnrolmentFactory(group=group, participant__organisation=organisation)
    enrolment = EnrolmentFactory(group=group, participant=participant)
    assessment = AssessmentFactory(enrolment=enrolment, author=social_worker)
    for index, domain in enumerate(Domain):
        DomainRatingFactory(assessment=assessment, domain=domain, rating=1 + index % 5)
    ActionFactory(enrolment=enrolment, due_date=today + 30 * DAY)
    InterventionFactory(participant=participant, author=social_worker, date=today - 3 * DAY)
    ProjectFactory(enrolment=enrolment, signed_on=group.start_date + 7 * DAY)
    session = SessionFactory(
        organisation=organisation, groups=[group], leader=workshop_leader, date=today
    )
    attendance_mark(session=session, participant=participant, status="present", by=workshop_leader)
    return SimpleNamespace(
        group=group,
        last_year=last_year,
        participant=participant,
        enrolment=enrolment,
        session=session,
        federation=organisation.federation,
    )


def _pages(role, data):
    """The main pages of each role: what its menu leads to, and the forms of its work."""
    participant = [data.participant.pk]
    enrolment = data.enrolment.pk
    group = [data.group.pk]
    session = [data.session.pk]
    signed_in = {
        "dashboard": reverse("dashboard:home"),
        "report": f"{reverse('reporting:report')}?year={YEAR}",
        "workshop hours": reverse("attendance:hours"),
        "funding": reverse("funding:grant_list"),
        "profile": reverse("accounts:profile"),
        "password change": reverse("accounts:password_change"),
        "downloads": reverse("downloads:list"),
        "accessibility statement": reverse("dashboard:accessibility"),
    }
    programme = {
        "participants": reverse("participants:participant_list"),
        "participant's sheet": reverse("participants:sheet", args=participant),
        # In a language other than the page around it (<article lang>).
        "participant's sheet in Dutch": reverse("participants:sheet", args=participant)
        + "?language=nl",
        "groups": reverse("programme:group_list"),
        "group": reverse("programme:group_detail", args=group),
        "group of last year": reverse("programme:group_detail", args=[data.last_year.pk]),
        "programme week": reverse("workshops:week"),
        "session": reverse("workshops:session_detail", args=session),
        "workshops": reverse("workshops:workshop_list"),
        "providers": reverse("workshops:provider_list"),
    }
    casework = {
        "intake": reverse("participants:participant_create"),
        "participant file": reverse("participants:participant_detail", args=participant),
        "participant profile": reverse("participants:participant_update", args=participant),
        "consent": reverse("participants:consent_create", args=participant),
        "intervention": reverse("participants:intervention_create", args=participant),
        "literacy test": reverse("participants:literacy_test_create", args=participant),
        "assessment": reverse("assessments:assessment_edit", args=[enrolment, "entry"]),
        "action": reverse("assessments:action_create", args=[enrolment]),
        "project": reverse("projects:project_detail", args=[enrolment]),
        "enrolment": reverse("programme:enrolment_create", args=group),
        "exit": reverse("programme:enrolment_exit", args=[enrolment]),
        "new group": reverse("programme:group_create"),
        "group settings": reverse("programme:group_update", args=group),
        "new session": reverse("workshops:session_create"),
        "weekly series": reverse("workshops:series_plan"),
        "people behind a figure": f"{reverse('reporting:people')}?year={YEAR}",
        "reminders": reverse("reminders:preferences"),
    }
    attendance = {
        "registers": reverse("attendance:register_list"),
        "register": reverse("attendance:register", args=session),
        "register summary": reverse("attendance:validate", args=session),
        "month grid": reverse("attendance:group_month", args=group),
    }
    if role == "coordinator":
        return {
            **signed_in,
            **programme,
            **casework,
            **attendance,
            "closing periods": reverse("workshops:closing_list"),
            "funders": reverse("funding:funder_list"),
            "users": reverse("accounts:user_list"),
            "new user": reverse("accounts:user_create"),
            "import and export": reverse("workbook:home"),
            "API tokens": reverse("api:token_list"),
            "new API token": reverse("api:token_create"),
            "audit trail": reverse("audit:event_list"),
            "messages sent": reverse("reminders:log"),
            "retention": reverse("privacy:queue"),
            "retention settings": reverse("privacy:retention"),
            "project settings": reverse("projects:interval_edit"),
            "federation": reverse("accounts:federation_manage", args=[data.federation.slug]),
        }
    if role == "social_worker":
        return {**signed_in, **programme, **casework}
    if role == "workshop_leader":
        return {**signed_in, **programme, **attendance}
    if role == "viewer":
        return signed_in
    if role == "analyst":
        return {
            "federation figures": reverse("reporting:federation"),
            "password change": reverse("accounts:password_change"),
            "accessibility statement": reverse("dashboard:accessibility"),
        }
    return {
        "sign-in": reverse("accounts:login"),
        "password reset": reverse("accounts:password_reset"),
        "accessibility statement": reverse("dashboard:accessibility"),
    }


def _elements_by_impact(violations) -> Counter:
    elements = Counter()
    for violation in violations:
        elements[violation.impact] += len(violation.targets)
    return elements


@pytest.fixture
def people(personas):
    organisation = personas["coordinator"].organisation
    organisation.federation = Federation.objects.create(name="Fédération du Sud", slug="sud")
    organisation.save(update_fields=["federation"])
    analyst = UserFactory(
        organisation=None,
        federation=organisation.federation,
        role=Role.FEDERATION_ANALYST,
        username="analyst",
    )
    return {**personas, "analyst": analyst, "anonymous": None}


def _open_menu(page):
    """On a tablet the menu is folded: open it, so that axe checks it too (a desktop
    screen has no Menu button: the menu is always shown)."""
    toggle = page.locator("[data-menu-toggle]")
    if toggle.count() and toggle.is_visible():
        toggle.click()


ROLES = ["coordinator", "social_worker", "workshop_leader", "viewer", "analyst", "anonymous"]
DESKTOP = {"width": 1366, "height": 900}
# The tablet on its side, as it often stands on a table for the self-assessment.
LANDSCAPE = {"width": 1180, "height": 820}


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_violation_on_the_main_pages(page, live_server, people, role):
    _check_main_pages(page, live_server, people, role, report=role)


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_violation_on_the_main_pages_at_desktop_width(page, live_server, people, role):
    """The same pages on a desktop screen, where the menu is a bar, never folded: what
    is checked is what a person at a desk sees, the menu not opened."""
    page.set_viewport_size(DESKTOP)
    _check_main_pages(page, live_server, people, role, report=f"desktop-{role}")


def _check_main_pages(page, live_server, people, role, *, report):
    data = _programme(
        people["coordinator"].organisation, people["social_worker"], people["workshop_leader"]
    )
    load_axe(page)
    user = people[role]
    if user is not None:
        page.goto(live_server.url + reverse("accounts:login"))
        with page.expect_navigation():
            sign_in(page, user.username, TEST_PASSWORD)

    found = {}
    for name, url in _pages(role, data).items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{name} ({url}): {response.status}"
        _open_menu(page)
        found[name] = (url, axe_results(page))

    _axe_report(report, found)
    assert _blocking(found) == [], "\n".join(_blocking(found))


def _axe_report(name: str, found: dict):
    """Write what axe found on each page to test-artifacts/axe-<name>.json."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(
            {
                page_name: {
                    "url": url,
                    "wcag": _elements_by_impact(v for v in results.violations if v.wcag),
                    "best_practice": _elements_by_impact(
                        v for v in results.violations if not v.wcag
                    ),
                    "found": sorted(
                        f"{v.impact} {v.rule} x{len(v.targets)}{'' if v.wcag else ' (bp)'}"
                        for v in results.violations
                    ),
                    "incomplete": results.incomplete,
                }
                for page_name, (url, results) in found.items()
            },
            indent=2,
        )
    )


def _blocking(found: dict) -> list[str]:
    return [
        f"{name}: {violation}"
        for name, (_url, results) in found.items()
        for violation in results.blocking
    ]


@pytest.mark.parametrize(
    ("language", "viewport", "report"),
    [
        ("fr", TABLET, "kiosk"),
        ("nl", TABLET, "kiosk-nl"),
        ("en", TABLET, "kiosk-en"),
        ("fr", LANDSCAPE, "kiosk-landscape"),
        ("nl", LANDSCAPE, "kiosk-nl-landscape"),
        ("en", LANDSCAPE, "kiosk-en-landscape"),
    ],
)
def test_no_serious_violation_on_the_kiosk_screens(
    page, live_server, people, language, viewport, report
):
    """The self-assessment's screens, which only a session in kiosk mode reaches: the
    social worker hands the tablet over from the assessment page, the participant
    chooses their language, then every screen is checked, a question answered and the
    unlock screen (in the staff member's French) after a wrong password too; the tablet
    upright and on its side."""
    page.set_viewport_size(viewport)
    data = _programme(
        people["coordinator"].organisation, people["social_worker"], people["workshop_leader"]
    )
    load_axe(page)
    page.goto(live_server.url + reverse("accounts:login"))
    with page.expect_navigation():
        sign_in(page, people["social_worker"].username, TEST_PASSWORD)
    page.goto(
        live_server.url + reverse("assessments:assessment_edit", args=[data.enrolment.pk, "entry"])
    )
    with page.expect_navigation():
        page.locator("form.kiosk-start button[type=submit]").click()
    if language != "fr":
        with page.expect_navigation():
            page.locator(f".kiosk-language[value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)

    first, second = Domain.values[:2]
    found = {}

    def check(name):
        found[name] = (page.url.removeprefix(live_server.url), axe_results(page))

    check("kiosk: welcome")
    page.goto(live_server.url + reverse("assessments:kiosk_question", args=[first]))
    check("kiosk: a question")
    with page.expect_navigation():
        page.locator("button[name=answer][value='4']").click()
    page.goto(live_server.url + reverse("assessments:kiosk_question", args=[first]))
    check("kiosk: a question answered")
    page.goto(live_server.url + reverse("assessments:kiosk_question", args=[second]))
    with page.expect_navigation():
        page.locator("button[name=answer][value=skip]").click()
    page.goto(live_server.url + reverse("assessments:kiosk_done"))
    check("kiosk: the end, with the chart")
    page.goto(live_server.url + reverse("assessments:kiosk_unlock"))
    check("kiosk: unlock")
    page.locator("#kiosk-password").fill("not the password")
    with page.expect_navigation():
        page.locator(".kiosk-unlock__form button[type=submit]").click()
    expect(page.locator(".kiosk-unlock__error")).to_be_visible()
    check("kiosk: unlock, a wrong password")

    _axe_report(report, found)
    assert _blocking(found) == [], "\n".join(_blocking(found))


def test_no_serious_violation_between_the_password_and_the_second_factor(
    page, live_server, people, settings
):
    """The pages a person sees after their password and before their code: the set-up
    of the authenticator app (no device yet) and the second step of the sign-in, each
    also after a wrong code."""
    settings.MFA_REQUIRED = True
    load_axe(page)
    found = {}

    def check(name):
        found[name] = (page.url.removeprefix(live_server.url), axe_results(page))

    def wrong_code():
        page.locator("main form input[name=code]").fill("000000")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        expect(page.locator("main .errorlist, main [aria-invalid=true]").first).to_be_visible()

    page.goto(live_server.url + reverse("accounts:login"))
    with page.expect_navigation():
        sign_in(page, people["viewer"].username, TEST_PASSWORD)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:second_factor_setup')}**")
    check("second factor: set-up")
    wrong_code()
    check("second factor: set-up, a wrong code")

    worker = people["social_worker"]
    services.second_factor_setup_confirm(
        user=worker, device=services.second_factor_setup_start(user=worker)
    )
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("accounts:login"))
    with page.expect_navigation():
        sign_in(page, worker.username, TEST_PASSWORD)
    page.wait_for_url(f"{live_server.url}{reverse('accounts:second_factor')}**")
    check("second factor: sign-in step")
    wrong_code()
    check("second factor: sign-in step, a wrong code")

    _axe_report("second-factor", found)
    assert _blocking(found) == [], "\n".join(_blocking(found))
