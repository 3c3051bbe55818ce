from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned
from parcours.workbook.enums import RUNNING, JobStatus, JobStep
from parcours.workbook.format import column_label, sheet_label
from parcours.workbook.problems import placed, stored_message

# A job run in a request (no task to ask about) that has not moved for this long was cut
# off (the server restarted). A job run by the worker is watched through its task.
STALLED_AFTER = timedelta(minutes=15)


def _worded(kept: dict) -> dict:
    sheet = kept.get("sheet") or ""
    return {
        **kept,
        "message": stored_message(kept),
        "sheet_label": sheet_label(sheet),
        "column_label": column_label(sheet, kept.get("column") or ""),
    }


class ImportJobQuerySet(models.QuerySet):
    def without_file(self):
        """The jobs without their file, with ``file_kept``: whether a retry is possible."""
        return self.defer("content").annotate(
            file_kept=models.ExpressionWrapper(
                ~models.Q(content=b""), output_field=models.BooleanField()
            )
        )


class ImportJob(OrganisationOwned):
    """One workbook sent for import through the web: the file while it is needed, the
    progress of its checking and of its import, and what came out of them."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last progress"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"))
    content = models.BinaryField(
        _("file"),
        editable=False,
        help_text=_("The uploaded workbook, kept until the import is done or abandoned."),
    )
    language = models.CharField(
        _("language"), max_length=5, help_text=_("The language of the messages.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.ANALYSING
    )
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    counts = models.JSONField(
        _("counts"),
        default=dict,
        blank=True,
        help_text=_("Created, changed and unchanged rows by sheet."),
    )
    changes = models.JSONField(
        _("changes"), default=list, blank=True, help_text=_("Examples of the changes to come.")
    )
    errors = models.JSONField(
        _("errors"),
        default=list,
        blank=True,
        help_text=_("Sheet, row, column, and the code of the problem with its parameters."),
    )
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    notices = models.JSONField(
        _("notices"),
        default=list,
        blank=True,
        help_text=_("What the import skips without stopping: the sheet, the column, the code."),
    )
    failure = models.TextField(_("reason of the failure"), blank=True)
    step = models.CharField(
        _("step"), max_length=10, choices=JobStep.choices, default=JobStep.CHECK
    )
    task_id = models.CharField(
        _("task"),
        max_length=64,
        blank=True,
        help_text=_("The background task running the step (empty when run in the request)."),
    )

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("workbook import")
        verbose_name_plural = _("workbook imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="import_job_recent_idx")
        ]

    def __str__(self):
        return self.file_name

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    def error_rows(self) -> list[dict]:
        """The kept errors, each with its ``message`` worded in the reader's language
        (from its code; an error kept before the codes, as it was written), and its sheet
        and column named as the template of that language names them."""
        return [_worded(error) for error in self.errors]

    def notice_rows(self) -> list[dict]:
        """The kept notices (a sheet or a column skipped), worded as the errors are, with
        their place in one sentence."""
        rows = [_worded(notice) for notice in self.notices]
        for row in rows:
            column = row["column_label"] if row.get("column") else ""
            row["text"] = placed(row["sheet_label"], row.get("row"), column, row["message"])
        return rows

    def count_rows(self) -> list[dict]:
        """The counts by sheet, each sheet named as the template of the reader's language
        names it."""
        return [
            {"sheet_label": sheet_label(sheet), **numbers} for sheet, numbers in self.counts.items()
        ]

    def change_rows(self) -> list[dict]:
        """The records that will change, their sheet and columns named in the reader's
        language."""
        return [
            {
                **change,
                "sheet_label": sheet_label(change["sheet"]),
                "column_labels": [column_label(change["sheet"], name) for name in change["fields"]],
            }
            for change in self.changes
        ]

    @property
    def stalled(self) -> bool:
        return self.running and timezone.now() - self.updated_at > STALLED_AFTER
