"""Asking for a file, preparing it in a task, handing it out, and forgetting it.

The view asks (``request_download``): the row is written and the task enqueued once the
transaction commits. The task (``parcours.downloads.tasks``) runs ``run_download``: the
kind's builder writes the file, telling its progress on the row, which the page polls. A
failure keeps a reason a person can read (never a stack trace: that goes to the log) and
may be retried with the same parameters. Files hold personal data: they are kept
``DOWNLOADS_KEPT_HOURS`` at most, and ``DOWNLOADS_KEPT_AFTER_DOWNLOAD_MINUTES`` once
downloaded; ``purge_expired_downloads`` (the nightly schedule, and each new request)
deletes them.
"""

import datetime
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Least
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.audit.services import record_opened
from parcours.background.jobs import State, TaskState, enqueue_after_commit, task_state
from parcours.downloads.enums import DownloadStatus
from parcours.downloads.kinds import KINDS, Progress
from parcours.downloads.models import Download

logger = logging.getLogger(__name__)


def kept_for() -> timedelta:
    return timedelta(hours=getattr(settings, "DOWNLOADS_KEPT_HOURS", 24))


def kept_after_download() -> timedelta:
    return timedelta(minutes=getattr(settings, "DOWNLOADS_KEPT_AFTER_DOWNLOAD_MINUTES", 10))


def history_kept() -> timedelta:
    return timedelta(days=getattr(settings, "DOWNLOADS_HISTORY_DAYS", 30))


def _enqueue_on_commit(download: Download) -> None:
    from parcours.downloads.tasks import prepare_download

    enqueue_after_commit(prepare_download, download.pk, job=download)


@transaction.atomic
def request_download(
    *, user: User, kind: str, parameters: dict[str, Any], language: str
) -> Download:
    """Keep what was asked and have it prepared once the transaction commits. The
    parameters are those the kind's ``ask`` checked."""
    organisation_id = user.organisation_id
    if organisation_id is None:  # every kind needs a capability held through a CPAS
        raise PermissionDenied
    purge_expired_downloads(organisation=user.organisation)
    download = Download.objects.create(
        organisation_id=organisation_id,
        requested_by=user,
        kind=kind,
        parameters=parameters,
        language=language,
        stage=_("Waiting for a worker"),
        attempts=1,
    )
    _enqueue_on_commit(download)
    return download


@transaction.atomic
def retry_download(download: Download, *, language: str) -> bool:
    """Prepare a failed (or expired) download again, with the same parameters; False
    when there is nothing to retry (it is being prepared, or ready)."""
    if not download.may_retry:
        return False
    updated = Download.objects.filter(
        pk=download.pk, status__in=(DownloadStatus.FAILED, DownloadStatus.DONE)
    ).update(
        status=DownloadStatus.QUEUED,
        progress=0,
        stage=_("Waiting for a worker"),
        failure="",
        content=b"",
        size=0,
        language=language,
        attempts=download.attempts + 1,
        started_at=None,
        finished_at=None,
        expires_at=None,
        downloaded_at=None,
        purged_at=None,
        updated_at=timezone.now(),
    )
    if updated:
        _enqueue_on_commit(download)
    return bool(updated)


# -- In the task ------------------------------------------------------------------------------


def _reporter(download_pk: int) -> Progress:
    last: list[tuple[int, str] | None] = [None]

    def report(percent: int, stage: str = "") -> None:
        percent = max(0, min(int(percent), 99))  # 100 % is for the file saved
        if (percent, stage) != last[0]:
            last[0] = (percent, stage)
            Download.objects.filter(pk=download_pk).update(
                progress=percent, stage=stage[:100], updated_at=timezone.now()
            )

    return report


def _reason(error: Exception, download_pk: int) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, PermissionDenied | Http404):
        return _("You may no longer have this file: your role or the records have changed.")
    return _(
        "An unexpected error stopped the preparation (reference %(reference)s). Try again; "
        "if it fails again, tell your administrator."
    ) % {"reference": f"D{download_pk}"}


