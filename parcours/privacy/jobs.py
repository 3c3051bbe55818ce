"""The approval of the retention queue as a task, and the queue's nightly refresh.

Anonymising a few hundred files rewrites every record about them and wipes the freed
space: longer than a request should take. The approval is recorded (``AnonymisationJob``)
and the worker runs it; the queue page shows its status, how many files it anonymised or
why it failed, with a retry. The anonymisation itself (``anonymise_inactive``) is one
transaction: a failed or interrupted one changed nothing.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.background.jobs import State, TaskState, enqueue_after_commit, task_state
from parcours.privacy.models import AnonymisationJob
from parcours.privacy.selectors import files_due, retention_policy_for
from parcours.privacy.services import anonymise_inactive

logger = logging.getLogger(__name__)

Status = AnonymisationJob.Status


def anonymisation_request(*, organisation, inactive_before, by, only=None) -> AnonymisationJob:
    """Record the coordinator's approval and queue it for the worker."""
    job = AnonymisationJob.objects.create(
        organisation=organisation,
        requested_by=by,
        inactive_before=inactive_before,
        only=None if only is None else sorted(only),
    )
    enqueue_after_commit(anonymise_job, job.pk, job=job)
    return job


@task
def anonymise_job(job_pk: int) -> int:
    """Run an approved anonymisation (a task: run by the worker); the files anonymised."""
    moved = AnonymisationJob.objects.filter(pk=job_pk, status=Status.QUEUED).update(
        status=Status.RUNNING
    )
    if not moved:
        return 0  # already run (a task taken twice)
    job = AnonymisationJob.objects.select_related("organisation", "requested_by").get(pk=job_pk)
    try:
        processing = anonymise_inactive(
            organisation=job.organisation,
            inactive_before=job.inactive_before,
            by=job.requested_by,
            only=job.only,
        )
    except Exception as error:
        logger.exception("Anonymisation job %s failed", job_pk)
        AnonymisationJob.objects.filter(pk=job_pk).update(
            status=Status.FAILED,
            failure=_("Nothing was changed. The error was: %(error)s") % {"error": error},
            finished_at=timezone.now(),
        )
        return 0
    count = processing.file_count if processing else 0
    AnonymisationJob.objects.filter(pk=job_pk).update(
        status=Status.DONE, processing=processing, file_count=count, finished_at=timezone.now()
    )
    return count


def anonymisation_retry(*, job: AnonymisationJob) -> bool:
    """Queue a failed anonymisation again; False when it had not failed."""
    with transaction.atomic():
        moved = AnonymisationJob.objects.filter(pk=job.pk, status=Status.FAILED).update(
            status=Status.QUEUED, failure="", finished_at=None, task_id=""
        )
        if moved:
            enqueue_after_commit(anonymise_job, job.pk, job=job)
    return bool(moved)


def anonymisation_watch(job: AnonymisationJob) -> TaskState:
    """The state of a running approval's task; one that will never finish (its worker
    died) is recorded failed, so that it can be retried."""
    if not job.running:
        return TaskState(State.UNKNOWN)
    state = task_state(job.task_id)
    if state.stalled:
        failure = _("The work was interrupted (the worker stopped). Nothing was changed.")
        AnonymisationJob.objects.filter(
            pk=job.pk, status__in=(Status.QUEUED, Status.RUNNING)
        ).update(status=Status.FAILED, failure=failure, finished_at=timezone.now())
        job.status, job.failure = Status.FAILED, failure
    return state


def refresh_retention_queue(organisation, today) -> dict:
    """The nightly refresh (parcours.background.schedule): how many files are due today,
    kept on the scheduled run. The queue itself is computed when the page opens; nothing
    is ever anonymised without the coordinator's approval."""
    inactive_before = retention_policy_for(organisation).inactive_before(today)
    due = files_due(organisation, inactive_before=inactive_before).count()
    return {"due": due, "inactive_before": inactive_before.isoformat()}
