"""The report cache is shared by the web workers: a report one worker computed is served
to another (another connection, another process), in the database cache and in Redis, and
a write in the audit trail makes it stale for all of them."""

import datetime
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from parcours.audit.services import create_record
from parcours.env import CACHE_TABLE
from parcours.participants.factories import ParticipantFactory
from parcours.programme.models import Enrolment
from parcours.reporting.closing import live_report
from parcours.reporting.tests.test_views import build_year

BASE_DIR = Path(settings.BASE_DIR)
YEAR, END = 2025, datetime.date(2025, 12, 31)


@pytest.fixture(params=["database", "redis"])
def shared_cache(request):
    """The cache backend of the test: the database cache (the default) or Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param


def _computes_figures(queries) -> bool:
    return any('"programme_enrolment"' in query["sql"] for query in queries)


def _report_in_this_worker(organisation) -> dict:
    """The report as the page asks for it, and whether it had to be computed."""
    with translation.override("fr"), CaptureQueriesContext(connection) as queries:
        report = live_report(organisation, year=YEAR, as_of=END)
    return {
        "computed": _computes_figures(queries.captured_queries),
        "participants": report.figures["participants"],
    }


def _in_another_thread(function, *args):
    """``function`` run in a thread: its own database connection and cache client."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except Exception as error:  # handed to the test below
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _stored_report_keys(backend: str) -> list[str]:
    """The report keys the cache holds, read from its storage rather than through Django."""
    if backend == "database":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {CACHE_TABLE}")
            keys = [row[0] for row in cursor.fetchall()]
    else:
        import redis

        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        keys = [key.decode() for key in client.scan_iter(match="*", count=1000)]
        client.close()
        keys = [key for key in keys if key.startswith(settings.CACHES["default"]["KEY_PREFIX"])]
    return [key for key in keys if ":report:" in key]


def _enrol_one_more(organisation, group, by):
    create_record(
        obj=Enrolment(
            group=group,
            participant=ParticipantFactory(organisation=organisation),
            start_date=group.start_date,
        ),
        by=by,
    )


@pytest.mark.django_db(transaction=True)
def test_a_report_computed_by_one_worker_is_served_to_another(
    shared_cache, organisation, coordinator
):
    group = build_year(organisation, year=YEAR)
    first = _report_in_this_worker(organisation)
    assert first["computed"]

    (key,) = _in_another_thread(_stored_report_keys, shared_cache)
    assert ":report:" in key
    assert f":{organisation.pk}:" in key
    served = _in_another_thread(_report_in_this_worker, organisation)
    assert served == {"computed": False, "participants": first["participants"]}

    # A write through the audit trail, in this worker: every worker computes anew.
    _enrol_one_more(organisation, group, coordinator)
    after = _in_another_thread(_report_in_this_worker, organisation)
    assert after == {"computed": True, "participants": first["participants"] + 1}
    assert _report_in_this_worker(organisation) == {
        "computed": False,
        "participants": first["participants"] + 1,
    }


# -- Another process ---------------------------------------------------------------------------

# Another Python process with the settings of a deployment (DATABASE_URL, CACHE_URL), as a
# second web worker or machine: it reads the yearly report as the page does.
OTHER_WORKER = """
import json, sys, datetime
import django
django.setup()
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from parcours.accounts.models import Organisation
from parcours.reporting.closing import live_report

organisation = Organisation.objects.get(pk=int(sys.argv[1]))
with translation.override("fr"), CaptureQueriesContext(connection) as queries:
    report = live_report(organisation, year=2025, as_of=datetime.date(2025, 12, 31))
print(json.dumps({
    "computed": any('"programme_enrolment"' in q["sql"] for q in queries.captured_queries),
    "participants": report.figures["participants"],
}))
"""


def _database_url() -> str:
    database = connection.settings_dict
    credentials = database["USER"] or ""
    if database["PASSWORD"]:
        credentials += f":{database['PASSWORD']}"
    host = database["HOST"] or "127.0.0.1"
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{database['NAME']}"


def _in_another_process(organisation, backend: str) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parcours.settings",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": settings.CACHES["default"]["LOCATION"] if backend == "redis" else "",
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "DEBUG": "1",
    }
    finished = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, str(organisation.pk)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the tests' SQLite database is in this process's memory",
)
@pytest.mark.django_db(transaction=True)
def test_another_process_is_served_the_report_and_sees_a_write_make_it_stale(
    shared_cache, organisation, coordinator
):
    group = build_year(organisation, year=YEAR)
    first = _report_in_this_worker(organisation)
    assert first["computed"]

    assert _in_another_process(organisation, shared_cache) == {
        "computed": False,
        "participants": first["participants"],
    }

    _enrol_one_more(organisation, group, coordinator)
    assert _in_another_process(organisation, shared_cache) == {
        "computed": True,
        "participants": first["participants"] + 1,
    }
    # ... and what that process computed is served here.
    assert _report_in_this_worker(organisation) == {
        "computed": False,
        "participants": first["participants"] + 1,
    }


@pytest.mark.skipif(bool(os.environ.get("CACHE_URL")), reason="CACHE_URL names another cache")
@pytest.mark.django_db
def test_the_default_cache_of_the_tests_is_the_database_one():
    # The suite runs on the cache a deployment has by default, table and all.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("probe", 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {CACHE_TABLE}")
        assert cursor.fetchone()[0] == 1
