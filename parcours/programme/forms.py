import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.core.dates import add_months
from parcours.core.forms import IdMultipleChoiceField, VersionedForm, model_values, record_choice
from parcours.core.widgets import SearchChoiceField
from parcours.participants.forms import ParticipantSearchField
from parcours.participants.models import Participant
from parcours.programme.enums import (
    OUTCOME_DETAILS,
    PROCESS_RHYTHMS,
    ExitOutcome,
    ProcessType,
    YesNo,
)
from parcours.programme.exits import ExitProblem, exit_problems
from parcours.programme.models import Enrolment, ExitFollowUp, Group, GroupQuerySet
from parcours.programme.selectors import groups_to_join

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK_CHOICE = ("", "---------")


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def default_end_date(start_date: datetime.date, process_type: str) -> datetime.date:
    """The last day of the process's default length from ``start_date``."""
    months = PROCESS_RHYTHMS[ProcessType(process_type)].months
    return add_months(start_date, months) - datetime.timedelta(days=1)


def _rhythms_help():
    parts = [
        format_lazy(
            _("{process}: {rhythm}."), process=process.label, rhythm=PROCESS_RHYTHMS[process].rhythm
        )
        for process in ProcessType
    ]
    return format_lazy("{} " * len(parts), *parts)


def outcome_detail_label(detail: str) -> str:
    """The label of an outcome's detail (a dropout reason, a kind of project)."""
    for details in OUTCOME_DETAILS.values():
        if details is not None and detail in details.values:
            return str(details(detail).label)
    return detail


def _staff_of(organisation: Organisation) -> QuerySet[User]:
    return (
        User.objects.in_organisation(organisation)
        .filter(
            is_active=True,
            role__in=[Role.COORDINATOR, Role.SOCIAL_WORKER, Role.WORKSHOP_LEADER],
        )
        .order_by("last_name", "first_name", "username")
    )


class StaffChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user} · {user.get_role_display()}"


