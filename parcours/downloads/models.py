from datetime import timedelta
from typing import Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned
from parcours.downloads.enums import UNFINISHED, DownloadStatus

# A download being prepared that has not moved for this long was cut off (its worker
# stopped): it is shown as failed, and may be retried.
STALLED_AFTER = timedelta(minutes=15)


def kind_choices():
    # The kinds' table imports the builders of several apps: read when needed only.
    from parcours.downloads.kinds import KINDS

    return [(kind.key, kind.label) for kind in KINDS.values()]


class DownloadQuerySet(models.QuerySet["Download"]):
    def without_file(self) -> Self:
        return self.defer("content")

    def of(self, user: object) -> Self:
        """The downloads a user asked for, in their organisation: nobody else's."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        return self.filter(organisation_id=user.organisation_id, requested_by=user)

    def asked_for(self, kind: str, **parameters):
        """The downloads of one kind asked with these parameters (a grant's packs)."""
        return self.filter(
            kind=kind, **{f"parameters__{name}": value for name, value in parameters.items()}
        )


class Download(OrganisationOwned):
    """A file prepared in the background (a workbook export, a grant's pack, a report):
    what was asked, by whom, the progress of its preparation, and the file itself while
    it is kept (``DOWNLOADS_KEPT_HOURS``, then ``purge_expired_downloads`` empties it).

    The file is kept in the database, not on disk: it is written in the same transaction
    as its status, it reaches the web server wherever the worker runs (several machines
    share the database, not a disk), and no URL can ever serve it; only the view that
    checks who asks hands it out."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=kind_choices)
    parameters = models.JSONField(
        _("parameters"), default=dict, blank=True, help_text=_("What the file is made of.")
    )
    language = models.CharField(
        _("language"), max_length=5, help_text=_("The language the file is written in.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DownloadStatus.choices, default=DownloadStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    content = models.BinaryField(_("file"), editable=False, default=b"")
    size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    failure = models.TextField(_("reason of the failure"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The record whose opening the download is traced as (the organisation, a grant, a
    # closed year), set by the builder.
    traced_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    traced_id = models.CharField(max_length=40, blank=True)
    traced = GenericForeignKey("traced_type", "traced_id")
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    purged_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    objects = DownloadQuerySet.as_manager()

    class Meta:
        verbose_name = _("prepared download")
        verbose_name_plural = _("prepared downloads")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "requested_by", "-created_at"], name="download_recent_idx"
            ),
            models.Index(fields=["expires_at"], name="download_expiry_idx"),
        ]

    def __str__(self):
        return self.file_name or self.get_kind_display()

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def stalled(self) -> bool:
        return (
            self.status == DownloadStatus.RUNNING
            and timezone.now() - self.updated_at > STALLED_AFTER
        )

    @property
    def expired(self) -> bool:
        """Prepared, but its file is gone (or past its time)."""
        return self.status == DownloadStatus.DONE and (
            self.purged_at is not None
            or (self.expires_at is not None and self.expires_at <= timezone.now())
        )

    @property
    def available(self) -> bool:
        return self.status == DownloadStatus.DONE and not self.expired

    @property
    def may_retry(self) -> bool:
        return self.status == DownloadStatus.FAILED or self.expired
