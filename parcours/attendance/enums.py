from django.db import models
from django.utils.translation import gettext_lazy as _


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# Who was there: a late arrival attended.
ATTENDED = (Presence.PRESENT, Presence.LATE)


class RegisterState(models.TextChoices):
    """Where a held session's register stands (``selectors.with_register_state``)."""

    TO_TAKE = "to_take", _("To take")
    TAKEN = "taken", _("Taken, not validated")
    VALIDATED = "validated", _("Validated")
