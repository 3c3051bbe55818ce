import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.api.enums import TokenScope
from parcours.core.forms import record_choice


class TokenForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.none(),
        help_text=_("The API acts as this person, with their role."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example “payments”."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices)
    expires_on = forms.DateField(
        label=_("Expires on"),
        help_text=_("At midnight at the start of that day; a year at most."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_choice(self, "user").queryset = User.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("last_name", "first_name", "username")
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(
            days=settings.API_TOKEN_DEFAULT_DAYS
        )

    def expires_at(self) -> datetime.datetime:
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
