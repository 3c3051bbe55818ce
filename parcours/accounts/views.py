import math
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts import services
from parcours.accounts.access import (
    Capability,
    before_second_factor,
    get_object_for,
    public,
    requires,
    scoped,
)
from parcours.accounts.enums import Role
from parcours.accounts.forms import (
    LanguageForm,
    OrganisationSettingsForm,
    ProfileForm,
    SecondFactorForm,
    SecondFactorSetupForm,
    UserCreateForm,
    UserUpdateForm,
)
from parcours.accounts.http import AuthenticatedRequest, OrganisationRequest
from parcours.accounts.middleware import session_time_left, session_touch
from parcours.accounts.models import User
from parcours.accounts.signin import (
    complete_sign_in,
    is_locked_out,
    lockout_response,
    record_failure,
    second_factor_pending,
)
from parcours.accounts.throttle import password_reset_allowed

# The recovery codes wait in the session between the set-up and the page showing them,
# which takes them out: they are shown once.
RECOVERY_CODES_SESSION_KEY = "parcours_recovery_codes"


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; past the hourly limit no e-mail leaves, and the answer is
    the same page whether the address has an account or not."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if password_reset_allowed(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        messages.warning(
            self.request,
            _(
                "Many links have been asked for recently: no new e-mail is sent for the "
                "next hour. Use the link already received, if any."
            ),
        )
        return HttpResponseRedirect(self.get_success_url())


class SignInView(auth_views.LoginView):
    def get_default_redirect_url(self) -> str:
        # A federation analyst has no dashboard: their page is the federation's figures.
        user = self.request.user
        if user.is_authenticated and user.role == Role.FEDERATION_ANALYST:
            return reverse("reporting:federation")
        return super().get_default_redirect_url()


