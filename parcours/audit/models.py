from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Opened")


class AuditEventQuerySet(models.QuerySet):
    def in_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def by_actor(self, actor_id):
        return self.filter(actor_id=actor_id)

    def about(self, record_type: str, record_id: str | None = None):
        events = self.filter(record_type=record_type)
        return events if record_id in (None, "") else events.filter(record_id=str(record_id))


class AuditEvent(models.Model):
    """One create, change, delete or opening of a record: who, when, what changed.

    The record is named by type and id (not a foreign key) so that the trail outlives
    the record it speaks of.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for changes made by the system (imports, demo data)."),
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    record_type = models.CharField(
        _("record type"), max_length=100, help_text=_("app_label.model of the record.")
    )
    record_id = models.CharField(_("record id"), max_length=64)
    record_label = models.CharField(_("record"), max_length=255)
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        help_text=_("For each changed field, its value before and after."),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

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
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.record_label}"

    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for each change, labelled in the reader's language."""
        return [
            (self._field_label(name), change["before"], change["after"])
            for name, change in self.changes.items()
        ]

    def _field_label(self, attname: str) -> str:
        try:
            model = apps.get_model(self.record_type)
            field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        except (LookupError, ValueError, StopIteration):
            return attname
        return str(field.verbose_name).capitalize()
