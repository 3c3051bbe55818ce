"""What each member of staff asked for, and the log of every message sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned
from parcours.reminders.enums import Channel, Frequency, MessageKind, MessageStatus, Weekday

# Without a choice of their own, staff get one digest a week, on Monday.
DEFAULT_FREQUENCY = Frequency.WEEKLY
DEFAULT_WEEKDAY = Weekday.MONDAY


class DigestPreference(models.Model):
    """How often a member of staff gets the digest of what is due."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_preference",
    )
    frequency = models.CharField(
        _("digest"),
        max_length=10,
        choices=Frequency.choices,
        default=DEFAULT_FREQUENCY,
        help_text=_("An e-mail with the number of things waiting for you, and links to them."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"),
        choices=Weekday.choices,
        default=DEFAULT_WEEKDAY,
        help_text=_("For a weekly digest."),
    )

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self):
        return f"{self.user} · {self.get_frequency_display()}"

    @property
    def organisation_id(self):
        return self.user.organisation_id


class MessageLog(OrganisationOwned):
    """One message sent (or tried) to a member of staff or a participant.

    It holds no text of the message and no address: what was sent, to whom, when, and
    whether it went. ``dedup_key`` names the message (kind, recipient, period): being
    unique in the organisation, a second run of the same day sends nothing more.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminder_messages",
    )
    period = models.CharField(
        _("period"), max_length=20, help_text=_("The day or the week the message is for.")
    )
    dedup_key = models.CharField(_("message key"), max_length=100, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message sent")
        verbose_name_plural = _("messages sent")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dedup_key"], name="message_log_once_per_key"
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) | models.Q(participant__isnull=True),
                name="message_log_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="message_log_org_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.period} · {self.get_status_display()}"
