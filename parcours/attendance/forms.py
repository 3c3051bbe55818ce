import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.attendance.enums import Presence, RegisterState
from parcours.core.forms import record_choice
from parcours.core.widgets import SearchChoiceField
from parcours.programme.forms import GroupSearchField
from parcours.programme.models import Group
from parcours.programme.selectors import visible_groups
from parcours.workshops.models import Workshop

if TYPE_CHECKING:
    from parcours.accounts.http import OrganisationUser


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


def month_asked(request: HttpRequest) -> datetime.date:
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
    def year_to_date(today: datetime.date) -> dict[str, datetime.date]:
        return {"first": today.replace(month=1, day=1), "last": today}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end of the period comes before its start."))
            elif (last - first).days > self.MAX_DAYS:
                self.add_error("last", _("Choose a period of two years at most."))
        return cleaned


class WorkshopSearchField(SearchChoiceField):
    """A workshop of the catalogue picked by searching its name
    (attendance:workshop_search)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("url_name", "attendance:workshop_search")
        super().__init__(**kwargs)


def searchable_workshops(user: "OrganisationUser") -> QuerySet[Workshop]:
    """The workshops a register's filter offers: the organisation's catalogue."""
    return Workshop.objects.filter(organisation_id=user.organisation_id)


class RegisterFilterForm(forms.Form):
    """The register list's filters, read from the query string; a value that does not fit
    is shown as an error and its filter ignored, the others still apply. Without a period
    in the address, the list shows the last two weeks and the week to come."""

    first = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    last = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    group = GroupSearchField(label=_("Group"), queryset=Group.objects.none(), required=False)
    workshop = WorkshopSearchField(
        label=_("Workshop"), queryset=Workshop.objects.none(), required=False
    )
    state = forms.ChoiceField(
        label=_("State of the register"),
        required=False,
        choices=[("", _("Any state")), *RegisterState.choices],
    )

    DAYS_BACK = 14
    DAYS_AHEAD = 7

    def __init__(
        self, data: QueryDict, *, user: "OrganisationUser", today: datetime.date, **kwargs: Any
    ) -> None:
        data = data.copy()
        # The default period, unless the address names one (even empty: no bound).
        if "first" not in data:
            data["first"] = (today - datetime.timedelta(days=self.DAYS_BACK)).isoformat()
        if "last" not in data:
            data["last"] = (today + datetime.timedelta(days=self.DAYS_AHEAD)).isoformat()
        super().__init__(data, **kwargs)
        record_choice(self, "group").queryset = visible_groups(user)
        record_choice(self, "workshop").queryset = searchable_workshops(user)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and last < first:
            self.add_error("last", _("The end of the period comes before its start."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters, as ``selectors.registers_matching`` takes them."""
        self.is_valid()
        names = ("first", "last", "group", "workshop", "state")
        return {
            name: self.cleaned_data[name]
            for name in names
            if name not in self.errors and self.cleaned_data.get(name) not in (None, "")
        }
