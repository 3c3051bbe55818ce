"""The federation's management screen (docs/federation.md): its member CPAS and its
analysts, for a coordinator of a member CPAS or a superuser. Only accounts and CPAS are
shown: no figure and no person of any CPAS."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts import services
from parcours.accounts.access import Capability, managed_federation, requires
from parcours.accounts.enums import Role
from parcours.accounts.forms import AnalystCreateForm
from parcours.accounts.http import AuthenticatedRequest


@requires(Capability.MANAGE_FEDERATION)
def federation_manage(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    # Queries: the session and user, the federation, its members, its analysts.
    federation = managed_federation(request, slug)
    context = {
        "federation": federation,
        "members": federation.organisations.order_by("name"),
        "analysts": federation.analysts.filter(role=Role.FEDERATION_ANALYST).order_by(
            "-is_active", "last_name", "first_name"
        ),
    }
    return render(request, "accounts/federation_manage.html", context)


@requires(Capability.MANAGE_FEDERATION)
def analyst_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    federation = managed_federation(request, slug)
    form = AnalystCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        analyst = services.analyst_create(
            federation=federation,
            by=request.user,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            language=data["language"],
            password=data["password1"],
        )
        messages.success(
            request, _("The account of %(name)s has been created.") % {"name": analyst}
        )
        return redirect("accounts:federation_manage", slug=federation.slug)
    return render(request, "accounts/analyst_form.html", {"form": form, "federation": federation})


@requires(Capability.MANAGE_FEDERATION)
@require_POST
def analyst_revoke(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    federation = managed_federation(request, slug)
    analyst = get_object_or_404(federation.analysts.filter(role=Role.FEDERATION_ANALYST), pk=pk)
    services.analyst_revoke(analyst=analyst, by=request.user)
    messages.success(request, _("The account of %(name)s is closed.") % {"name": analyst})
    return redirect("accounts:federation_manage", slug=federation.slug)
