import datetime
import json
from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.core.collation import sorted_by_name
from parcours.core.domains import Domain
from parcours.core.forms import FormMixin, IdChoiceField, VersionedForm, record_choice
from parcours.core.widgets import SearchMultipleChoiceField
from parcours.programme.forms import group_label
from parcours.programme.models import Group
from parcours.workshops.enums import ProviderKind
from parcours.workshops.models import ClosingPeriod, Provider, Session, Workshop

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def leaders_of(organisation: Organisation | int) -> QuerySet[User]:
    return (
        User.objects.in_organisation(organisation)
        .filter(
            is_active=True,
            role__in=[Role.COORDINATOR, Role.SOCIAL_WORKER, Role.WORKSHOP_LEADER],
        )
        .order_by("last_name", "first_name", "username")
    )


class WorkshopForm(VersionedForm, forms.ModelForm):
    domains = forms.MultipleChoiceField(
        label=_("Domains served"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The areas of life of the social assessment this workshop works on."),
    )

    class Meta:
        model = Workshop
        fields = ["name", "axis", "objectives"]
        help_texts = {"objectives": _("What the participants work on and learn.")}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        if self.instance.pk:
            self.initial["domains"] = [row.domain for row in self.instance.domains.all()]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Workshop.objects.filter(organisation=self.organisation, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another workshop already has this name."))
        return name


class ProviderForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "kind", "contact_name", "phone", "email", "leaders"]
        widgets = {"leaders": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        record_choice(self, "leaders").queryset = User.objects.filter(
            organisation=organisation, role=Role.WORKSHOP_LEADER
        ).order_by("last_name", "first_name")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Provider.objects.filter(organisation=self.organisation, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another provider already has this name."))
        return name


class ClosingPeriodForm(forms.ModelForm):
    class Meta:
        model = ClosingPeriod
        fields = ["label", "start_date", "end_date"]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}
        help_texts = {"label": _("For example: summer closing, end-of-year holidays.")}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation


class _LedByMixin:
    """Team sessions name no provider; subcontracted or partner ones name theirs."""

    def _setup_led_by(self, organisation):
        workshop = self.fields["workshop"]
        workshop.queryset = Workshop.objects.filter(organisation=organisation)
        # The menu in the order a reader looks for a name; the queryset still checks.
        workshop.choices = [
            ("", workshop.empty_label),
            *((each.pk, each.name) for each in sorted_by_name(workshop.queryset, name=str)),
        ]
        record_choice(self, "groups").queryset = Group.objects.filter(
            organisation=organisation
        ).order_by("-start_date", "name")
        record_choice(self, "provider").queryset = Provider.objects.filter(
            organisation=organisation
        )
        record_choice(self, "leader").queryset = leaders_of(organisation)

    def _clean_led_by(self, data):
        kind, provider = data.get("provider_kind"), data.get("provider")
        if kind == ProviderKind.TEAM:
            data["provider"] = None
            if not data.get("leader"):
                self.add_error("leader", _("Name the team member who leads the session."))
        elif kind:
            if provider is None:
                self.add_error("provider", _("Choose the subcontractor or partner."))
            elif provider.kind != kind:
                self.add_error("provider", _("This provider is not of the kind chosen."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("A session ends after it starts."))
        return data

    def _clean_groups_running(self, data, first, last, message):
        """Only the groups running at the session's date (the series' period) take part."""
        if not (first and last and data.get("groups")):
            return
        for group in data["groups"]:
            if group.start_date > last or group.end_date < first:
                self.add_error(
                    "groups",
                    message
                    % {
                        "name": group.name,
                        "start": date_format(group.start_date, "SHORT_DATE_FORMAT"),
                        "end": date_format(group.end_date, "SHORT_DATE_FORMAT"),
                    },
                )


def _canonical(value: Any) -> Any:
    """A cleaned value as plain JSON: records by id, sets of records sorted."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return sorted(_canonical(each) for each in value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


class ClashConfirmation(FormMixin):
    """Saving despite clashes: the "save anyway" button sends a key bound to the user, to
    exactly the values checked and to the clashes shown, so that any change (of a value,
    or a new clash) asks again."""

    CONFIRM = "confirm_clashes"

    def clash_key(self, clashes, *, user) -> str:
        values = {
            name: _canonical(value)
            for name, value in self.cleaned_data.items()
            if name != self.CONFIRM
        }
        shown = sorted((clash.other.pk, clash.kind, clash.label) for clash in clashes)
        payload = json.dumps([user.pk, values, shown], sort_keys=True, default=str)
        return salted_hmac("parcours.workshops.clashes", payload, algorithm="sha256").hexdigest()

    def clashes_confirmed(self, clashes, *, user) -> bool:
        sent = self.data.get(self.CONFIRM) or ""
        return bool(sent) and constant_time_compare(sent, self.clash_key(clashes, user=user))


class GroupsSearchField(SearchMultipleChoiceField):
    """The groups of a session, searched one after another (programme:group_search)."""

    def __init__(self, *, dates: str, **kwargs: Any) -> None:
        super().__init__(url_name="workshops:group_search", **kwargs)
        # The search hears of the date fields as they are filled (the id of each).
        self.widget.attrs["hx-include"] = dates

    def label_from_instance(self, group: Group) -> str:
        return group_label(group)


def _led_by_fields(*, dates: str, groups_help: str | Promise) -> dict[str, forms.Field]:
    return {
        "workshop": IdChoiceField(label=_("Workshop"), queryset=Workshop.objects.none()),
        "groups": GroupsSearchField(
            label=_("Groups"),
            queryset=Group.objects.none(),
            help_text=groups_help,
            dates=dates,
        ),
        "start_time": forms.TimeField(label=_("Start"), widget=TIME_INPUT),
        "end_time": forms.TimeField(label=_("End"), widget=TIME_INPUT),
        "provider_kind": forms.ChoiceField(
            label=_("Led by"), choices=ProviderKind.choices, initial=ProviderKind.TEAM
        ),
        "provider": IdChoiceField(
            label=_("Provider"),
            queryset=Provider.objects.none(),
            required=False,
            help_text=_("The subcontractor or partner; empty when the team leads it."),
        ),
        "leader": IdChoiceField(
            label=_("Leader"),
            queryset=User.objects.none(),
            required=False,
            help_text=_("The person who runs the session and takes attendance."),
        ),
        "room": forms.CharField(label=_("Room"), max_length=100, required=False),
    }


class SeriesForm(ClashConfirmation, _LedByMixin, forms.Form):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = _led_by_fields(
            dates="#id_first_date, #id_last_date",
            groups_help=_("The groups that take part, among those running in the period."),
        )
        self.fields = {
            "workshop": fields["workshop"],
            "weekday": forms.TypedChoiceField(
                label=_("Day of the week"), choices=WEEKDAYS, coerce=int
            ),
            "start_time": fields["start_time"],
            "end_time": fields["end_time"],
            "first_date": forms.DateField(label=_("From"), widget=DATE_INPUT),
            "last_date": forms.DateField(
                label=_("To"),
                widget=DATE_INPUT,
                help_text=_("Public holidays and closing periods are skipped."),
            ),
            # After the period: the search offers the groups running in it.
            "groups": fields["groups"],
            "provider_kind": fields["provider_kind"],
            "provider": fields["provider"],
            "leader": fields["leader"],
            "room": fields["room"],
        }
        self._setup_led_by(organisation)

    def clean(self) -> dict[str, Any]:
        data = self._clean_led_by(super().clean())
        first, last = data.get("first_date"), data.get("last_date")
        if first and last:
            if last < first:
                self.add_error("last_date", _("The series cannot end before it starts."))
            elif (last - first).days > 366:
                self.add_error("last_date", _("Plan a series over one year at most."))
            else:
                self._clean_groups_running(
                    data,
                    first,
                    last,
                    _("The group %(name)s does not run in this period (%(start)s to %(end)s)."),
                )
        return data


class SessionForm(ClashConfirmation, _LedByMixin, forms.Form):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = _led_by_fields(
            dates="#id_date",
            groups_help=_("The groups that take part, among those running on that day."),
        )
        self.fields = {
            "workshop": fields["workshop"],
            "date": forms.DateField(label=_("Date"), widget=DATE_INPUT),
            **{name: fields[name] for name in ("start_time", "end_time")},
            # After the date: the search offers the groups running on it.
            "groups": fields["groups"],
            **{name: fields[name] for name in ("provider_kind", "provider", "leader", "room")},
        }
        self._setup_led_by(organisation)

    def clean(self) -> dict[str, Any]:
        data = self._clean_led_by(super().clean())
        day = data.get("date")
        self._clean_groups_running(
            data,
            day,
            day,
            _("The group %(name)s does not run on that day (%(start)s to %(end)s)."),
        )
        return data


class CancelForm(VersionedForm, forms.Form):
    cancel_reason = forms.CharField(
        label=_("Reason of the cancellation"),
        max_length=200,
        help_text=_("For example: leader ill, room unavailable."),
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_version(session)


class ChangeForm(ClashConfirmation, VersionedForm, forms.Form):
    ONE, FOLLOWING = "one", "following"

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Start"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("End"), widget=TIME_INPUT)
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    leader = IdChoiceField(label=_("Leader"), queryset=User.objects.none(), required=False)
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[(ONE, _("This session only")), (FOLLOWING, _("This and all following sessions"))],
        initial=ONE,
        widget=forms.RadioSelect,
        help_text=_(
            "For the following sessions of the series, a new date moves each of them by "
            "the same number of days."
        ),
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        initial = {
            "date": session.date,
            "start_time": session.start_time,
            "end_time": session.end_time,
            "room": session.room,
            "leader": session.leader_id,
            "scope": self.ONE,
        }
        super().__init__(*args, initial=initial, **kwargs)
        record_choice(self, "leader").queryset = leaders_of(session.organisation_id)
        if session.series_id is None:
            del self.fields["scope"]
        self.add_version(session)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("A session ends after it starts."))
        return data
