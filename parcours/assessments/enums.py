from django.db import models
from django.utils.translation import gettext_lazy as _


class Moment(models.TextChoices):
    ENTRY = "entry", _("Entry")
    MIDDLE = "middle", _("Middle")
    END = "end", _("End")


class Rating(models.IntegerChoices):
    CRITICAL = 1, _("1 · Critical situation")
    SERIOUS = 2, _("2 · Serious difficulties")
    FRAGILE = 3, _("3 · Fragile")
    STABILISED = 4, _("4 · Stabilised")
    AUTONOMOUS = 5, _("5 · Autonomous")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    GIVEN_UP = "given_up", _("Given up")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.UNDER_WAY)
