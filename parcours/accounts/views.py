from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts import services
from parcours.accounts.access import Capability, get_object_for, public, requires, scoped
from parcours.accounts.forms import LanguageForm, ProfileForm, UserCreateForm, UserUpdateForm
from parcours.accounts.models import User

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout = public(auth_views.LogoutView.as_view())
password_reset = public(
    auth_views.PasswordResetView.as_view(
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
password_change = requires(Capability.SIGNED_IN)(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("accounts:password_change_done"),
    )
)
password_change_done = requires(Capability.SIGNED_IN)(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@public
@require_POST
def set_language(request):
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
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@requires(Capability.SIGNED_IN)
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **_profile_values(form))
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def _profile_values(form):
    return {name: form.cleaned_data[name] for name in ProfileForm.Meta.fields}


@requires(Capability.MANAGE_ORGANISATION)
def user_list(request):
    # Queries: the users of the page, and their count for the paginator.
    users = scoped(User.objects.all(), request.user).order_by(
        "-is_active", "last_name", "first_name"
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@requires(Capability.MANAGE_ORGANISATION)
def user_create(request):
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
def user_update(request, pk):
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
