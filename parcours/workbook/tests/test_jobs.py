"""The import as background tasks: retry of a failed job, a job whose worker died, and
the whole path through the real database backend and ``manage.py worker``."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parcours.background.models import WorkerHeartbeat
from parcours.participants.models import Participant
from parcours.workbook import writing
from parcours.workbook.enums import JobStatus, JobStep
from parcours.workbook.models import ImportJob
from parcours.workbook.tests.conftest import record_counts
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

HOME = reverse("workbook:home")


def _upload(client, content=None):
    content = content or workbook_bytes(sample_sheets())
    return client.post(HOME, {"file": SimpleUploadedFile("programme.xlsx", content)})


def _page(client, job):
    return client.get(reverse("workbook:job", args=[job.pk])).content.decode()


def _write_then_fail(exception):
    original = writing.write_plan

    def write_then_fail(plan, organisation, *, author):
        original(plan, organisation, author=author)
        assert Participant.objects.exists()  # written, inside the import's transaction
        raise exception

    return write_then_fail


@pytest.mark.django_db
def test_a_failed_import_says_why_and_is_retried(client, coordinator, monkeypatch):
    client.force_login(coordinator)
    _upload(client)
    job = ImportJob.objects.get()
    with monkeypatch.context() as patch:
        patch.setattr(writing, "write_plan", _write_then_fail(RuntimeError("disk full")))
        client.post(reverse("workbook:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.step == JobStep.IMPORT
    assert bytes(job.content)  # kept for the retry
    assert not Participant.objects.exists()
    page = _page(client, job)
    assert "disk full" in page
    assert reverse("workbook:job_retry", args=[job.pk]) in page

    response = client.post(reverse("workbook:job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.failure == ""
    assert job.content == b""
    assert Participant.objects.filter(organisation=coordinator.organisation).count() == 3
    # Done: nothing to retry any more.
    before = record_counts()
    response = client.post(reverse("workbook:job_retry", args=[job.pk]), follow=True)
    assert "cannot be retried" in response.content.decode()
    assert record_counts() == before


@pytest.mark.django_db
def test_a_failed_check_is_retried_as_a_check(client, coordinator, monkeypatch):
    from parcours.workbook import jobs

    client.force_login(coordinator)
    with monkeypatch.context() as patch:

        def broken(*args, **kwargs):
            raise OSError("read error")

        patch.setattr(jobs, "analyse_workbook", broken)
        _upload(client)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED
    client.post(reverse("workbook:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.READY  # checked, waiting for the confirmation
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_job_whose_file_was_discarded_cannot_be_retried(client, coordinator):
    client.force_login(coordinator)
    _upload(client)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    _upload(client)  # a new upload discards the file left unconfirmed
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert reverse("workbook:job_retry", args=[job.pk]) not in _page(client, job)
    client.post(reverse("workbook:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def _queued_import(client, settings, capture):
    settings.WORKBOOK_INLINE_BYTES = 100
    with capture(execute=True):
        _upload(client)
    call_command("worker", "--batch", verbosity=0)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.READY
    with capture(execute=True):
        client.post(reverse("workbook:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTING
    return job


@pytest.mark.django_db
def test_an_import_on_a_worker_that_died_is_shown_failed_and_retried(
    client, coordinator, settings, database_tasks, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    job = _queued_import(client, settings, django_capture_on_commit_callbacks)
    # A worker took the task, then was killed: it no longer beats.
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim("worker-gone")
    WorkerHeartbeat.objects.create(
        name="worker-gone",
        host="here",
        pid=1,
        queue="default",
        started_at=timezone.now() - datetime.timedelta(hours=1),
        last_seen=timezone.now() - datetime.timedelta(minutes=5),
    )
    page = _page(client, job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "the worker stopped" in page
    assert not Participant.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workbook:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTING
    assert job.task_id != str(task.id)
    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Participant.objects.filter(organisation=coordinator.organisation).count() == 3


@pytest.mark.django_db
def test_an_import_on_a_live_worker_keeps_running(
    client, coordinator, settings, database_tasks, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    job = _queued_import(client, settings, django_capture_on_commit_callbacks)
    DBTaskResult.objects.get(id=job.task_id).claim("worker-busy")
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        name="worker-busy", host="here", pid=1, queue="default", started_at=now, last_seen=now
    )
    page = _page(client, job)
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTING
    assert 'hx-trigger="every 2s"' in page
    assert "No worker is running" not in page


@pytest.mark.django_db(transaction=True)
def test_through_the_database_queue_an_interrupted_import_writes_nothing_and_is_retried(
    client, coordinator, settings, database_tasks, monkeypatch
):
    """The real path: the tasks committed in the database, ``manage.py worker --batch``
    taking them; the import is stopped hard (SystemExit, as a second Ctrl+C does) after
    it wrote rows: the task fails, the job shows it, nothing is left, the retry imports."""
    settings.WORKBOOK_INLINE_BYTES = 100
    client.force_login(coordinator)
    _upload(client)
    job = ImportJob.objects.get()
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.READY
    assert not WorkerHeartbeat.objects.exists()  # the worker left cleanly

    client.post(reverse("workbook:job_confirm", args=[job.pk]))
    with monkeypatch.context() as patch:
        patch.setattr(writing, "write_plan", _write_then_fail(SystemExit(1)))
        call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTING  # the job itself never heard of it
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert not Participant.objects.exists()

    page = _page(client, job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "interrupted" in page
    client.post(reverse("workbook:job_retry", args=[job.pk]))
    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Participant.objects.filter(organisation=coordinator.organisation).count() == 3
