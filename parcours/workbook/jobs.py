"""Running the web imports: checking the file, then importing it once confirmed.

A small file is handled during the request; a larger one in a thread of the web
process, while the page polls the job (htmx). No queue server is needed: the job row
carries the status and the progress. A job whose thread died with its process (a
restart) stops moving and is shown as failed after ``STALLED_AFTER``; the import itself
is one transaction, so an interrupted import has written nothing.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.workbook.enums import JobStatus
from parcours.workbook.importer import WorkbookInvalid, analyse_workbook, import_workbook
from parcours.workbook.models import ImportJob

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 1000
DEFAULT_INLINE_BYTES = 300 * 1024
UNCONFIRMED_KEPT = timedelta(days=1)


def _runs_in_background(job) -> bool:
    if not getattr(settings, "WORKBOOK_BACKGROUND", True):
        return False
    return job.file_size > getattr(settings, "WORKBOOK_INLINE_BYTES", DEFAULT_INLINE_BYTES)


def _progress_reporter(job_pk, stage):
    last = [-1]

    def report(percent):
        if percent != last[0]:
            last[0] = percent
            ImportJob.objects.filter(pk=job_pk).update(
                progress=percent, stage=stage, updated_at=timezone.now()
            )

    return report


def _finish(job_pk, **fields):
    fields.setdefault("finished_at", timezone.now())
    fields.setdefault("content", b"")  # the file is not kept once the job is over
    ImportJob.objects.filter(pk=job_pk).update(updated_at=timezone.now(), **fields)


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
    _finish(job.pk, status=JobStatus.DONE, progress=100, stage="", counts=result.counts)


def _run(job_pk: int, task) -> None:
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_pk)
    with translation.override(job.language):
        try:
            task(job)
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
            _finish(
                job_pk,
                status=JobStatus.FAILED,
                stage="",
                failure=_("Nothing was written. The error was: %(error)s") % {"error": error},
            )


def _in_thread(job_pk, task):
    try:
        _run(job_pk, task)
    finally:
        connections.close_all()


def _start(job: ImportJob, task) -> None:
    if _runs_in_background(job):
        thread = threading.Thread(
            target=_in_thread, args=(job.pk, task), name=f"workbook-job-{job.pk}", daemon=True
        )
        transaction.on_commit(thread.start)
    else:
        _run(job.pk, task)


def discard_unconfirmed(organisation) -> int:
    """Checked workbooks left unconfirmed for a day lose their file (personal data is
    not kept for nothing); they can no longer be imported."""
    return ImportJob.objects.filter(
        organisation=organisation,
        status=JobStatus.READY,
        updated_at__lt=timezone.now() - UNCONFIRMED_KEPT,
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
    )
    _start(job, _analyse)
    return job


def job_confirm(*, job: ImportJob) -> bool:
    """Import a checked workbook; False when the job was not waiting for confirmation
    (confirmed twice, or not ready)."""
    moved = ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
        status=JobStatus.IMPORTING, progress=0, stage=_("Waiting"), updated_at=timezone.now()
    )
    if not moved:
        return False
    _start(job, _import)
    return True


def job_mark_stalled(job: ImportJob) -> None:
    """Record that a job stopped moving (its process ended) as failed."""
    _finish(
        job.pk,
        status=JobStatus.FAILED,
        stage="",
        failure=_("The work was interrupted (the server restarted). Nothing was written."),
    )
