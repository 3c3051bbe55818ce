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

    @property
    def organisation_id(self):
        return self.session.organisation_id