def _fail(download_pk: int, reason: str) -> None:
    Download.objects.filter(pk=download_pk).update(
        status=DownloadStatus.FAILED,
        stage="",
        failure=reason,
        content=b"",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def run_download(download_pk: int) -> str:
    """Prepare the file of a queued download (what the task does); a download no longer
    queued (already prepared, or taken by another worker) is left as it is."""
    now = timezone.now()
    taken = Download.objects.filter(pk=download_pk, status=DownloadStatus.QUEUED).update(
        status=DownloadStatus.RUNNING,
        progress=0,
        stage=_("Starting"),
        started_at=now,
        updated_at=now,
    )
    if not taken:
        return "skipped"
    download = (
        Download.objects.without_file()
        .select_related("organisation", "requested_by")
        .get(pk=download_pk)
    )
    kind = KINDS[download.kind]
    with translation.override(download.language or settings.LANGUAGE_CODE):
        try:
            # The requester may have lost the right while the file waited.
            kind.allows(download.requested_by, download.parameters)
            built = kind.build(download.organisation, download.parameters, _reporter(download_pk))
        except Exception as error:
            logger.exception("Download %s (%s) failed", download_pk, download.kind)
            _fail(download_pk, _reason(error, download_pk))
            raise
    now = timezone.now()
    Download.objects.filter(pk=download_pk).update(
        status=DownloadStatus.DONE,
        progress=100,
        stage="",
        content=built.content,
        size=len(built.content),
        file_name=built.file_name[:255],
        content_type=built.content_type,
        traced_type=ContentType.objects.get_for_model(built.traced),
        traced_id=str(built.traced.pk),
        finished_at=now,
        expires_at=now + kept_for(),
        updated_at=now,
    )
    return "done"


# -- Handing out and forgetting -------------------------------------------------------------


def download_watch(download: Download) -> TaskState:
    """The state of an unfinished download's task. One that will never finish (its task
    failed or was lost with its worker, or, with a backend that keeps no results, it has
    not moved for a long while) is recorded failed: it may be retried."""
    if not download.unfinished:
        return TaskState(State.UNKNOWN)
    state = task_state(download.task_id)
    if state.stalled or (state.state == State.UNKNOWN and download.stalled):
        _fail(download.pk, _("The preparation was interrupted (the worker stopped). Try again."))
        download.refresh_from_db(fields=["status", "stage", "failure", "finished_at"])
    return state


@transaction.atomic
def open_download(download: Download, *, by: User) -> bytes:
    """The file, for its requester (whom the view checked), traced in the audit trail as
    the direct download is; it is then kept only a short while."""
    content = bytes(Download.objects.filter(pk=download.pk).values_list("content", flat=True)[0])
    traced = download.traced or download.organisation
    record_opened(obj=traced, by=by, purpose=KINDS[download.kind].purpose)
    now = timezone.now()
    Download.objects.filter(pk=download.pk).update(
        downloaded_at=now, expires_at=Least("expires_at", now + kept_after_download())
    )
    return content


def scheduled_purge(organisation: Organisation, today: datetime.date) -> dict[str, int]:
    """The nightly job (parcours.background.schedule): the organisation's files past their
    time deleted."""
    return {"purged": purge_expired_downloads(organisation=organisation)}


def purge_expired_downloads(
    now: datetime.datetime | None = None, *, organisation: Organisation | None = None
) -> int:
    """Delete the files past their time (the rows stay a while, without the file, so
    that "My downloads" says what happened); forget the rows older than
    ``DOWNLOADS_HISTORY_DAYS``. Returns the number of files deleted. Idempotent: the
    nightly schedule calls it, and so does each new request."""
    now = now or timezone.now()
    downloads = Download.objects.all()
    if organisation is not None:
        downloads = downloads.filter(organisation=organisation)
    purged = downloads.filter(
        status=DownloadStatus.DONE, purged_at__isnull=True, expires_at__lte=now
    ).update(content=b"", purged_at=now)
    downloads.filter(created_at__lt=now - history_kept()).delete()
    return purged
