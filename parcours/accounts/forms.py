from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.accounts.signin import matching_device
from parcours.core.forms import choice_field


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


# A coordinator gives the roles of their CPAS; an analyst is of a federation, made on the
# federation's screen (``AnalystCreateForm``, docs/federation.md).
ORGANISATION_ROLES = [choice for choice in Role.choices if choice[0] != Role.FEDERATION_ANALYST]


class OrganisationRoleMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "role").choices = ORGANISATION_ROLES


class InitialPasswordForm(forms.ModelForm):
    """A new account with its initial password, typed twice and validated."""

    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Initial password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()  # a ModelForm's also asks for the unique checks
        cleaned = self.cleaned_data
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class UserCreateForm(OrganisationRoleMixin, InitialPasswordForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "language"]


class AnalystCreateForm(InitialPasswordForm):
    """A federation analyst: no role to choose, no organisation."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "language"]


class UserUpdateForm(OrganisationRoleMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "language", "is_active"]
        labels = {"is_active": _("Account active")}
        help_texts = {"is_active": _("Untick to close the account without deleting its history.")}


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["phone", "self_assessment_in_report"]

    def clean_phone(self) -> str:
        return self.cleaned_data["phone"].strip()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language"]


class SecondFactorForm(forms.Form):
    """The code of the second step: from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "The six digits shown by your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None

    def clean_code(self) -> str:
        self.device = matching_device(self.user, self.cleaned_data["code"])
        if self.device is None:
            raise forms.ValidationError(
                _("This code is not right, or has already been used."), code="wrong_code"
            )
        return self.cleaned_data["code"]


class SecondFactorSetupForm(forms.Form):
    """A first code from the authenticator app being set up: proof it is in place."""

    code = forms.CharField(
        label=_("Code shown by the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                _(
                    "This code is not right. Check the time of your phone, and type the code "
                    "shown now."
                ),
                code="wrong_code",
            )
        return code
