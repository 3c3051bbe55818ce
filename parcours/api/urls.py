from functools import wraps

from django.urls import URLPattern, path
from django.utils import translation
from django.utils.translation import gettext as _

from parcours.accounts.access import public
from parcours.api import views
from parcours.api.api import api
from parcours.api.auth import Caller
from parcours.api.errors import problem_response
from parcours.api.languages import api_language
from parcours.api.tokens import record_use

app_name = "api"


def _api_view(view):
    """Answer in the request's language, even before authentication (a 401), and leave
    a row in the audit trail for every request the API authenticated, once the answer
    is known."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        translation.activate(api_language(request))
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response["Allow"]
            response = problem_response(
                request, 405, detail=_("This address does not answer this method.")
            )
            response["Allow"] = allowed
        # The pages' middleware would name the person's language, not the answer's.
        response["Content-Language"] = translation.get_language()
        caller = getattr(request, "auth", None)
        # A person of no organisation (a federation analyst's session) has no trail to
        # write to, and every endpoint refuses them.
        if isinstance(caller, Caller) and caller.user.organisation_id is not None:
            record_use(
                organisation=caller.token.organisation
                if caller.token
                else caller.user.organisation,
                user=caller.user,
                token=caller.token,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
            )
        return response

    return wrapped


def _api_patterns():
    # The API authenticates each request itself (a token or the session, auth.py):
    # the pages' sign-in redirect and access middleware must let its views through.
    patterns, app, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = public(_api_view(pattern.callback))
    return patterns, app, namespace


urlpatterns = [
    path("v1/", _api_patterns()),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
