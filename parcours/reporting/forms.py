import datetime
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation
from parcours.core.forms import IdChoiceField, record_choice
from parcours.funding.models import Funder, Grant
from parcours.funding.scope import Scope
from parcours.programme.enums import ProcessType
from parcours.programme.forms import GroupSearchField
from parcours.programme.models import Group, GroupQuerySet

FIRST_YEAR = 2000


def report_groups(organisation: Organisation | int) -> GroupQuerySet:
    """The groups a report may be narrowed to: every group of the organisation."""
    return Group.objects.filter(organisation=organisation)


class ReportForm(forms.Form):
    """What a report shows: a year, as of a date, narrowed to a process type, a group, a
    funder or a grant of the user's organisation (another organisation's ids are not valid
    choices)."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        help_text=_("The calendar year of the figures."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        help_text=_("Only what happened by that date counts. Empty: today, or 31 December."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    process_type = forms.ChoiceField(
        label=_("Process"),
        required=False,
        choices=[("", _("All processes")), *ProcessType.choices],
        help_text=_("Only the groups of this process."),
    )
    group = GroupSearchField(
        label=_("Group"),
        required=False,
        queryset=Group.objects.none(),
        url_name="reporting:group_search",
        help_text=_("Only this group's participants and sessions. Empty: all groups."),
    )
    funder = IdChoiceField(
        label=_("Funder"),
        required=False,
        queryset=Funder.objects.none(),
        empty_label=_("All funders"),
        help_text=_("Only what is charged to this funder's grants."),
    )
    grant = IdChoiceField(
        label=_("Grant"),
        required=False,
        queryset=Grant.objects.none(),
        empty_label=_("All grants"),
        help_text=_("Only what is charged to this grant; shows the ESF+ indicators."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, today: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].widget.attrs.update({"min": FIRST_YEAR, "max": today.year})
        record_choice(self, "group").queryset = report_groups(organisation)
        record_choice(self, "funder").queryset = Funder.objects.filter(organisation=organisation)
        record_choice(self, "grant").queryset = Grant.objects.filter(
            organisation=organisation
        ).select_related("funder")

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > self.today.year:
            raise forms.ValidationError(_("The figures of a year to come do not exist yet."))
        return year

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        year, as_of = cleaned.get("year"), cleaned.get("as_of")
        if year and as_of and as_of < datetime.date(year, 1, 1):
            self.add_error("as_of", _("Choose a date in the year or after it."))
        return cleaned

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(
            process_type=data.get("process_type") or "",
            group=data.get("group"),
            funder=data.get("funder"),
            grant=data.get("grant"),
        )

    def params(self) -> dict[str, Any]:
        """The query-string parameters that rebuild the report (for links, downloads and
        the background downloads' parameters)."""
        params: dict[str, Any] = {"year": self.cleaned_data["year"]}
        if self.cleaned_data.get("as_of"):
            params["as_of"] = self.cleaned_data["as_of"].isoformat()
        params.update(self.scope().as_params())
        return params

    def file_name(self, extension: str) -> str:
        """The name of the report's file: year, date asked for and scope."""
        parts = ["rapport", str(self.cleaned_data["year"])]
        if self.cleaned_data.get("as_of"):
            parts.append(self.cleaned_data["as_of"].isoformat())
        scope = self.scope()
        if not scope.is_whole_programme:
            parts.append(slugify(str(scope))[:60])
        return "-".join(parts) + f".{extension}"

    def effective_as_of(self) -> datetime.date:
        """The date asked for, or today for the current year and 31 December before."""
        data = self.cleaned_data
        if data.get("as_of"):
            return data["as_of"]
        year = data["year"]
        return self.today if year >= self.today.year else datetime.date(year, 12, 31)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for re-opening"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept with the closing and in the audit trail. The figures will follow the "
            "records again until the year is closed anew."
        ),
    )
