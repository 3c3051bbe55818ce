"""What the background machinery records about itself: which workers are alive, and
which scheduled jobs ran for which organisation on which day."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running ``manage.py worker``: written when it starts, touched every
    ``HEARTBEAT_EVERY`` seconds and between tasks, deleted when it stops cleanly. A row
    whose ``last_seen`` is old is a worker that died (killed, machine down)."""

    name = models.CharField(
        _("name"),
        max_length=64,
        unique=True,
        help_text=_("The worker id recorded on the tasks it runs."),
    )
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    queue = models.CharField(_("queues"), max_length=255)
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-last_seen"]

    def __str__(self):
        return self.name


class ScheduleRun(models.Model):
    """One scheduled job claimed for one organisation on one day: the unique constraint
    is what makes ``run_schedule`` do nothing the second time it runs on a day."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=100)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    result = models.JSONField(_("result"), default=None, null=True, blank=True)
    failure = models.TextField(_("reason of the failure"), blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "organisation", "day"], name="schedule_run_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.job} {self.day}"
