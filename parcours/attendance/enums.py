from django.db import models
from django.utils.translation import gettext_lazy as _


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# Who was there: a late arrival attended.
ATTENDED = (Presence.PRESENT, Presence.LATE)