login = public(
    SignInView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
)
logout = public(auth_views.LogoutView.as_view())
password_reset = public(
    ThrottledPasswordResetView.as_view(
        template_name="accounts/password_reset_form.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)
password_change = requires(Capability.OWN_ACCOUNT)(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_change_done"),
    )
)
password_change_done = requires(Capability.OWN_ACCOUNT)(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _next_of(request: HttpRequest) -> str:
    return _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


def _finish_second_factor(request: AuthenticatedRequest, device: Device) -> None:
    otp_login(request, device)
    # A new session key for the fully signed-in session: one seen before cannot be reused.
    request.session.cycle_key()
    complete_sign_in(request, request.user)


@requires(Capability.OWN_ACCOUNT)
@before_second_factor
def second_factor(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: a code of the authenticator app or a recovery code."""
    user = request.user
    next_url = _next_of(request)
    if not second_factor_pending(user):
        return redirect(next_url)
    if not user.second_factor_enrolled:
        return redirect(_with_next("accounts:second_factor_setup", next_url))
    if is_locked_out(request):
        return lockout_response(request)
    form = SecondFactorForm(request.POST or None, user=user)
    if request.method == "POST":
        # A valid form found the device (``clean_code``).
        if form.is_valid() and form.device is not None:
            _finish_second_factor(request, form.device)
            if isinstance(form.device, StaticDevice):
                _warn_recovery_codes_left(request, form.device.token_set.count())
            return redirect(next_url)
        if record_failure(request):
            return lockout_response(request)
    context = {"form": form, "next": next_url, "second_factor_step": True}
    return render(request, "accounts/second_factor.html", context)


def _warn_recovery_codes_left(request: HttpRequest, left: int) -> None:
    message = ngettext(
        "You signed in with a recovery code: %(count)d code left.",
        "You signed in with a recovery code: %(count)d codes left.",
        left,
    ) % {"count": left}
    messages.warning(request, message)


def _qr_code_svg(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(
        border=4,
        omitsize=True,
        title=_("QR code to scan with the authenticator app"),
        svgclass="qr-code",
    )
    # segno's own markup, from the key only: nothing typed by a person.
    return mark_safe(svg)


def _grouped(secret: str) -> str:
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@requires(Capability.OWN_ACCOUNT)
@before_second_factor
def second_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app; a first code from it confirms it."""
    user = request.user
    next_url = _next_of(request)
    # is_verified is set on the user by django_otp's OTPMiddleware.
    if user.second_factor_enrolled and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing the app asks for the current one first, or a password would suffice.
        return redirect(_with_next("accounts:second_factor", next_url))
    device = services.second_factor_setup_start(user=user)
    form = SecondFactorSetupForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        codes = services.second_factor_setup_confirm(user=user, device=device)
        _finish_second_factor(request, device)
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        messages.success(request, _("Two-step sign-in is set up."))
        return redirect(_with_next("accounts:recovery_codes", next_url))
    context = {
        "form": form,
        "next": next_url,
        "qr_code": _qr_code_svg(device),
        "secret": _grouped(b32encode(device.bin_key).decode()),
        "replacing": user.second_factor_enrolled,
        "second_factor_step": not user.second_factor_enrolled,
    }
    return render(request, "accounts/second_factor_setup.html", context)


@requires(Capability.OWN_ACCOUNT)
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """Show the recovery codes just made (once), or make new ones."""
    user = request.user
    if not user.second_factor_enrolled:
        return redirect("accounts:second_factor_setup")
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = services.recovery_codes_renew(user=user)
        return redirect("accounts:recovery_codes")
    codes: list[str] | None = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    context = {
        "codes": [f"{code[:4]}-{code[4:]}" for code in codes] if codes else None,
        "next": _next_of(request),
    }
    return render(request, "accounts/recovery_codes.html", context)


@requires(Capability.OWN_ACCOUNT)
@before_second_factor
@require_POST
def keep_alive(request: AuthenticatedRequest) -> JsonResponse:
    """ "Stay signed in", in the warning the pages show before the idle limit (WCAG 2.2.1,
    static/js/session_timeout.js): a request that counts as activity, answered with the
    time left. A session already closed never gets here: the sign-in page's redirect
    tells the script so."""
    session_touch(request)
    # Never None here: SessionTimeoutMiddleware times every signed-in session.
    idle_left, absolute_left = session_time_left(request)  # type: ignore[misc]
    return JsonResponse(
        {"idle_left": math.ceil(idle_left), "absolute_left": math.ceil(absolute_left)}
    )


# Open on the kiosk's screens too (KioskMiddleware lets through a view that says so): the
# participant holding the tablet may ask for more time. It shows nothing and leaves the
# session locked in the kiosk.
keep_alive.kiosk_screen = True


@public
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Choose the language of the screens: kept on the account, and in a cookie for the
    sign-in page."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect(settings.LOGIN_REDIRECT_URL)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated and request.user.language != language:
        services.user_set_language(user=request.user, by=request.user, language=language)
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=60 * 60 * 24 * 365,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        # django-stubs types the setting as any text, set_cookie as one of its values.
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    return response


@requires(Capability.SIGNED_IN)
def profile(request: OrganisationRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **_profile_values(form))
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def _profile_values(form: ProfileForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}


@requires(Capability.MANAGE_ORGANISATION)
def organisation_settings(request: OrganisationRequest) -> HttpResponse:
    # Always the coordinator's own organisation: there is no address naming another one.
    organisation = request.user.organisation
    # An unticked box posts nothing: an empty POST is still a submission.
    data = request.POST if request.method == "POST" else None
    form = OrganisationSettingsForm(data, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_settings_update(
            organisation=organisation, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The settings of the organisation have been saved."))
        return redirect("accounts:organisation_settings")
    return render(
        request,
        "accounts/organisation_settings.html",
        {"form": form, "organisation": organisation},
    )


@requires(Capability.MANAGE_ORGANISATION)
def user_list(request: OrganisationRequest) -> HttpResponse:
    # Queries: the users of the page, and their count for the paginator.
    users = scoped(User.objects.all(), request.user).order_by(
        "-is_active", "last_name", "first_name"
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@requires(Capability.MANAGE_ORGANISATION)
def user_create(request: OrganisationRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = services.user_create(
            organisation=request.user.organisation,
            by=request.user,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=data["role"],
            language=data["language"],
            password=data["password1"],
        )
        messages.success(
            request, _("The account of %(name)s has been created.") % {"name": created}
        )
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@requires(Capability.MANAGE_ORGANISATION)
def user_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    account = get_object_for(
        request, User.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    form = UserUpdateForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The account of %(name)s has been saved.") % {"name": account}
            )
            return redirect("accounts:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form, "account": account, "creating": False}
    )


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def user_second_factor_reset(request: OrganisationRequest, pk: int) -> HttpResponse:
    account = get_object_for(
        request, User.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    services.second_factor_reset(user=account, by=request.user)
    messages.success(
        request,
        _(
            "The two-step sign-in of %(name)s is removed: they set it up again at their "
            "next sign-in."
        )
        % {"name": account},
    )
    return redirect("accounts:user_update", pk=account.pk)


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def user_deactivate(request: OrganisationRequest, pk: int) -> HttpResponse:
    account = get_object_for(
        request, User.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    try:
        services.user_deactivate(user=account, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("accounts:user_update", pk=account.pk)
    messages.success(request, _("The account of %(name)s is closed.") % {"name": account})
    return redirect("accounts:user_list")
