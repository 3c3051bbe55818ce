"""The cache settings: the database cache by default (its table made by ``migrate``), Redis
when ``CACHE_URL`` names one, and the session engine that goes with each."""

import os
import runpy
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from parcours.core.apps import create_cache_table
from parcours.env import CACHE_TABLE, cache_from_url

BASE_DIR = Path(settings.BASE_DIR)
SETTINGS_FILE = BASE_DIR / "parcours" / "settings.py"


# -- CACHE_URL ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [None, "", "  ", "db://", "database://"])
def test_no_cache_url_is_the_database_cache(url):
    config = cache_from_url(url, key_prefix="parcours", production=True)

    assert config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert config["LOCATION"] == CACHE_TABLE == "parcours_cache"
    assert config["KEY_PREFIX"] == "parcours"


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/2", "rediss://:secret@cache.example:6380/0"]
)
def test_a_redis_url_is_djangos_redis_cache_with_the_key_prefix(url):
    config = cache_from_url(url, key_prefix="cpas-namur", production=True)

    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert config["LOCATION"] == url
    assert config["KEY_PREFIX"] == "cpas-namur"
    assert config["OPTIONS"]["socket_timeout"] > 0


def test_locmem_is_for_development_only():
    config = cache_from_url("locmem://", key_prefix="parcours", production=False)
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"

    with pytest.raises(ImproperlyConfigured, match="for development only"):
        cache_from_url("locmem://", key_prefix="parcours", production=True)


def test_another_cache_is_refused_without_repeating_the_url():
    with pytest.raises(ImproperlyConfigured, match=r"not memcached://\.$") as refused:
        cache_from_url("memcached://user:secret@host", key_prefix="parcours", production=False)
    assert "secret" not in str(refused.value)


def _settings_with(monkeypatch, **environment) -> dict:
    for name in ("CACHE_URL", "CACHE_KEY_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_the_settings_default_to_the_database_for_cache_and_sessions(monkeypatch):
    values = _settings_with(monkeypatch)

    assert values["CACHES"]["default"]["BACKEND"].endswith(".DatabaseCache")
    assert values["CACHES"]["default"]["KEY_PREFIX"] == "parcours"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_with_redis_the_sessions_are_read_from_it_and_written_through(monkeypatch):
    values = _settings_with(
        monkeypatch, CACHE_URL="redis://127.0.0.1:6379/1", CACHE_KEY_PREFIX="cpas-test"
    )

    assert values["CACHES"]["default"] == cache_from_url(
        "redis://127.0.0.1:6379/1", key_prefix="cpas-test", production=False
    )
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    # The session timeouts do not depend on the engine: they are in the session's data.
    assert values["SESSION_COOKIE_AGE"] == 12 * 60 * 60


# -- The database cache's table ---------------------------------------------------------------


def test_migrate_on_a_fresh_machine_creates_the_cache_table(tmp_path):
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "CACHE_URL"}
    }
    environment.update({"PARCOURS_VAR_DIR": str(tmp_path), "DEBUG": "1"})
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
        timeout=300,
    )
    database = sqlite3.connect(tmp_path / "parcours.sqlite3")
    tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    database.close()

    assert CACHE_TABLE in tables


@pytest.mark.django_db
def test_each_migrate_creates_the_table_if_it_went_missing():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {CACHE_TABLE}")
    assert CACHE_TABLE not in connection.introspection.table_names()

    create_cache_table(sender=None, using="default", verbosity=0)
    create_cache_table(sender=None, using="default", verbosity=0)  # and leaves it alone

    assert CACHE_TABLE in connection.introspection.table_names()
    cache.set("after", "works")
    assert cache.get("after") == "works"


# -- Redis ---------------------------------------------------------------------------------------


def test_redis_cache_keeps_values_under_the_runs_own_prefix(redis_cache, redis_key_prefix):
    import redis

    cache.set("report:probe", {"participants": 3}, 60)

    assert cache.get("report:probe") == {"participants": 3}
    client = redis.Redis.from_url(redis_cache)
    assert [key.decode() for key in client.scan_iter(match=f"{redis_key_prefix}:*")] == [
        f"{redis_key_prefix}:1:report:probe"
    ]
    client.close()
    assert cache.add("report:probe", "other") is False
    assert cache.delete("report:probe") is True
    assert cache.get("report:probe") is None


def test_redis_add_and_incr_are_atomic_across_clients(redis_cache):
    """``add`` is won by one client only and ``incr`` loses no count: each thread has a
    Redis client of its own, as each web worker has."""
    threads = 10
    start = threading.Barrier(threads)
    added, counted = [], []
    lock = threading.Lock()

    def work():
        own = caches.create_connection("default")
        start.wait(30)
        won = own.add("flag", True, 60)
        own.add("counter", 0, 60)
        number = own.incr("counter")
        with lock:
            added.append(won)
            counted.append(number)
        own.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert added.count(True) == 1
    assert sorted(counted) == list(range(1, threads + 1))
