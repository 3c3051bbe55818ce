from django.db import models
from django.utils.translation import get_language
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


# The mark codes of the grids and sheets, one table per language: a reader reads the
# initial of the word in their own language (French "R" for retard, Dutch "Aw"/"Af" for
# aanwezig/afwezig beside "L" for laat, "V" for verontschuldigd).
MARK_CODES = {
    "en": {Presence.PRESENT: "P", Presence.LATE: "L", Presence.EXCUSED: "E", Presence.ABSENT: "A"},
    "fr": {Presence.PRESENT: "P", Presence.LATE: "R", Presence.EXCUSED: "E", Presence.ABSENT: "A"},
    "nl": {
        Presence.PRESENT: "Aw",
        Presence.LATE: "L",
        Presence.EXCUSED: "V",
        Presence.ABSENT: "Af",
    },
}


def mark_codes(language: str | None = None) -> dict:
    """The table of ``language`` (the active one by default; French when unknown)."""
    return MARK_CODES.get((language or get_language() or "fr")[:2], MARK_CODES["fr"])
