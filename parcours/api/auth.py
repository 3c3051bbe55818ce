"""Who is calling the API: a personal access token (``Authorization: Bearer pcs_…``) or
the browser's session, with Django's CSRF check on writes.

Either way the request then acts as the person, with their role: the API asks the same
questions of ``parcours.accounts.access`` as the pages.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from parcours.accounts.access import Capability, user_can
from parcours.accounts.signin import second_factor_pending
from parcours.api.errors import ApiProblem
from parcours.api.languages import api_language
from parcours.api.tokens import note_use, token_for_secret

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class Caller:
    """What the authentication found: the person and, for a token, the token."""

    def __init__(self, user, token=None):
        self.user = user
        self.token = token

    def __str__(self):
        # What the throttle counts on: one bucket a token, one a signed-in person.
        return f"token:{self.token.pk}" if self.token else f"session:{self.user.pk}"

    def __bool__(self):
        return True


def _activate(request, user):
    request.user = user
    language = api_language(request, user)
    translation.activate(language)
    request.LANGUAGE_CODE = language


class TokenAuth(HttpBearer):
    """A personal access token; a read-only one is refused on writes (403)."""

    def authenticate(self, request, token):
        found = token_for_secret(token)
        if found is None:
            return None
        user = found.user
        if not user_can(user, Capability.SIGNED_IN):
            return None
        _activate(request, user)
        if request.method not in SAFE_METHODS and not found.allows_writes:
            raise ApiProblem(403, "read-only-token", _("This token may only read."))
        note_use(found)
        return Caller(user, found)


class SessionAuth(APIKeyCookie):
    """The browser's session, as the pages have it: signed in, second factor given.
    ``APIKeyCookie`` checks the CSRF token on writes."""

    def __init__(self):
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or not user.is_active or second_factor_pending(user):
            return None
        # Signed in but without the role (a federation analyst): each endpoint's access
        # check answers 403, as the pages do.
        _activate(request, user)
        return Caller(user)
