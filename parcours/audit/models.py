from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.audit.labels import worded

# The error every attempt at rewriting the trail gets, from the model or the database.
IMMUTABLE_MESSAGE = "The audit trail cannot be changed: its rows can only be added."


class AuditTrailImmutable(Exception):
    """Raised when code tries to change or delete a row of the audit trail."""

    def __init__(self):
        super().__init__(IMMUTABLE_MESSAGE)


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Opened")


class AuditPurpose(models.TextChoices):
    """Why a record was read: every opening of a file, export or download says why."""

    CONSULTATION = "consultation", _("Consulting the file")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Download")
    PRINTING = "printing", _("Printing")
    REPORT = "report", _("Report")
    RIGHT_OF_ACCESS = "right_of_access", _("Right of access")


class AuditEventQuerySet(models.QuerySet):
    def in_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def by_actor(self, actor_id):
        return self.filter(actor_id=actor_id)

    def about(self, record_type: str, record_id: str | None = None):
        events = self.filter(record_type=record_type)
        return events if record_id in (None, "") else events.filter(record_id=str(record_id))

    def update(self, **kwargs):
        raise AuditTrailImmutable

    def delete(self):
        raise AuditTrailImmutable

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditTrailImmutable

    def bulk_create(self, objs, *args, **kwargs):
        # Rows are chained one by one (parcours.audit.chain): a bulk insert would skip it.
        raise TypeError("Audit events are written one at a time through parcours.audit.services.")


class AuditEvent(models.Model):
    """One create, change, delete or opening of a record: who, when, what changed.

    The record is named by type and id (not a foreign key) so that the trail outlives
    the record it speaks of. Rows are only ever added (the database refuses the rest,
    see ``parcours.audit.protection``) and each carries the hash of the organisation's
    previous row (``parcours.audit.chain``). What a row says about a participant is sealed
    with that person's key (``parcours.audit.sealing``): ``record_label`` is then neutral
    and ``changes`` empty, the real label and changes are in ``sealed``.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    # PROTECT: SET_NULL would rewrite audit rows (and the database refuses it); users
    # are deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for changes made by the system (imports, demo data)."),
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=AuditPurpose.choices,
        blank=True,
        help_text=_("Why the record was opened (empty for writes)."),
    )
    record_type = models.CharField(
        _("record type"), max_length=100, help_text=_("app_label.model of the record.")
    )
    record_id = models.CharField(_("record id"), max_length=64)
    record_label = models.CharField(_("record"), max_length=255)
    # Empty on the rows written before issue 20, whose hash does not cover it.
    label_message = models.JSONField(
        _("record, as a code"),
        null=True,
        blank=True,
        help_text=_(
            "The label as a code and its parameters, worded in the reader's language "
            "(parcours.audit.labels); the record field keeps the words of the time."
        ),
    )
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        help_text=_("For each changed field, its value before and after."),
    )
    subject_id = models.BigIntegerField(
        _("participant concerned"),
        null=True,
        blank=True,
        help_text=_("The participant whose key seals this row (none when it is about no one)."),
    )
    sealed = models.TextField(
        _("sealed content"),
        blank=True,
        help_text=_("The label and changes, encrypted with the participant's key."),
    )
    created_at = models.DateTimeField(
        _("when"), default=timezone.now, editable=False, db_index=True
    )
    sequence = models.PositiveBigIntegerField(_("number in the organisation's trail"))
    previous_hash = models.CharField(_("hash of the previous row"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="audit_org_recent_idx"),
            models.Index(
                fields=["organisation", "record_type", "record_id"], name="audit_record_idx"
            ),
            models.Index(fields=["organisation", "actor"], name="audit_actor_idx"),
            models.Index(fields=["organisation", "subject_id"], name="audit_subject_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sequence"], name="audit_sequence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.record_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailImmutable
        if not self.hash:
            raise TypeError("Write audit events through parcours.audit.services.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailImmutable

    @property
    def is_sealed(self) -> bool:
        return bool(self.sealed)

    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each change, labelled in the reader's language.

        A sealed row must have been opened first (``parcours.audit.sealing.open_events``).
        """
        return [
            (self._field_label(name), worded(change["before"]), worded(change["after"]))
            for name, change in self.plain_changes.items()
        ]

    @property
    def plain_changes(self) -> dict:
        return self.opened["changes"] if self.is_sealed else self.changes

    @property
    def plain_label(self) -> str:
        if self.is_sealed:
            return self.opened["label"]
        return worded(self.label_message, fallback=self.record_label)

    @property
    def opened(self) -> dict:
        """The unsealed label and changes ({"label": "", "changes": {}} once erased)."""
        if not hasattr(self, "_opened"):
            from parcours.audit.sealing import open_events

            open_events([self])
        return self._opened

    def _field_label(self, attname: str) -> str:
        try:
            model = apps.get_model(self.record_type)
            field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        except (LookupError, ValueError, StopIteration):
            return attname
        return str(field.verbose_name).capitalize()


class SubjectKey(models.Model):
    """A participant's own key for what the audit trail says about them.

    Destroying the key (``forget_subject``) erases the person from the trail without
    touching its rows, so the hash chain still verifies. An erased person keeps a row
    with no key, so that later writes about them are sealed with a key nobody keeps.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    participant_id = models.BigIntegerField()
    key = models.BinaryField(null=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant's audit key")
        verbose_name_plural = _("participants' audit keys")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "participant_id"], name="audit_subject_key_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.participant_id}"


class ChainHead(models.Model):
    """The last link of an organisation's chain, locked by each writer in turn so that
    two concurrent writes cannot both follow the same row."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"{self.organisation_id}#{self.sequence}"
