"""Running the web imports: checking the file, then importing it once confirmed.

A small file (up to ``WORKBOOK_INLINE_BYTES``) is handled during the request: checking
it takes well under a second, the coordinator sees the preview at once, and the import
works even where nobody started a worker. A larger one is a task (``check_job``, then
``import_job``, each given the job's primary key) that the worker runs while the page
polls the job (htmx); the job row carries the status and the progress.

The import itself is one transaction, so an interrupted import has written nothing. A
job that failed keeps its file for a day and can be retried (``job_retry``): the same
step runs again. A job whose task will never finish (the worker was killed under it,
the task failed outside the job's own error handling) is found from the task's state and
the workers' heartbeats (``parcours.background.jobs.task_state``) and shown failed with
a retry; only a job with no task to ask about (run in a request that was cut) falls back
to ``STALLED_AFTER`` without progress.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.background.jobs import State, TaskState, enqueue_after_commit, task_state
from parcours.workbook.enums import RUNNING, JobStatus, JobStep
from parcours.workbook.importer import WorkbookInvalid, analyse_workbook, import_workbook
from parcours.workbook.models import ImportJob

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 1000
DEFAULT_INLINE_BYTES = 300 * 1024
UNCONFIRMED_KEPT = timedelta(days=1)


def _runs_in_the_request(job) -> bool:
    return job.file_size <= getattr(settings, "WORKBOOK_INLINE_BYTES", DEFAULT_INLINE_BYTES)


def _progress_reporter(job_pk, stage):
    last = [-1]

    def report(percent):
        if percent != last[0]:
            last[0] = percent
            ImportJob.objects.filter(pk=job_pk).update(
                progress=percent, stage=stage, updated_at=timezone.now()
            )

    return report


def _finish(job_pk, *, keep_file=False, **fields):
    fields.setdefault("finished_at", timezone.now())
    if not keep_file:
        fields["content"] = b""  # the file is not kept once the job is over
    ImportJob.objects.filter(pk=job_pk).update(updated_at=timezone.now(), **fields)


def _fail(job_pk, failure: str) -> None:
    """Failed, the file kept for a retry (``discard_unconfirmed`` drops it after a day)."""
    _finish(job_pk, keep_file=True, status=JobStatus.FAILED, stage="", failure=failure)


def _errors(problems):
    return [problem.as_dict() for problem in problems[:MAX_ERRORS_KEPT]]


def _analyse(job: ImportJob) -> None:
    report = _progress_reporter(job.pk, _("Reading the workbook"))
    plan = analyse_workbook(job.organisation, bytes(job.content), progress=report)
    if plan.ok:
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.READY,
            progress=100,
            stage="",
            counts=plan.summary(),
            changes=plan.changes,
            notices=_errors(plan.notices),
            updated_at=timezone.now(),
        )
    else:
        _finish(
            job.pk,
            status=JobStatus.INVALID,
            progress=100,
            stage="",
            counts=plan.summary(),
            errors=_errors(plan.problems),
            error_count=len(plan.problems),
            notices=_errors(plan.notices),
        )


def _import(job: ImportJob) -> None:
    report = _progress_reporter(job.pk, _("Reading the workbook"))
    plan = analyse_workbook(job.organisation, bytes(job.content), progress=report)
    if not plan.ok:
        # The records changed since the preview: nothing is written.
        raise WorkbookInvalid(plan.problems)
    ImportJob.objects.filter(pk=job.pk).update(
        progress=99, stage=_("Writing the records"), updated_at=timezone.now()
    )
    result = import_workbook(
        None,
        organisation=job.organisation,
        by=job.created_by,
        file_name=job.file_name,
        plan=plan,
    )
    _finish(
        job.pk,
        status=JobStatus.DONE,
        progress=100,
        stage="",
        counts=result.counts,
        notices=_errors(result.notices),
    )


STEPS = {JobStep.CHECK: _analyse, JobStep.IMPORT: _import}


def _run(job_pk: int, step: str) -> str:
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_pk)
    with translation.override(job.language):
        try:
            STEPS[step](job)
        except WorkbookInvalid as invalid:
            _finish(
                job_pk,
                status=JobStatus.INVALID,
                progress=100,
                stage="",
                errors=_errors(invalid.problems),
                error_count=len(invalid.problems),
            )
        except Exception as error:  # a failed job is shown with its reason, never lost
            logger.exception("Workbook import job %s failed", job_pk)
            _fail(job_pk, _("Nothing was written. The error was: %(error)s") % {"error": error})
    return ImportJob.objects.filter(pk=job_pk).values_list("status", flat=True).get()


@task
def check_job(job_pk: int) -> str:
    """Check the workbook of the job ``job_pk`` (a task: run by the worker)."""
    return _run(job_pk, JobStep.CHECK)


@task
def import_job(job_pk: int) -> str:
    """Import the checked workbook of the job ``job_pk`` (a task: run by the worker)."""
    return _run(job_pk, JobStep.IMPORT)


TASKS = {JobStep.CHECK: check_job, JobStep.IMPORT: import_job}


def _start(job: ImportJob, step: str) -> None:
    if _runs_in_the_request(job):
        _run(job.pk, step)
    else:
        enqueue_after_commit(TASKS[step], job.pk, job=job)


def discard_unconfirmed(organisation) -> int:
    """Checked workbooks left unconfirmed for a day lose their file (personal data is
    not kept for nothing); they can no longer be imported. Failed jobs left a day lose
    theirs too: they can no longer be retried."""
    cutoff = timezone.now() - UNCONFIRMED_KEPT
    ImportJob.objects.filter(
        organisation=organisation, status=JobStatus.FAILED, updated_at__lt=cutoff
    ).exclude(content=b"").update(content=b"")
    return ImportJob.objects.filter(
        organisation=organisation, status=JobStatus.READY, updated_at__lt=cutoff
    ).update(
        status=JobStatus.FAILED,
        content=b"",
        stage="",
        finished_at=timezone.now(),
        failure=_("Not confirmed within a day: the file was discarded. Send it again."),
    )


def job_submit(*, organisation, by, file_name: str, content: bytes, language: str) -> ImportJob:
    """Keep the uploaded workbook and start checking it."""
    discard_unconfirmed(organisation)
    job = ImportJob.objects.create(
        organisation=organisation,
        created_by=by,
        file_name=file_name[:255],
        file_size=len(content),
        content=content,
        language=language,
        stage=_("Waiting"),
        step=JobStep.CHECK,
    )
    _start(job, JobStep.CHECK)
    return job


def job_confirm(*, job: ImportJob) -> bool:
    """Import a checked workbook; False when the job was not waiting for confirmation
    (confirmed twice, or not ready)."""
    moved = ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
        status=JobStatus.IMPORTING,
        step=JobStep.IMPORT,
        progress=0,
        stage=_("Waiting"),
        updated_at=timezone.now(),
    )
    if not moved:
        return False
    _start(job, JobStep.IMPORT)
    return True


def job_retry(*, job: ImportJob) -> bool:
    """Run again the step that failed (the check, or the import); False when the job
    had not failed or its file is no longer kept."""
    step = ImportJob.objects.filter(pk=job.pk).values_list("step", flat=True).get()
    status = JobStatus.IMPORTING if step == JobStep.IMPORT else JobStatus.ANALYSING
    moved = (
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.FAILED)
        .exclude(content=b"")
        .update(
            status=status,
            progress=0,
            stage=_("Waiting"),
            failure="",
            finished_at=None,
            task_id="",
            updated_at=timezone.now(),
        )
    )
    if not moved:
        return False
    _start(job, step)
    return True


def job_watch(job: ImportJob) -> TaskState:
    """The state of a running job's task; a job that will never finish (its task failed
    or was lost with its worker) is recorded failed, its file kept for a retry."""
    if job.status not in RUNNING:
        return TaskState(State.UNKNOWN)
    state = task_state(job.task_id)
    if state.stalled:
        failure = _("The work was interrupted (the worker stopped). Nothing was written.")
    elif state.state == State.UNKNOWN and job.stalled:
        failure = _("The work was interrupted (the server restarted). Nothing was written.")
    else:
        return state
    if state.reason:
        failure = f"{failure} ({state.reason})"
    moved = ImportJob.objects.filter(pk=job.pk, status__in=RUNNING).update(
        status=JobStatus.FAILED, stage="", failure=failure, finished_at=timezone.now()
    )
    if moved:
        logger.warning("Workbook import job %s was interrupted: %s", job.pk, state)
    return state
