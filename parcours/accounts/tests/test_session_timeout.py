"""Sessions close after 30 minutes without activity and 12 hours after sign-in.

Time is simulated by replacing the clock that ``SessionTimeoutMiddleware`` reads
(``time.time`` in its module); the stored timestamps are epoch seconds.

Regression guard (tests marked "messages order"): these tests caught MessageMiddleware
placed after SessionTimeoutMiddleware in settings.MIDDLEWARE; ``messages.info()`` in the
timeout branch then ran before ``request._messages`` existed and raised MessageFailure,
so every expired session was answered with a 500 instead of the sign-in page.
MessageMiddleware must stay before SessionTimeoutMiddleware.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from parcours.accounts import middleware
from parcours.accounts.factories import TEST_PASSWORD

LOGIN_URL = reverse("accounts:login")
DASHBOARD_URL = reverse("dashboard:home")
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
