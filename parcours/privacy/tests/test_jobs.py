"""The approval of the retention queue runs as a task: its status, its result, its
failure and retry; and the nightly refresh of the queue."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parcours.participants.models import Participant
from parcours.privacy import jobs
from parcours.privacy.models import AnonymisationJob, Processing
from parcours.privacy.tests.files import full_file
from parcours.programme.factories import GroupFactory

D = datetime.date
QUEUE = reverse("privacy:queue")
Status = AnonymisationJob.Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def old_files(organisation, coordinator):
    group = GroupFactory(
        organisation=organisation, start_date=D(2018, 1, 8), end_date=D(2018, 10, 26)
    )
    return [
        full_file(
            organisation,
            by=coordinator,
            group=group,
            number=n,
            start=D(2018, 1, 8),
            exit_date=D(2018, 6, 1),
        )
        for n in (1, 2)
    ]


def _approve_all(client):
    """Approve, the task queued as the request's transaction commits, then the page."""
    with TestCase.captureOnCommitCallbacks() as callbacks:
        client.post(QUEUE, {"all": "1", "confirm": "on"})
    for callback in callbacks:  # not those they register (the wipe: not in a test)
        callback()
    return client.get(QUEUE)


def _retry(client, job):
    with TestCase.captureOnCommitCallbacks() as callbacks:
        response = client.post(reverse("privacy:job_retry", args=[job.pk]))
    for callback in callbacks:
        callback()
    return response


def test_the_approval_is_queued_then_run_by_the_worker(
    client, coordinator, old_files, database_tasks
):
    client.force_login(coordinator)
    page = _approve_all(client).content.decode()
    job = AnonymisationJob.objects.get()
    assert job.status == Status.QUEUED
    assert DBTaskResult.objects.filter(id=job.task_id).exists()
    assert "anonymisation est en cours" in page
    assert not Participant.objects.filter(anonymised_on__isnull=False).exists()

    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.file_count) == (Status.DONE, 2)
    assert job.processing == Processing.objects.get()
    page = client.get(QUEUE).content.decode()
    assert "2 dossiers anonymisés" in page


def test_a_failed_approval_says_why_and_is_retried(client, coordinator, old_files, monkeypatch):
    client.force_login(coordinator)
    with monkeypatch.context() as patch:

        def broken(**kwargs):
            raise RuntimeError("disk full")

        patch.setattr(jobs, "anonymise_inactive", broken)
        page = _approve_all(client).content.decode()
    job = AnonymisationJob.objects.get()
    assert job.status == Status.FAILED
    assert "disk full" in page
    assert reverse("privacy:job_retry", args=[job.pk]) in page
    assert not Participant.objects.filter(anonymised_on__isnull=False).exists()

    _retry(client, job)
    job.refresh_from_db()
    assert (job.status, job.file_count) == (Status.DONE, 2)
    assert Participant.objects.filter(anonymised_on__isnull=False).count() == 2
    # Done: a second retry does nothing.
    _retry(client, job)
    assert Processing.objects.count() == 1


def test_an_approval_whose_worker_died_is_shown_failed(
    client, coordinator, old_files, database_tasks
):
    client.force_login(coordinator)
    _approve_all(client)
    job = AnonymisationJob.objects.get()
    DBTaskResult.objects.get(id=job.task_id).claim("worker-gone")  # then killed: no heartbeat
    AnonymisationJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    page = client.get(QUEUE).content.decode()
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert reverse("privacy:job_retry", args=[job.pk]) in page


def test_another_organisation_cannot_retry(client, coordinator, outsider):
    job = AnonymisationJob.objects.create(
        organisation=coordinator.organisation,
        requested_by=coordinator,
        inactive_before=D(2020, 1, 1),
        status=Status.FAILED,
    )
    client.force_login(outsider)
    assert client.post(reverse("privacy:job_retry", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.FAILED


def test_the_nightly_refresh_counts_the_files_due(organisation, old_files):
    today = timezone.localdate()
    assert jobs.refresh_retention_queue(organisation, today) == {
        "due": 2,
        "inactive_before": "2021-03-10",
    }