class GroupForm(VersionedForm, forms.ModelForm):
    """A cohort: its process, planned dates, capacity and the staff in charge."""

    FIELDSETS = [
        (_("The group"), ["name", "process_type", "capacity"]),
        (_("Planned dates"), ["start_date", "end_date"]),
        (None, ["staff"]),  # a group of checkboxes: its label is its legend
    ]

    class Meta:
        model = Group
        fields = ["name", "process_type", "start_date", "end_date", "capacity", "staff"]
        field_classes = {"staff": StaffChoiceField}
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "staff": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "start_date": _("The first day of the process."),
            "end_date": _(
                "Left empty: the start date plus the default length of the process "
                "(10 months for remobilisation, 12 for French immersion)."
            ),
            "staff": _(
                "Workshop leaders see only the groups they are in charge of, and their "
                "members' names."
            ),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["process_type"].help_text = _rhythms_help()
        self.fields["end_date"].required = False
        self.fields["capacity"].widget.attrs.update({"min": 1, "max": 99})
        record_choice(self, "staff").queryset = _staff_of(organisation)

    def fieldsets(self) -> list[tuple[str | Promise | None, list[BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Group.objects.filter(organisation=self.organisation, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another group already has this name."))
        return name

    def clean_capacity(self) -> int | None:
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("A group takes at least one participant."))
        return capacity

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        process_type = cleaned.get("process_type")
        if start and not end and process_type:
            cleaned["end_date"] = default_end_date(start, process_type)
        elif start and end and end < start:
            self.add_error(
                "end_date",
                _("The group cannot end before it starts (%(start)s).") % {"start": _short(start)},
            )
        return cleaned

    def values(self) -> dict[str, Any]:
        """The cleaned values the services take, the staff apart."""
        names = ["name", "process_type", "start_date", "end_date", "capacity", "version"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


def group_label(group: Group) -> str:
    """A group as a search offers it: its name, process and dates."""
    dates = f"{_short(group.start_date)} \N{EN DASH} {_short(group.end_date)}"
    return f"{group.name} · {group.get_process_type_display()} · {dates}"


class GroupSearchField(SearchChoiceField):
    """A group picked by searching its name (programme:group_search, which offers the
    groups the user may see; another endpoint may be given with ``url_name``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("url_name", "programme:group_search")
        super().__init__(**kwargs)

    def label_from_instance(self, group: Group) -> str:
        return group_label(group)


class WarningsConfirmationMixin:
    """A checkbox to go on despite warnings that do not block."""

    def add_confirmation_field(self):
        self.fields["confirm_warnings"] = forms.BooleanField(
            label=_("I have seen the warnings above: go on anyway"),
            required=False,
        )


def _check_start(start: datetime.date, group: Group) -> None:
    """An enrolment starts within its group's dates."""
    if start < group.start_date:
        raise forms.ValidationError(
            _("The group only starts on %(date)s.") % {"date": _short(group.start_date)}
        )
    if start > group.end_date:
        raise forms.ValidationError(
            _("The group ends on %(date)s.") % {"date": _short(group.end_date)}
        )


class EnrolmentForm(WarningsConfirmationMixin, forms.Form):
    """Enrolling from the group's page: the person is searched for."""

    participant = ParticipantSearchField(
        label=_("Participant"),
        queryset=Participant.objects.none(),
        help_text=_("The people of the organisation not enrolled in this group yet."),
    )
    start_date = forms.DateField(
        label=_("Start of the enrolment"),
        widget=DATE_INPUT,
        help_text=_("Between the start and the end of the group."),
    )

    def __init__(self, *args: Any, group: Group, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        # Someone who has left the group cannot come back to it: one enrolment per group.
        record_choice(self, "participant").queryset = (
            Participant.objects.filter(organisation_id=group.organisation_id)
            .exclude(enrolments__group=group)
            .order_by("last_name", "first_name", "reference")
        )
        self.fields["participant"].widget.params = {"not_in_group": group.pk}
        self.add_confirmation_field()

    def clean_start_date(self) -> datetime.date:
        start = self.cleaned_data["start_date"]
        _check_start(start, self.group)
        return start


class ParticipantEnrolmentForm(WarningsConfirmationMixin, forms.Form):
    """Enrolling from the person's file: the group is searched for among those they can
    join today (``selectors.groups_to_join``)."""

    group = GroupSearchField(
        label=_("Group"),
        queryset=Group.objects.none(),
        help_text=_("The groups not ended yet that the person has not been in."),
    )
    start_date = forms.DateField(
        label=_("Start of the enrolment"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Left empty: today, or the start of the group when it starts later."),
    )

    def __init__(
        self,
        *args: Any,
        participant: Participant,
        groups: GroupQuerySet,
        today: datetime.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        record_choice(self, "group").queryset = groups_to_join(groups, participant.pk, today=today)
        self.fields["group"].widget.params = {"to_enrol": participant.pk}
        self.add_confirmation_field()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        group = cleaned.get("group")
        if group is None or "start_date" not in cleaned:
            return cleaned
        if cleaned["start_date"] is None:
            cleaned["start_date"] = max(self.today, group.start_date)
        try:
            _check_start(cleaned["start_date"], group)
        except forms.ValidationError as error:
            self.add_error("start_date", error)
        return cleaned


def _exit_after_start(exit_date: datetime.date, enrolment: Enrolment) -> datetime.date:
    if exit_problems(start_date=enrolment.start_date, exit_date=exit_date):
        raise forms.ValidationError(
            _("The exit cannot come before the start of the enrolment (%(date)s).")
            % {"date": _short(enrolment.start_date)}
        )
    return exit_date


def _detail_choices() -> list[Any]:
    groups = [
        (outcome.label, details.choices)
        for outcome, details in OUTCOME_DETAILS.items()
        if details is not None
    ]
    return [BLANK_CHOICE, *groups]


class EnrolmentExitForm(VersionedForm, forms.Form):
    exit_date = forms.DateField(label=_("Exit date"), widget=DATE_INPUT)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[BLANK_CHOICE]
        + [
            (value, label) for value, label in ExitOutcome.choices if value != ExitOutcome.EXTENSION
        ],
        help_text=_(
            "When the person needs more time and joins another group, use “Extend in "
            "another group” instead."
        ),
    )
    outcome_detail = forms.ChoiceField(
        label=_("Reason or project"),
        choices=_detail_choices,
        required=False,
        help_text=_(
            "Choose under the outcome chosen above: why the person left, or their project."
        ),
    )
    qualification_gained = forms.ChoiceField(
        label=_("Qualification gained"),
        choices=[BLANK_CHOICE, *YesNo.choices],
        required=False,
        help_text=_(
            "A certificate or diploma the person obtained through the programme (European "
            "Social Fund indicator). Leave blank when not known."
        ),
    )

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.add_version(enrolment)

    def clean_exit_date(self) -> datetime.date:
        return _exit_after_start(self.cleaned_data["exit_date"], self.enrolment)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        outcome, detail = cleaned.get("outcome"), cleaned.get("outcome_detail", "")
        if not outcome:
            return cleaned
        outcome = ExitOutcome(outcome)
        # The dates are the exit date field's (clean_exit_date): only the detail here.
        problems = exit_problems(
            start_date=self.enrolment.start_date,
            exit_date=cleaned.get("exit_date") or self.enrolment.start_date,
            outcome=outcome,
            detail=detail,
        )
        if not problems:
            return cleaned
        if problems[0] is ExitProblem.DETAIL_MISSING:
            message: StrOrPromise = (
                _("Say why the person dropped out.")
                if outcome == ExitOutcome.DROPOUT
                else _("Choose the kind of project.")
            )
        else:
            message = _(
                "“%(detail)s” does not go with the outcome “%(outcome)s”: choose one of the "
                "details listed under “%(outcome)s”."
            ) % {"detail": outcome_detail_label(detail), "outcome": outcome.label}
        self.add_error("outcome_detail", message)
        return cleaned


class EnrolmentExtendForm(WarningsConfirmationMixin, VersionedForm, forms.Form):
    exit_date = forms.DateField(
        label=_("Exit from this group"),
        widget=DATE_INPUT,
        help_text=_("The enrolment in this group closes on this day, as an extension."),
    )
    next_group = GroupSearchField(
        label=_("Next group"),
        queryset=Group.objects.none(),
        help_text=_("The group where the person goes on."),
    )
    next_start_date = forms.DateField(
        label=_("Start in the next group"),
        widget=DATE_INPUT,
        required=False,
        help_text=_(
            "Left empty: the start of the next group, or the exit date when the next group "
            "has already started."
        ),
    )

    def __init__(
        self, *args: Any, enrolment: Enrolment, groups: QuerySet[Group], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        record_choice(self, "next_group").queryset = groups.exclude(pk=enrolment.group_id).order_by(
            "-start_date", "name"
        )
        self.add_confirmation_field()
        self.add_version(enrolment)

    def clean_exit_date(self) -> datetime.date:
        return _exit_after_start(self.cleaned_data["exit_date"], self.enrolment)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        exit_date, group = cleaned.get("exit_date"), cleaned.get("next_group")
        start = cleaned.get("next_start_date")
        if not exit_date or not group:
            return cleaned
        if start is None:
            start = cleaned["next_start_date"] = max(exit_date, group.start_date)
        if start < exit_date:
            self.add_error("next_start_date", _("The next group cannot start before the exit."))
        elif start > group.end_date:
            self.add_error(
                "next_start_date",
                _("The next group ends on %(date)s.") % {"date": _short(group.end_date)},
            )
        return cleaned


class FollowUpForm(VersionedForm, forms.ModelForm):
    """What became of the person six months after their exit."""

    class Meta:
        model = ExitFollowUp
        fields = ["situation", "better_situation", "recorded_on", "note"]
        widgets = {
            "recorded_on": DATE_INPUT,
            "note": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"recorded_on": _("Date of the follow-up")}
        help_texts = {
            "situation": _("What the person is doing now, as far as you know."),
            "recorded_on": _("When you reached the person, or tried to."),
            "note": _("Optional. Only what helps the follow-up: no more than necessary."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["situation"].required = True
        self.fields["recorded_on"].required = True

    def clean_recorded_on(self) -> datetime.date:
        recorded_on = self.cleaned_data["recorded_on"]
        if recorded_on > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be dated in the future."))
        exit_date = self.instance.enrolment.exit_date
        if exit_date and recorded_on < exit_date:
            raise forms.ValidationError(
                _("The follow-up cannot come before the exit (%(date)s).")
                % {"date": _short(exit_date)}
            )
        return recorded_on

    def values(self) -> dict[str, Any]:
        return model_values(self)


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form
    has that field, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
