import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms import BoundField
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.core.domains import Domain
from parcours.core.durations import duration_form_field
from parcours.core.forms import ID_MAX, VersionedForm, model_values, record_choice
from parcours.core.widgets import SearchChoiceField
from parcours.participants.enums import LabourMarketStatus
from parcours.participants.models import Consent, Intervention, LiteracyTest, Participant
from parcours.participants.niss import clean_niss
from parcours.participants.sheet import coming_week

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MonthOrDateField(forms.CharField):
    """A date, or only a month ("2014-03" or "03/2014"), kept as the month's first day."""

    default_error_messages = {
        "invalid": _("Enter a date (31/03/2014) or a month (03/2014)."),
    }
    DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
    MONTH_FORMATS = ("%m/%Y", "%Y-%m")

    def to_python(self, value):
        """Returns (date, month_only) or None."""
        text = super().to_python(value).strip()
        if not text:
            return None
        for formats, month_only in ((self.DATE_FORMATS, False), (self.MONTH_FORMATS, True)):
            for pattern in formats:
                try:
                    return datetime.datetime.strptime(text, pattern).date(), month_only
                except ValueError:
                    continue
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


def _people_of(organisation: Organisation, *roles: str) -> QuerySet[User]:
    return User.objects.in_organisation(organisation).filter(is_active=True, role__in=roles)


# Special categories of data (GDPR art. 9): the form is only for casework roles
# (Capability.MANAGE_PARTICIPANTS), who may see them.
SPECIAL_CATEGORIES = ["disability", "foreign_background", "minority"]


def participant_label(participant: Participant) -> str:
    """A person as a search offers them: the name and the file reference."""
    return f"{participant} · {participant.reference}"


class ParticipantSearchField(SearchChoiceField):
    """A person picked by searching their name or file (participants:participant_search,
    which offers the people the user may see, anonymised files left out)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("url_name", "participants:participant_search")
        super().__init__(**kwargs)

    def label_from_instance(self, participant: Participant) -> str:
        return participant_label(participant)


class ParticipantForm(VersionedForm, forms.ModelForm):
    """Intake and profile: identity, contact, the profile the programme reports on."""

    inactive_since = MonthOrDateField(
        label=_("Inactive since"),
        required=False,
        help_text=_("End of the last job: a date, or only the month (03/2014)."),
    )
    niss = forms.CharField(
        label=_("National register number"),
        required=False,
        max_length=20,
        help_text=_("Optional. 11 digits, with or without dots and dashes."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked: this is another person"),
        required=False,
    )

    FIELDSETS = [
        (
            _("Identity"),
            [
                "reference",
                "last_name",
                "first_name",
                "gender",
                "birth_date",
                "niss",
                "birth_country",
                "nationality",
            ],
        ),
        (_("Contact"), ["phone", "email", "address", "postal_code", "city"]),
        (
            _("Profile"),
            [
                "qualification_level",
                "qualification_recognised",
                "never_worked",
                "inactive_since",
                "french_level",
                "language_course",
            ],
        ),
        (
            _("On entering (European Social Fund)"),
            [
                "labour_market_status",
                "unemployment_duration",
                "housing_exclusion",
                "rural_area",
                *SPECIAL_CATEGORIES,
            ],
        ),
        (
            _("Follow-up"),
            [
                "referred_by",
                "referral_detail",
                "social_worker",
                "cpas_proof_kind",
                "cpas_proof_date",
            ],
        ),
    ]

    class Meta:
        model = Participant
        fields = [
            "reference",
            "last_name",
            "first_name",
            "gender",
            "birth_date",
            "birth_country",
            "nationality",
            "niss",
            "phone",
            "email",
            "address",
            "postal_code",
            "city",
            "qualification_level",
            "qualification_recognised",
            "never_worked",
            "french_level",
            "language_course",
            "labour_market_status",
            "unemployment_duration",
            "housing_exclusion",
            "rural_area",
            *SPECIAL_CATEGORIES,
            "referred_by",
            "referral_detail",
            "social_worker",
            "cpas_proof_kind",
            "cpas_proof_date",
        ]
        widgets = {
            "birth_date": DATE_INPUT,
            "cpas_proof_date": DATE_INPUT,
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.duplicates: list[Participant] = []
        record_choice(self, "social_worker").queryset = _people_of(
            organisation, Role.SOCIAL_WORKER, Role.COORDINATOR
        )
        if self.instance.pk and self.instance.inactive_since:
            pattern = "%m/%Y" if self.instance.inactive_since_month_only else "%d/%m/%Y"
            self.initial["inactive_since"] = self.instance.inactive_since.strftime(pattern)

    def fieldsets(self) -> list[tuple[str | Promise, list[BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        taken = Participant.objects.filter(organisation=self.organisation, reference=reference)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another participant already has this file reference."))
        return reference

    def clean_birth_date(self) -> datetime.date:
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        if birth_date.year < 1900:
            raise forms.ValidationError(_("Check the year of birth."))
        return birth_date

    def clean_niss(self) -> str:
        # The birth date is cleaned before: the number must agree with it.
        return clean_niss(self.cleaned_data["niss"], birth_date=self.cleaned_data.get("birth_date"))

    def clean_cpas_proof_date(self) -> datetime.date | None:
        proof_date = self.cleaned_data["cpas_proof_date"]
        if proof_date and proof_date > timezone.localdate():
            raise forms.ValidationError(_("The date of the proof cannot be in the future."))
        return proof_date

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        inactive = cleaned.pop("inactive_since", None)
        cleaned["inactive_since"], cleaned["inactive_since_month_only"] = inactive or (None, False)
        if cleaned["inactive_since"] and cleaned["inactive_since"] > timezone.localdate():
            self.add_error("inactive_since", _("This date cannot be in the future."))
        if cleaned.get("never_worked") and cleaned["inactive_since"]:
            self.add_error("inactive_since", _("A person who never worked has no end of last job."))
        if cleaned.get("unemployment_duration") and (
            cleaned.get("labour_market_status") != LabourMarketStatus.UNEMPLOYED
        ):
            self.add_error(
                "unemployment_duration",
                _("The time without a job is only asked of an unemployed person."),
            )
        if cleaned.get("cpas_proof_kind") and not cleaned.get("cpas_proof_date"):
            self.add_error("cpas_proof_date", _("Give the date of the proof of CPAS support."))
        return cleaned

    def _post_clean(self):
        # The model instance gets the month-only flag that the form field decided.
        super()._post_clean()
        self.instance.inactive_since = self.cleaned_data.get("inactive_since")
        self.instance.inactive_since_month_only = self.cleaned_data.get(
            "inactive_since_month_only", False
        )

    def values(self) -> dict[str, Any]:
        """The cleaned values the services take."""
        return model_values(self, "inactive_since", "inactive_since_month_only")


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "given_on"]
        widgets = {"given_on": DATE_INPUT}

    def clean_given_on(self) -> datetime.date:
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("A consent cannot be dated in the future."))
        return given_on


class InterventionForm(VersionedForm, forms.ModelForm):
    domains = forms.MultipleChoiceField(
        label=_("Domains concerned"),
        choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Intervention
        fields = ["date", "duration_minutes", "kind", "domains", "notes"]
        widgets = {
            "date": DATE_INPUT,
            "duration_minutes": forms.NumberInput(attrs={"min": 1, "max": 720, "step": 5}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["domains"] = [row.domain for row in self.instance.domains.all()]

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("An intervention cannot be dated in the future."))
        return date

    def values(self) -> dict[str, Any]:
        return model_values(self)


class LiteracyTestForm(forms.ModelForm):
    class Meta:
        model = LiteracyTest
        fields = [
            "date",
            "duration_minutes",
            "examiner",
            "oral_comprehension",
            "oral_expression",
            "reading",
            "writing",
            "orientation",
            "comment",
        ]
        widgets = {"date": DATE_INPUT, "comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The table leaves it empty only for tests recorded before durations were kept.
        self.fields["duration_minutes"] = duration_form_field(required=True)
        record_choice(self, "examiner").queryset = _people_of(
            organisation, Role.SOCIAL_WORKER, Role.COORDINATOR, Role.WORKSHOP_LEADER
        )

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A test cannot be dated in the future."))
        return date

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "A portrait that helps leaders recognise the person. JPEG, PNG or WebP, 5 MB at "
            "most; it is resized and its metadata removed."
        ),
    )

    def __init__(self, *args: Any, consent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean(self) -> dict[str, Any] | None:
        if not self.consent:
            raise forms.ValidationError(
                _(
                    "A photo can only be added while the person's consent to photos is in "
                    "force: record the consent first."
                )
            )
        return super().clean()


class WithdrawForm(forms.Form):
    """The withdraw button of a consent: it carries the consent's version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=ID_MAX)


