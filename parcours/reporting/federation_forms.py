import datetime
from collections.abc import Sequence

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation
from parcours.core.forms import choice_field
from parcours.reporting.forms import FIRST_YEAR


class FederationReportForm(forms.Form):
    """The year of a federation's figures and the member CPAS shown beside the total
    (the site filter comes first: one CPAS, or all of them)."""

    site = forms.ChoiceField(
        label=_("CPAS"),
        required=False,
        help_text=_("The CPAS shown beside the federation's total."),
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        help_text=_("The calendar year of the figures."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(
        self, data: QueryDict, *, members: Sequence[Organisation], today: datetime.date
    ) -> None:
        data = data.copy()
        data.setdefault("year", str(today.year))
        super().__init__(data)
        self.today = today
        self.members = {member.slug: member for member in members}
        self.fields["year"].widget.attrs["max"] = today.year
        choice_field(self, "site").choices = [
            ("", _("All the CPAS of the federation")),
            *[(member.slug, member.name) for member in members],
        ]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > self.today.year:
            raise forms.ValidationError(_("Choose a year that has begun."))
        return year

    def chosen_site(self) -> Organisation | None:
        """The member chosen, or None for all."""
        return self.members.get(self.cleaned_data.get("site") or "")

    def as_of(self) -> datetime.date:
        """Today for the current year, 31 December before: as each CPAS's own report."""
        year = self.cleaned_data["year"]
        return self.today if year >= self.today.year else datetime.date(year, 12, 31)
