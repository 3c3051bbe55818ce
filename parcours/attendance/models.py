from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.attendance.enums import Presence
from parcours.workshops.models import Session


class Attendance(models.Model):
    """One participant's presence at one session."""

    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    status = models.CharField(_("presence"), max_length=10, choices=Presence.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_once_per_session"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "session"], name="attendance_person_idx"),
            # The marks of a week of sessions read from the index alone, with their
            # status (the dashboard's absences in a row, docs/performance.md).
            models.Index(
                fields=["session", "participant", "status"], name="attendance_session_marks_idx"
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.session} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The register is started (``parcours.attendance.marks``).
        Session.objects.filter(pk=self.session_id, has_marks=False).update(has_marks=True)
        from parcours.attendance.runs import refresh_runs

        refresh_runs([self.participant_id])

    @property
    def organisation_id(self):
        return self.session.organisation_id


class AbsenceRun(models.Model):
    """A person's current run of absences, kept with the marks (``parcours.attendance.runs``):
    the unexcused absences after their latest other mark, among the marks of held
    sessions (a cancelled session's marks are ignored), so that the dashboard reads the
    few people whose run is long instead of weeks of marks. One row per person with a
    mark of a held session."""

    participant = models.OneToOneField(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="absence_run",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    absences = models.PositiveIntegerField(_("absences in a row"))
    since = models.DateField(_("first absence of the run"), null=True)
    last = models.DateField(_("last absence of the run"), null=True)
    last_marked = models.DateField(_("date of the latest mark"))

    class Meta:
        verbose_name = _("run of absences")
        verbose_name_plural = _("runs of absences")
        indexes = [
            models.Index(fields=["organisation", "absences"], name="absencerun_org_absences_idx"),
            models.Index(fields=["organisation", "last_marked"], name="absencerun_org_marked_idx"),
        ]

    def __str__(self):
        return f"{self.participant_id}: {self.absences}"
