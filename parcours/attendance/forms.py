import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.attendance.enums import Presence


class CorrectionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Presence"), choices=Presence.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason of the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail with the correction."),
    )


def month_asked(request) -> datetime.date:
    """The first day of the month the address asks for (``?month=YYYY-MM``), or of this
    month."""
    return month_from(request.GET.get("month"), default=timezone.localdate())


def month_from(value: str | None, *, default: datetime.date) -> datetime.date:
    """The first day of the month named ``YYYY-MM``, or of ``default``'s month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return default.replace(day=1)


class PeriodForm(forms.Form):
    """A period of at most two years, for the figures."""

    first = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    MAX_DAYS = 2 * 366

    @staticmethod
    def year_to_date(today):
        return {"first": today.replace(month=1, day=1), "last": today}

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end of the period comes before its start."))
            elif (last - first).days > self.MAX_DAYS:
                self.add_error("last", _("Choose a period of two years at most."))
        return cleaned
