"""The social assessment form (seven domains, the open actions' review) and the action form."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.assessments.enums import ActionStatus, Rating
from parcours.assessments.models import Action, Assessment
from parcours.core.domains import Domain
from parcours.core.durations import duration_form_field
from parcours.core.forms import VersionedForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

NOT_CONCERNED = "-"
"""The radio value of "not concerned": stored as an empty rating."""

# By the rating's number (a Rating is one).
RATING_MEANINGS: dict[int, str | Promise] = {
    Rating.CRITICAL: _("critical situation"),
    Rating.SERIOUS: _("serious difficulties"),
    Rating.FRAGILE: _("fragile"),
    Rating.STABILISED: _("stabilised"),
    Rating.AUTONOMOUS: _("autonomous"),
}
NOT_CONCERNED_LABEL = _("not concerned")


def _rating(value: str) -> int | None:
    return None if value == NOT_CONCERNED else int(value)


class RatingField(forms.TypedChoiceField):
    """1 to 5, or "not concerned"; one choice must be made, so no row is forgotten."""

    def __init__(self, *, domain_label: "StrOrPromise", **kwargs: Any) -> None:
        super().__init__(
            label=domain_label,
            # The number is shown beside its meaning: "1" + "critical situation".
            choices=[(str(value), RATING_MEANINGS[value]) for value in Rating.values]
            + [(NOT_CONCERNED, NOT_CONCERNED_LABEL)],
            coerce=_rating,
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose a rating from 1 to 5, or “not concerned”."),
                "invalid_choice": _("A rating goes from 1 to 5, or “not concerned”."),
            },
            **kwargs,
        )


class AssessmentForm(forms.Form):
    """One page: date, overall note, the seven domains, and the review of the open actions.

    ``version`` is the version the page was opened with (empty for a new assessment):
    the service refuses to save over someone else's newer save. The duration is asked for
    every assessment, except one saved before durations were kept, which may stay
    without (``assessment``: the stored one, if any).
    """

    date = forms.DateField(label=_("Date of the assessment"), widget=DATE_INPUT)
    overall_note = forms.CharField(
        label=_("Overall note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What stands out, what the person wants to work on."),
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        actions: Iterable[Action] = (),
        assessment: Assessment | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        self.fields["duration_minutes"] = duration_form_field(
            required=assessment is None or assessment.duration_minutes is not None
        )
        for domain, label in Domain.choices:
            self.fields[f"rating_{domain}"] = RatingField(domain_label=label)
            self.fields[f"comment_{domain}"] = forms.CharField(
                label=_("Comment on “%(domain)s”") % {"domain": label},
                required=False,
                max_length=1000,
                widget=forms.TextInput(
                    attrs={"autocomplete": "off", "placeholder": _("Comment (optional)")}
                ),
            )
        for action in self.actions:
            self.fields[f"review_{action.pk}"] = forms.ChoiceField(
                label=_("Status of “%(action)s”") % {"action": action},
                choices=ActionStatus.choices,
                initial=action.status,
                required=False,
            )
            # The status the page showed: a select left untouched must not undo a change
            # someone else made since.
            self.fields[f"shown_{action.pk}"] = forms.ChoiceField(
                choices=ActionStatus.choices,
                initial=action.status,
                required=False,
                widget=forms.HiddenInput,
            )

    @classmethod
    def initial_from(cls, assessment: Assessment) -> dict[str, Any]:
        """The stored values of an assessment (ratings prefetched), as form initial data."""
        initial = {
            "date": assessment.date,
            "duration_minutes": assessment.duration_minutes,
            "overall_note": assessment.overall_note,
            "version": assessment.version,
        }
        for row in assessment.ratings.all():
            initial[f"rating_{row.domain}"] = (
                NOT_CONCERNED if row.rating is None else str(row.rating)
            )
            initial[f"comment_{row.domain}"] = row.comment
        return initial

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("An assessment cannot be dated in the future."))
        return date

    def rows(self) -> list[dict[str, Any]]:
        """The seven domains, each with its rating and comment fields."""
        return [
            {
                "domain": domain,
                "label": label,
                "rating": self[f"rating_{domain}"],
                "comment": self[f"comment_{domain}"],
            }
            for domain, label in Domain.choices
        ]

    def action_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "action": action,
                "review": self[f"review_{action.pk}"],
                "shown": self[f"shown_{action.pk}"],
            }
            for action in self.actions
        ]

    def ratings(self) -> dict[str, tuple[int | None, str]]:
        """Domain → (rating or None, comment), as ``assessment_save`` takes them."""
        return {
            domain: (
                self.cleaned_data[f"rating_{domain}"],
                self.cleaned_data[f"comment_{domain}"].strip(),
            )
            for domain in Domain.values
        }

    def reviews(self) -> list[tuple[Action, str]]:
        """Each open action with the status to record at this assessment. A select left
        as it was shown keeps the status stored now (someone may have changed it)."""
        reviews: list[tuple[Action, str]] = []
        for action in self.actions:
            chosen = self.cleaned_data.get(f"review_{action.pk}")
            if not chosen:
                continue  # not on the page that was sent (added in the meantime)
            shown = self.cleaned_data.get(f"shown_{action.pk}") or action.status
            reviews.append((action, action.status if chosen == shown else chosen))
        return reviews


class ActionForm(VersionedForm, forms.ModelForm):
    """An action agreed with the participant: what, who, by when (and its status)."""

    class Meta:
        model = Action
        fields = ["domain", "description", "own_words", "responsible", "due_date", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "own_words": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE_INPUT,
        }
        error_messages = {
            "due_date": {"required": _("Say by when the action should be done.")},
            "description": {"required": _("Say what is to be done.")},
            "responsible": {"required": _("Say who does it.")},
            "domain": {"required": _("Choose the domain of the problem.")},
        }

    def __init__(self, *args: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["status"]  # a new action is planned

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Say what is to be done."))
        return description

    def clean_own_words(self) -> str:
        return self.cleaned_data["own_words"].strip()

    def clean_responsible(self) -> str:
        responsible = self.cleaned_data["responsible"].strip()
        if not responsible:
            raise forms.ValidationError(_("Say who does it."))
        return responsible

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}
