"""Personas and settings shared by every test of the project."""

import os
import uuid

import pytest
import time_machine
from django.core.cache import cache

from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.testing import FROZEN_NOW
from parcours.testing.browser import _allow_async_unsafe, browser_errors, page  # noqa: F401


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give this run a test database of its own on a shared server.

    Two runs against the same PostgreSQL server would otherwise both create, use and drop
    ``test_parcours``. The name carries the process id and a random part; pytest-django
    drops it at the end of the run. SQLite's test database is in memory: nothing to share.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return
    test = database.setdefault("TEST", {})
    base = test.get("NAME") or f"test_{database['NAME']}"
    test["NAME"] = f"{base}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "fr"
    # Computing the reports again after each write (with the ImmediateBackend of the
    # tests, at once) would slow every test that commits; its own tests turn it on.
    settings.REPORT_PRECOMPUTE = False


# What asks pytest-django for the test database.
_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Tasks run inside ``enqueue`` (Django's ImmediateBackend): a test sees their outcome
    at once, without a worker. The tests of the worker ask for ``database_tasks``."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def database_tasks(settings, _tasks_run_at_once, monkeypatch):
    """Tasks queued in the database (django-tasks-db), run by ``manage.py worker``.

    Called in the test, the worker shares the test's connection; its checks for stale
    connections would close it (on PostgreSQL) inside the test's transaction, which
    they leave alone here. ``transaction=True`` tests keep the worker as it is."""
    from django.db import connection
    from django_tasks_db.management.commands import db_worker

    original = db_worker.close_old_connections

    def close_old_connections(**kwargs):
        if not connection.in_atomic_block:
            original(**kwargs)

    monkeypatch.setattr(db_worker, "close_old_connections", close_old_connections)
    settings.TASKS = DATABASE_TASKS


@pytest.fixture(autouse=True)
def _empty_cache(request):
    # Ids start again in each test's database: a report cached by an earlier test could
    # otherwise match (parcours.reporting.cache). The cache is a table of the test
    # database (a test's transaction rolls its entries back, but not a transactional
    # test's): only tests with the database can use it, and they start with it empty.
    if request.node.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(
        request.fixturenames
    ):
        request.getfixturevalue("_django_db_helper")
        cache.clear()


def _redis_answers(url: str) -> str | None:
    """None when the Redis at ``url`` answers, else why not."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except redis.RedisError as error:
        return f"Redis does not answer at {url}: {error}"
    return None


@pytest.fixture(scope="session")
def redis_url():
    """The URL of the Redis the tests use (``TEST_REDIS_URL``, by default the local one on
    127.0.0.1:6379). Skips the test when it does not answer, unless ``REQUIRE_REDIS=1``
    makes that a failure. Tests sharing it keep to a key prefix of their own
    (``redis_key_prefix``) and remove their keys."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    reason = _redis_answers(url)
    if reason:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}", pytrace=False)
        pytest.skip(f"{reason} (set REQUIRE_REDIS=1 to make this a failure)")
    return url


@pytest.fixture
def redis_key_prefix(redis_url):
    """A key prefix no other test or run uses; its keys are deleted afterwards."""
    import redis

    prefix = f"parcours-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_cache(settings, redis_url, redis_key_prefix):
    """Django's default cache switched to Redis (RedisCache, as ``CACHE_URL=redis://…``
    configures it) for the test."""
    from parcours.env import cache_from_url

    settings.CACHES = {
        "default": cache_from_url(redis_url, key_prefix=redis_key_prefix, production=False)
    }
    return redis_url


@pytest.fixture
def frozen_today():
    """The clock stopped on Wednesday 11 March 2026, 11:00 in Brussels (``FROZEN_TODAY``):
    for tests whose outcome depends on today (what is due, this week, a retention
    period). Yields time-machine's traveller, whose ``move_to`` moves the day on."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="CPAS de Test", slug="test")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="CPAS d'Ailleurs", slug="ailleurs")


@pytest.fixture
def coordinator(organisation):
    return UserFactory(organisation=organisation, coordinator=True, username="coordinator")


@pytest.fixture
def social_worker(organisation):
    return UserFactory(organisation=organisation, social_worker=True, username="socialworker")


@pytest.fixture
def workshop_leader(organisation):
    return UserFactory(organisation=organisation, workshop_leader=True, username="leader")


@pytest.fixture
def viewer(organisation):
    return UserFactory(organisation=organisation, viewer=True, username="viewer")


@pytest.fixture
def outsider(other_organisation):
    """A coordinator of another organisation: may do everything, but not here."""
    return UserFactory(organisation=other_organisation, coordinator=True, username="outsider")


@pytest.fixture
def personas(coordinator, social_worker, workshop_leader, viewer):
    return {
        "coordinator": coordinator,
        "social_worker": social_worker,
        "workshop_leader": workshop_leader,
        "viewer": viewer,
    }
