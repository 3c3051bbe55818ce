"""Sessions are kept where every web worker finds them: in the database, and with Redis
read from it and written through to the database. The idle and absolute limits hold
whatever the engine."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from parcours.accounts import middleware
from parcours.accounts.factories import TEST_PASSWORD

LOGIN_URL = reverse("accounts:login")
DASHBOARD_URL = reverse("dashboard:home")
SIGN_IN_TIME = 1_750_000_000.0


@pytest.fixture(params=["database", "redis"])
def session_engine(request, settings):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    else:
        assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    return request.param


@pytest.fixture
def clock(monkeypatch):
    clock = SimpleNamespace(now=SIGN_IN_TIME)
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


def _signed_in(username) -> Client:
    client = Client()
    response = client.post(LOGIN_URL, {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(DASHBOARD_URL).status_code == 200
    return client


def _other_worker(client) -> Client:
    """Another browser tab served by another worker: a new client with the same cookie."""
    other = Client()
    other.cookies = client.cookies
    return other


@pytest.mark.django_db
def test_a_session_opened_through_one_worker_is_found_by_another(
    session_engine, social_worker, clock
):
    client = _signed_in("socialworker")
    session_key = client.cookies["sessionid"].value

    # Written through to the database with either engine.
    assert Session.objects.filter(session_key=session_key).exists()
    other = _other_worker(client)
    assert other.get(DASHBOARD_URL).status_code == 200
    assert int(other.session[SESSION_KEY]) == social_worker.pk


@pytest.mark.django_db
def test_with_redis_a_session_outlives_the_cache_being_emptied(
    redis_cache, redis_key_prefix, settings, social_worker, clock
):
    import redis

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client = _signed_in("socialworker")
    server = redis.Redis.from_url(redis_cache)
    stored = list(server.scan_iter(match=f"{redis_key_prefix}:*sessions*"))
    assert len(stored) == 1  # read from Redis...

    server.delete(*stored)  # ...and Redis restarted empty: nobody is signed out
    server.close()
    assert _other_worker(client).get(DASHBOARD_URL).status_code == 200


@pytest.mark.django_db
def test_the_idle_limit_closes_the_session_for_every_worker(session_engine, social_worker, clock):
    client = _signed_in("socialworker")
    other = _other_worker(client)
    clock.now += 31 * 60

    response = other.get(DASHBOARD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert client.get(DASHBOARD_URL).status_code == 302


@pytest.mark.django_db
def test_the_absolute_limit_closes_the_session_even_when_active(
    session_engine, social_worker, clock
):
    client = _signed_in("socialworker")
    for number in range(12 * 3 + 1):  # a request every 20 minutes, each worker in turn
        clock.now += 20 * 60
        worker = client if number % 2 else _other_worker(client)
        response = worker.get(DASHBOARD_URL)
        if response.status_code == 302:
            break

    assert response.status_code == 302
    assert clock.now - SIGN_IN_TIME > 12 * 60 * 60
    assert clock.now - SIGN_IN_TIME <= 12 * 60 * 60 + 20 * 60