def _languages_in_their_own_words() -> list[tuple[str, str]]:
    # Each language named in itself: the person recognises theirs whatever the screen's.
    return [
        (code, get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]


@dataclass(frozen=True)
class SheetChoice:
    language: str
    monday: datetime.date


class SheetForm(forms.Form):
    """The week a participant's sheet shows and the language it is written in, read from
    the query string. What is left out or wrong gives the coming week, in the
    organisation's language (the file does not hold the person's own)."""

    language = forms.ChoiceField(
        label=_("Language of the sheet"),
        choices=_languages_in_their_own_words,
        required=False,
        error_messages={"invalid_choice": _("Choose French, Dutch or English.")},
    )
    day = forms.DateField(
        label=_("Week of"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Any day of the week; empty for the coming week."),
        error_messages={"invalid": _("Enter a date, for example 09/03/2026.")},
    )

    # How far from today a week may be chosen: a sheet is for the weeks around now.
    YEARS_AROUND = 10

    def __init__(self, data: QueryDict, *, today: datetime.date) -> None:
        super().__init__(data)
        self.today = today

    def clean_day(self) -> datetime.date | None:
        day = self.cleaned_data["day"]
        if day is not None and abs((day - self.today).days) > self.YEARS_AROUND * 366:
            raise forms.ValidationError(
                _("Choose a day within %(years)d years of today."),
                params={"years": self.YEARS_AROUND},
            )
        return day

    def choice(self) -> SheetChoice:
        self.is_valid()
        cleaned = self.cleaned_data
        day = cleaned.get("day")
        return SheetChoice(
            language=cleaned.get("language") or settings.LANGUAGE_CODE,
            monday=day - datetime.timedelta(days=day.weekday()) if day else coming_week(self.today),
        )
