"""How long a piece of individual work took (an intervention, an assessment, a literacy
test): the bounds every form and import checks, and the field that stores it."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.expressions import Combinable
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MIN_MINUTES = 1
MAX_MINUTES = 12 * 60  # a working day and more: beyond it, a typing mistake


def _bounds() -> str:
    return gettext("A duration goes from %(min)s minute to %(max)s minutes (12 hours).") % {
        "min": MIN_MINUTES,
        "max": MAX_MINUTES,
    }


# In the language of the request that shows it, not of the process that imported this.
DURATION_BOUNDS = lazy(_bounds, str)()


def duration_validators() -> list:
    return [MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]


# A null field: the type checker reads its values as ``int | None``.
type NullMinutesField = models.PositiveIntegerField[int | Combinable | None, int | None]


def recorded_duration_field() -> NullMinutesField:
    """The duration of a record kept before durations were asked for: empty means "not
    recorded" (never guessed), and the reports count such records apart."""
    return models.PositiveIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=duration_validators(),
        help_text=_("Time spent, counted in the reports; empty when it was not recorded."),
    )


def duration_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": MIN_MINUTES, "max": MAX_MINUTES, "step": 5})


def duration_form_field(*, required: bool) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Duration (minutes)"),
        required=required,
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        widget=duration_widget(),
        error_messages={
            "required": _("Say how long it took, in minutes."),
            "invalid": _("Write the duration as a whole number of minutes."),
            "min_value": DURATION_BOUNDS,
            "max_value": DURATION_BOUNDS,
        },
    )
