"""A real ``manage.py worker`` killed (SIGKILL) in the middle of an import's write, on
PostgreSQL: nothing of the workbook is in the database, the job is shown lost and
retryable, and the retried import writes it all.

The worker is a process of its own on the test database (``DATABASE_URL``). To kill it
at a known point without relying on timing, the test holds a lock on the attendance
table (``EXCLUSIVE``: reads go on, writes wait): the import writes the people, groups,
enrolments, assessments and sessions, then waits for the lock at its first attendance
row, inside its transaction. The test sees that wait in ``pg_stat_activity`` (with the
transaction id that its writes gave it), kills the worker, then releases the lock.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from parcours.attendance.models import Attendance
from parcours.background.jobs import WORKER_STALE_AFTER, State, task_state
from parcours.participants.models import Participant
from parcours.programme.models import Group
from parcours.workbook import jobs
from parcours.workbook.enums import JobStatus
from parcours.workbook.models import ImportJob
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes
from parcours.workshops.models import Session

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kills a worker on PostgreSQL"
)
PATIENCE = 120  # seconds before the test gives up waiting (never an assertion on time)


def _test_database_url() -> str:
    database = connection.settings_dict
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "localhost"
    return f"postgres://{credentials}{host}:{database.get('PORT') or 5432}/{database['NAME']}"


def _until(what, check):
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"Still waiting for {what} after {PATIENCE} s")


def _written(organisation) -> dict:
    return {
        "participants": Participant.objects.filter(organisation=organisation).count(),
        "groups": Group.objects.filter(organisation=organisation).count(),
        "sessions": Session.objects.filter(organisation=organisation).count(),
        "attendance": Attendance.objects.filter(session__organisation=organisation).count(),
    }


@pytest.fixture
def worker(tmp_path):
    """``manage.py worker`` in a process of its own, on the test database."""
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "TASKS_BACKEND": "database"}
    with open(tmp_path / "worker.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_the_write_leaves_nothing_and_the_retry_imports(
    client, coordinator, settings, database_tasks, worker
):
    settings.WORKBOOK_INLINE_BYTES = 100  # every workbook goes to the worker
    organisation = coordinator.organisation
    client.force_login(coordinator)
    job = jobs.job_submit(
        organisation=organisation,
        by=coordinator,
        file_name="programme.xlsx",
        content=workbook_bytes(sample_sheets()),
        language="en",
    )
    _until(
        "the check by the worker",
        lambda: ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).exists(),
    )

    table = Attendance._meta.db_table
    with psycopg.connect(_test_database_url()) as locker:
        locker.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
        assert jobs.job_confirm(job=ImportJob.objects.get(pk=job.pk))

        def waiting_import():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND query ILIKE %s",
                    [f'INSERT INTO "{table}"%'],
                )
                return cursor.fetchone()

        backend, wrote = _until("the import to wait at its attendance", waiting_import)
        assert wrote  # its transaction has written rows (people, groups, sessions...)
        assert _written(organisation)["participants"] == 0  # none of them committed
        assert ImportJob.objects.get(pk=job.pk).status == JobStatus.IMPORTING

        worker.send_signal(signal.SIGKILL)
        worker.wait()
        locker.rollback()  # the lock released: the dead client's transaction ends

    def backend_gone():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            return cursor.fetchone()[0] == 0

    _until("the killed worker's connection to end", backend_gone)
    assert _written(organisation) == {
        "participants": 0,
        "groups": 0,
        "sessions": 0,
        "attendance": 0,
    }
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTING  # the job never heard of it

    # A minute later the worker's heartbeat is stale: the task is lost, the job failed.
    later = timezone.now() + WORKER_STALE_AFTER + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert task_state(job.task_id).state == State.LOST
        page = client.get(reverse("workbook:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "interrupted (the worker stopped). Nothing was written." in page
    assert reverse("workbook:job_retry", args=[job.pk]) in page

    response = client.post(reverse("workbook:job_retry", args=[job.pk]))
    assert response.status_code == 302
    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    written = _written(organisation)
    assert written["participants"] == 3
    assert written["attendance"] == Attendance.objects.count() > 0
