"""Sessions close after 30 minutes without activity and 12 hours after sign-in; the
pages warn ahead of the idle limit, and "Stay signed in" moves it.

Time is simulated by replacing the clock that ``SessionTimeoutMiddleware`` reads
(``time.time`` in its module); the stored timestamps are epoch seconds.

Regression guard (tests marked "messages order"): these tests caught MessageMiddleware
placed after SessionTimeoutMiddleware in settings.MIDDLEWARE; ``messages.info()`` in the
timeout branch then ran before ``request._messages`` existed and raised MessageFailure,
so every expired session was answered with a 500 instead of the sign-in page.
MessageMiddleware must stay before SessionTimeoutMiddleware.
"""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from parcours.accounts import middleware
from parcours.accounts.factories import TEST_PASSWORD
from parcours.programme.factories import EnrolmentFactory
from parcours.testing import speaking

LOGIN_URL = reverse("accounts:login")
DASHBOARD_URL = reverse("dashboard:home")
KIOSK_WELCOME_URL = reverse("assessments:kiosk_welcome")
MINUTE = 60
HOUR = 60 * MINUTE
SIGN_IN_TIME = 1_750_000_000.0


class Clock:
    def __init__(self, now):
        self.now = now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(SIGN_IN_TIME)
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


@pytest.fixture
def signed_in(client, social_worker, clock):
    """A social worker who has just signed in and opened the dashboard."""
    response = client.post(LOGIN_URL, {"username": "socialworker", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(DASHBOARD_URL).status_code == 200
    return client


def is_signed_in(client):
    return SESSION_KEY in client.session


@pytest.mark.django_db
def test_the_first_request_after_sign_in_records_the_times(signed_in):
    session = signed_in.session
    assert session[middleware.SESSION_STARTED_KEY] == SIGN_IN_TIME
    assert session[middleware.SESSION_LAST_SEEN_KEY] == SIGN_IN_TIME


@pytest.mark.django_db
def test_29_minutes_idle_keeps_the_session(signed_in, clock):
    clock.advance(29 * MINUTE)

    response = signed_in.get(DASHBOARD_URL)

    assert response.status_code == 200
    assert is_signed_in(signed_in)


@pytest.mark.django_db
def test_31_minutes_idle_signs_out_and_sends_to_the_login_page(signed_in, clock):
    # Regression guard: messages order (see the module docstring).
    clock.advance(31 * MINUTE)

    response = signed_in.get(DASHBOARD_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={DASHBOARD_URL}"
    assert not is_signed_in(signed_in)
    # Coming back does not revive the session.
    clock.advance(MINUTE)
    assert signed_in.get(DASHBOARD_URL).status_code == 302


@pytest.mark.django_db
def test_expired_session_explains_why_on_the_login_page(signed_in, clock):
    # Regression guard: messages order (see the module docstring).
    clock.advance(31 * MINUTE)

    response = signed_in.get(DASHBOARD_URL, follow=True)

    assert response.redirect_chain == [(f"{LOGIN_URL}?next={DASHBOARD_URL}", 302)]
    assert [message.level_tag for message in response.context["messages"]] == ["info"]


@pytest.mark.django_db
def test_activity_every_20_minutes_keeps_the_session_up_to_12_hours(signed_in, clock):
    for _ in range(12 * 3):
        clock.advance(20 * MINUTE)
        assert signed_in.get(DASHBOARD_URL).status_code == 200
    assert is_signed_in(signed_in)


@pytest.mark.django_db
def test_12_hours_and_a_minute_after_sign_in_signs_out_even_when_active(signed_in, clock):
    # Regression guard: messages order (see the module docstring).
    for _ in range(12 * 3):
        clock.advance(20 * MINUTE)
        signed_in.get(DASHBOARD_URL)
    clock.advance(MINUTE)

    response = signed_in.get(DASHBOARD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not is_signed_in(signed_in)


@pytest.mark.django_db
def test_expired_session_stored_by_an_earlier_request_is_refused(signed_in, clock):
    """The same through the stored timestamps alone, without moving the clock."""
    # Regression guard: messages order (see the module docstring).
    session = signed_in.session
    session[middleware.SESSION_LAST_SEEN_KEY] = SIGN_IN_TIME - 31 * MINUTE
    session.save()

    response = signed_in.get(DASHBOARD_URL)

    assert response.status_code == 302
    assert not is_signed_in(signed_in)


@pytest.mark.django_db
def test_expired_htmx_request_gets_an_hx_redirect_to_the_login_page(signed_in, clock):
    # Regression guard: messages order (see the module docstring), and the status: an
    # HX-Redirect header on a 302 is never seen (the browser follows the 302 inside htmx's
    # request, and htmx ignores headers on 3xx), so the sign-in page would be swapped into
    # the fragment. htmx needs a 2xx carrying HX-Redirect.
    clock.advance(31 * MINUTE)

    response = signed_in.get(DASHBOARD_URL, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == LOGIN_URL
    assert response.status_code == 200
    assert not is_signed_in(signed_in)


# The warning before the idle limit (WCAG 2.2.1): the times the pages carry, and "Stay
# signed in" (accounts:keep_alive), which counts as activity.

KEEP_ALIVE_URL = reverse("accounts:keep_alive")
WARNING = re.compile(r"<dialog [^>]*data-session-timeout[^>]*>")


def warning_times(response) -> dict[str, str]:
    """The data- attributes the page's warning is timed from."""
    tag = WARNING.search(response.content.decode())
    assert tag, "the page carries no warning"
    return dict(re.findall(r'data-([a-z-]+)="(\d+)"', tag.group(0)))


@pytest.mark.django_db
def test_a_page_carries_the_times_of_its_warning(signed_in, clock, settings):
    assert timedelta(minutes=2) == settings.SESSION_IDLE_WARNING
    clock.advance(30)

    times = warning_times(signed_in.get(DASHBOARD_URL))

    # Within a minute of the last recorded activity the middleware writes nothing: the
    # page counts from what it recorded, as the middleware will.
    assert times == {
        "idle": "1800",
        "idle-left": str(30 * MINUTE - 30),
        "absolute-left": str(12 * HOUR - 30),
        "warning": "120",
        "slack": str(middleware.LAST_SEEN_WRITE_INTERVAL),
    }


@pytest.mark.django_db
def test_the_warning_follows_the_settings(signed_in, settings):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=20)
    settings.SESSION_IDLE_WARNING = timedelta(minutes=5)

    response = signed_in.get(DASHBOARD_URL)

    assert warning_times(response)["idle-left"] == str(20 * MINUTE)
    assert warning_times(response)["warning"] == str(5 * MINUTE)
    assert "se fermera dans 5 minutes" in response.content.decode()


@pytest.mark.django_db
def test_the_warning_is_in_the_persons_language(client, social_worker, clock):
    client.force_login(speaking(social_worker, "nl"))

    html = client.get(DASHBOARD_URL).content.decode()

    assert "Aangemeld blijven" in html
    assert 'role="alertdialog"' in html


@pytest.mark.django_db
def test_an_anonymous_page_carries_no_warning(client):
    assert not WARNING.search(client.get(LOGIN_URL).content.decode())


@pytest.mark.django_db
def test_stay_signed_in_moves_the_idle_limit_a_full_period_on(signed_in, clock):
    clock.advance(28 * MINUTE)

    response = signed_in.post(KEEP_ALIVE_URL)

    assert response.status_code == 200
    assert response.json() == {"idle_left": 30 * MINUTE, "absolute_left": 12 * HOUR - 28 * MINUTE}
    # 56 minutes after the last page, 28 after "Stay signed in": still signed in.
    clock.advance(28 * MINUTE)
    assert signed_in.get(DASHBOARD_URL).status_code == 200
    assert is_signed_in(signed_in)


@pytest.mark.django_db
def test_stay_signed_in_counts_even_within_the_write_interval(signed_in, clock):
    clock.advance(middleware.LAST_SEEN_WRITE_INTERVAL / 2)

    signed_in.post(KEEP_ALIVE_URL)

    assert signed_in.session[middleware.SESSION_LAST_SEEN_KEY] == clock.now


@pytest.mark.django_db
def test_stay_signed_in_does_not_revive_a_closed_session(signed_in, clock):
    clock.advance(31 * MINUTE)

    response = signed_in.post(KEEP_ALIVE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not is_signed_in(signed_in)


@pytest.mark.django_db
def test_stay_signed_in_never_moves_the_12_hour_limit(signed_in, clock):
    for _ in range(12 * 3 - 1):
        clock.advance(20 * MINUTE)
        signed_in.get(DASHBOARD_URL)
    clock.advance(10 * MINUTE)

    assert signed_in.post(KEEP_ALIVE_URL).json()["absolute_left"] == 10 * MINUTE
    clock.advance(11 * MINUTE)
    assert signed_in.get(DASHBOARD_URL).status_code == 302
    assert not is_signed_in(signed_in)


@pytest.mark.django_db
def test_stay_signed_in_takes_a_post_with_its_csrf_token(social_worker, clock):
    client = Client(enforce_csrf_checks=True)
    client.force_login(social_worker)
    page = client.get(DASHBOARD_URL)
    token = re.search(
        r'action="/accounts/session/keep-alive/".*?name="csrfmiddlewaretoken" value="([^"]+)"',
        page.content.decode(),
        re.S,
    ).group(1)

    assert client.get(KEEP_ALIVE_URL).status_code == 405
    assert client.post(KEEP_ALIVE_URL).status_code == 403
    assert client.post(KEEP_ALIVE_URL, {"csrfmiddlewaretoken": token}).status_code == 200


@pytest.mark.django_db
def test_stay_signed_in_works_before_the_second_factor(client, social_worker, clock, settings):
    """Between the password and the code the session is timed too (the set-up of the
    authenticator app can take a while): the warning's button must not lead away."""
    settings.MFA_REQUIRED = True
    client.post(LOGIN_URL, {"username": "socialworker", "password": TEST_PASSWORD})
    page = client.get(reverse("accounts:second_factor_setup"))
    assert WARNING.search(page.content.decode())
    clock.advance(28 * MINUTE)

    assert client.post(KEEP_ALIVE_URL).status_code == 200
    clock.advance(28 * MINUTE)
    assert client.get(reverse("accounts:second_factor_setup")).status_code == 200


@pytest.mark.django_db
def test_on_the_kiosk_the_participant_may_ask_for_more_time_and_stays_locked(
    client, social_worker, clock
):
    """docs/self-assessment.md §2: the warning speaks to the participant, whose "I need
    more time" keeps the session, still locked on the kiosk's screens."""
    enrolment = EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )
    client.force_login(speaking(social_worker, "en"))
    client.post(reverse("assessments:kiosk_start", args=[enrolment.pk, "entry"]))
    html = client.get(KIOSK_WELCOME_URL).content.decode()
    assert "I need more time" in html
    assert "Sign out" not in html  # no way out of the kiosk but the staff member's password
    clock.advance(28 * MINUTE)

    assert client.post(KEEP_ALIVE_URL).status_code == 200
    clock.advance(28 * MINUTE)
    assert client.get(DASHBOARD_URL)["Location"] == KIOSK_WELCOME_URL
