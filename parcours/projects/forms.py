"""The project form (with its other parties), the signature, the evaluation and the
organisation's evaluation interval."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.core.forms import ID_MAX, IdChoiceField, record_choice
from parcours.projects.enums import EvaluationOutcome
from parcours.projects.models import EvaluationInterval

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_OTHER_PARTIES = 5
VERSION_FIELDS = ("objectives", "participant_commitments", "cpas_commitments", "social_worker")


class ProjectForm(forms.Form):
    """The text of a version; ``amendment`` asks for the reason of the amendment."""

    objectives = forms.CharField(
        label=_("Objectives"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        help_text=_(
            "Drawn from the entry assessment and the action plan: rewrite them with the "
            "participant, in their words."
        ),
        error_messages={"required": _("Write the project's objectives.")},
    )
    participant_commitments = forms.CharField(
        label=_("The participant commits to"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Write what the participant commits to.")},
    )
    cpas_commitments = forms.CharField(
        label=_("The CPAS commits to"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Write what the CPAS commits to.")},
    )
    social_worker = IdChoiceField(
        label=_("Social worker who signs for the CPAS"),
        queryset=User.objects.none(),
        error_messages={"required": _("Choose the social worker who signs for the CPAS.")},
    )
    amendment_reason = forms.CharField(
        label=_("Why the project is amended"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    version = forms.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, widget=forms.HiddenInput
    )

    def __init__(
        self, *args: Any, organisation: Organisation, amendment: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        record_choice(self, "social_worker").queryset = User.objects.filter(
            organisation=organisation,
            is_active=True,
            role__in=[Role.SOCIAL_WORKER, Role.COORDINATOR],
        ).order_by("last_name", "first_name")
        if amendment:
            self.fields["amendment_reason"].required = True
            self.fields["amendment_reason"].error_messages["required"] = _(
                "Say why the project is amended."
            )
        else:
            del self.fields["amendment_reason"]

    def _stripped(self, name: str) -> str:
        value = self.cleaned_data[name].strip()
        if not value:
            raise forms.ValidationError(self.fields[name].error_messages["required"])
        return value

    def clean_objectives(self) -> str:
        return self._stripped("objectives")

    def clean_participant_commitments(self) -> str:
        return self._stripped("participant_commitments")

    def clean_cpas_commitments(self) -> str:
        return self._stripped("cpas_commitments")

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in VERSION_FIELDS}


class OtherPartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.CharField(label=_("Role"), max_length=150, required=False)
    commitments = forms.CharField(
        label=_("Commits to"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        values = {name: (cleaned.get(name) or "").strip() for name in self.fields}
        if any(values.values()) and not all(values.values()):
            raise forms.ValidationError(
                _("Give the other party's name, role and commitments, or leave all three empty.")
            )
        cleaned.update(values)
        return cleaned


OtherPartyFormSet = forms.formset_factory(
    OtherPartyForm, extra=2, max_num=MAX_OTHER_PARTIES, validate_max=True
)


def other_parties_of(formset: forms.BaseFormSet) -> list[dict[str, str]]:
    """The filled rows of a valid formset, in order."""
    return [
        {name: row.cleaned_data[name] for name in ("name", "role", "commitments")}
        for row in formset
        if row.cleaned_data.get("name")
    ]


class SignatureForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Signed on"),
        widget=DATE_INPUT,
        error_messages={"required": _("Give the date of the signature.")},
    )
    signed_at_place = forms.CharField(
        label=_("Signed at"),
        max_length=100,
        error_messages={"required": _("Say where the project was signed.")},
    )
    version = forms.IntegerField(min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)


class EvaluationForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the evaluation"),
        widget=DATE_INPUT,
        error_messages={"required": _("Give the date of the evaluation.")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=EvaluationOutcome.choices,
        error_messages={"required": _("Choose what was decided.")},
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class EvaluationIntervalForm(forms.ModelForm):
    class Meta:
        model = EvaluationInterval
        fields = ["months"]
        widgets = {"months": forms.NumberInput(attrs={"inputmode": "numeric"})}
