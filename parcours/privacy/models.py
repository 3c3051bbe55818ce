import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.core.models import OrganisationOwned
from parcours.privacy.enums import ErasureReason, ProcessingKind

DEFAULT_RETENTION_YEARS = 5


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class RetentionPolicy(models.Model):
    """How long a file is kept after the person's last activity. Created the first time the
    coordinator saves it; until then the default applies."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="retention_policy",
    )
    years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "Years after the person's last activity in the programme after which the file "
            "is offered for anonymisation."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        return ngettext(
            "Retention period: %(years)s year", "Retention period: %(years)s years", self.years
        ) % {"years": self.years}

    def inactive_before(self, today: datetime.date) -> datetime.date:
        """Files whose last activity is before this day are past the period."""
        return years_before(today, self.years)


class Processing(OrganisationOwned):
    """One approved anonymisation or erasure: who approved it, when, and how many files it
    processed (the files are its ``files``)."""

    kind = models.CharField(_("kind"), max_length=20, choices=ProcessingKind.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when run from the command line."),
    )
    approved_at = models.DateTimeField(_("approved and processed at"), auto_now_add=True)
    inactive_before = models.DateField(
        _("last activity before"),
        null=True,
        blank=True,
        help_text=_("For an anonymisation: the files whose last activity came before this day."),
    )
    erasure_reason = models.CharField(
        _("reason for the erasure"), max_length=20, choices=ErasureReason.choices, blank=True
    )
    file_count = models.PositiveIntegerField(_("number of files"))

    class Meta:
        verbose_name = _("anonymisation or erasure")
        verbose_name_plural = _("anonymisations and erasures")
        ordering = ["-approved_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind=ProcessingKind.ANONYMISATION,
                    inactive_before__isnull=False,
                    erasure_reason="",
                )
                | Q(
                    kind=ProcessingKind.ERASURE,
                    file_count=1,
                    erasure_reason__in=ErasureReason.values,
                ),
                name="processing_kind_has_its_reason",
                violation_error_message=_(
                    "An anonymisation names its date, an erasure its reason and its one file."
                ),
            ),
        ]

    def __str__(self):
        if self.kind == ProcessingKind.ERASURE:
            return str(_("Erasure of a file on request"))
        return ngettext(
            "Anonymisation of %(count)s file", "Anonymisation of %(count)s files", self.file_count
        ) % {"count": self.file_count}


class ProcessedFile(models.Model):
    """A file an anonymisation or an erasure went through: at most once (one-to-one)."""

    processing = models.ForeignKey(
        Processing,
        verbose_name=_("anonymisation or erasure"),
        on_delete=models.PROTECT,
        related_name="files",
    )
    participant = models.OneToOneField(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="processing",
    )

    class Meta:
        verbose_name = _("processed file")
        verbose_name_plural = _("processed files")

    def __str__(self):
        # Written once the file is anonymised: its reference no longer points at the person.
        return f"{self.processing.get_kind_display()} · {self.participant.reference}"

    @property
    def organisation_id(self):
        return self.processing.organisation_id


class AnonymisationJob(OrganisationOwned):
    """The coordinator's approval of the retention queue, run by the worker (a task):
    its status, how many files it anonymised, or why it failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Under way")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    inactive_before = models.DateField(_("last activity before"))
    only = models.JSONField(
        _("files chosen"),
        null=True,
        blank=True,
        help_text=_("The ids of the files ticked; empty for every file due."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    processing = models.ForeignKey(
        Processing,
        verbose_name=_("anonymisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_count = models.PositiveIntegerField(_("number of files anonymised"), default=0)
    failure = models.TextField(_("reason of the failure"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("anonymisation under way")
        verbose_name_plural = _("anonymisations under way")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_status_display()} {self.inactive_before}"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
