from typing import Any

from django import forms
from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.audit.models import AuditEventQuerySet, AuditPurpose
from parcours.core.forms import choice_field, record_choice


def record_type_choices() -> list[tuple[str, str | Promise]]:
    """Every model of the project's apps, by its translated name."""
    models = [m for m in apps.get_models() if m._meta.app_label in _AUDITED_APPS]
    choices = sorted((m._meta.label_lower, str(m._meta.verbose_name).capitalize()) for m in models)
    return [("", _("All records")), *choices]


_AUDITED_APPS = {"accounts", "participants", "programme", "workshops"}


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("By"), queryset=User.objects.none(), required=False, empty_label=_("Everyone")
    )
    record_type = forms.ChoiceField(label=_("Record type"), required=False)
    record_id = forms.CharField(label=_("Record number"), required=False, max_length=64)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        choices=[("", _("Any purpose")), *AuditPurpose.choices],
        help_text=_("Why a file was opened, exported or downloaded."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_choice(self, "actor").queryset = User.objects.in_organisation(organisation)
        choice_field(self, "record_type").choices = record_type_choices()

    def filter(self, events: AuditEventQuerySet) -> AuditEventQuerySet:
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["actor"]:
            events = events.by_actor(data["actor"].pk)
        if data["record_type"]:
            events = events.about(data["record_type"], data["record_id"])
        elif data["record_id"]:
            events = events.filter(record_id=data["record_id"])
        if data["purpose"]:
            events = events.filter(purpose=data["purpose"])
        return events
