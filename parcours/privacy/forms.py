from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import record_choice
from parcours.participants.models import Participant
from parcours.privacy.enums import ErasureReason
from parcours.privacy.models import RetentionPolicy


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["years"]
        widgets = {"years": forms.NumberInput(attrs={"inputmode": "numeric"})}


class ApprovalForm(forms.Form):
    """The coordinator's approval of the files to anonymise: the ones ticked, or every
    file due ("all")."""

    # A declared field: the form's metaclass takes it off the class, where BaseForm.files is.
    files = forms.ModelMultipleChoiceField(  # type: ignore[var-annotated,assignment]
        label=_("Files"),
        queryset=None,
        required=False,
        widget=forms.MultipleHiddenInput,
        help_text=_("The files chosen in the list."),
    )
    all = forms.BooleanField(
        label=_("Every file due"),
        required=False,
        widget=forms.HiddenInput,
        help_text=_("Set by the button that approves every file due."),
    )
    confirm = forms.BooleanField(
        label=_(
            "I approve the anonymisation: the names, contact details and notes of these files "
            "will be removed for good."
        ),
        help_text=_(
            "The figures of every year stay the same; the files can no longer be read as anyone's."
        ),
    )

    def __init__(self, *args: Any, files: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_choice(self, "files").queryset = files

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("all") and not cleaned.get("files"):
            raise forms.ValidationError(
                _("Tick the files to anonymise, or approve every file due.")
            )
        return cleaned


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=ErasureReason.choices,
        help_text=_(
            "Why the file is erased (art. 17 GDPR). Keep the request itself in the CPAS's "
            "mail register."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the erasure of this file: it cannot be undone."),
        help_text=_("Nobody, not even the audit trail, will be able to tell whose file it was."),
    )
