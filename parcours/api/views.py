"""The coordinator's page of API access tokens: issue one for a user of the
organisation (its secret shown once), see when each was used, revoke it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, get_object_for, requires, scoped
from parcours.accounts.http import OrganisationRequest
from parcours.api.forms import TokenForm
from parcours.api.models import AccessToken
from parcours.api.tokens import issue_token, revoke_token


@requires(Capability.MANAGE_ORGANISATION)
def token_list(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; the tokens of the page with their user, and their
    # count.
    tokens = scoped(AccessToken.objects.select_related("user"), request.user)
    page = Paginator(tokens, 50).get_page(request.GET.get("page"))
    return render(request, "api/token_list.html", {"page": page, "now": timezone.now()})


@requires(Capability.MANAGE_ORGANISATION)
def token_create(request: OrganisationRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = issue_token(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown in this answer only, which no cache keeps: only the hash is stored.
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form})


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def token_revoke(request: OrganisationRequest, pk: int) -> HttpResponse:
    token = get_object_for(
        request, AccessToken.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    revoke_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:token_list")
