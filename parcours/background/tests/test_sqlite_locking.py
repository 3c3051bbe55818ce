"""On SQLite, a long write (an import in the worker) makes an attendance mark wait, never
fail with "database is locked": the settings' SQLite options (WAL, IMMEDIATE
transactions, a busy timeout longer than the longest write), on a database file of its
own with two real connections."""

import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

HELD = 3  # seconds the "import" keeps its write transaction open


def _connection(path, alias):
    return DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": dict(settings.SQLITE_OPTIONS),
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        },
        alias=alias,
    )


@pytest.fixture
def _own_database(django_db_blocker):
    """Connections to a file of the test's own, not to the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.mark.usefixtures("_own_database")
def test_a_mark_waits_for_a_long_import_and_succeeds(tmp_path):
    path = tmp_path / "locking.sqlite3"
    setup = _connection(path, "setup")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE participant (id INTEGER PRIMARY KEY, name TEXT)")
        cursor.execute("CREATE TABLE mark (id INTEGER PRIMARY KEY, present INTEGER)")
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    setup.close()

    holding = threading.Event()
    failures = []

    def begin(wrapper):
        # What atomic() does: BEGIN with the settings' transaction_mode (IMMEDIATE).
        wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def long_import():
        importer = _connection(path, "importer")
        try:
            begin(importer)
            with importer.cursor() as cursor:
                for n in range(1000):
                    cursor.execute("INSERT INTO participant (name) VALUES (%s)", [f"P-{n}"])
            holding.set()
            time.sleep(HELD)
            importer.commit()
        except Exception as error:
            failures.append(error)
            holding.set()
        finally:
            importer.close()

    thread = threading.Thread(target=long_import)
    thread.start()
    assert holding.wait(timeout=30)

    marker = _connection(path, "marker")
    try:
        begin(marker)  # waits here for the importer's lock
        with marker.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM participant")
            imported = cursor.fetchone()[0]
            cursor.execute("INSERT INTO mark (present) VALUES (1)")
        marker.commit()
        with marker.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM mark")
            marks = cursor.fetchone()[0]
    finally:
        marker.close()
    thread.join()

    assert failures == []
    # The mark waited for the import's commit (it saw all its rows), then succeeded.
    assert (imported, marks) == (1000, 1)
