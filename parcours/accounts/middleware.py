import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from parcours.accounts.access import Capability, declared_capability, opens_before_second_factor
from parcours.accounts.signin import second_factor_pending

SESSION_STARTED_KEY = "parcours_started_at"
SESSION_LAST_SEEN_KEY = "parcours_last_seen_at"
# Writing the session on every request costs a query; a minute of slack on the
# 30-minute idle limit is harmless.
LAST_SEEN_WRITE_INTERVAL = 60


class SessionTimeoutMiddleware:
    """Close a session after 30 minutes without activity, or 12 hours after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and self._expired(request):
            logout(request)
            messages.info(request, _("Your session has expired. Please sign in again."))
            if request.headers.get("HX-Request"):
                # htmx follows a 302 silently and would swap the sign-in page into the
                # fragment: it needs a 2xx telling it to load the sign-in page whole.
                return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
        return self.get_response(request)

    def _expired(self, request) -> bool:
        now = time.time()
        session = request.session
        started = session.get(SESSION_STARTED_KEY)
        last_seen = session.get(SESSION_LAST_SEEN_KEY)
        if started is None or last_seen is None:
            session[SESSION_STARTED_KEY] = session[SESSION_LAST_SEEN_KEY] = now
            return False
        idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
        too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        if idle or too_old:
            return True
        if now - last_seen > LAST_SEEN_WRITE_INTERVAL:
            session[SESSION_LAST_SEEN_KEY] = now
        return False


def session_touch(request) -> None:
    """Count this request as activity now, whatever ``LAST_SEEN_WRITE_INTERVAL`` says: the
    warning's "Stay signed in" must move the idle limit to a full period from now."""
    request.session[SESSION_LAST_SEEN_KEY] = time.time()


def session_time_left(request) -> tuple[float, float] | None:
    """Seconds left before the idle limit and before the 12-hour one, as the middleware
    will count them (None for a session it does not time: anonymous, or not seen yet).
    The warning of the pages is timed from these."""
    if not request.user.is_authenticated:
        return None
    started = request.session.get(SESSION_STARTED_KEY)
    last_seen = request.session.get(SESSION_LAST_SEEN_KEY)
    if started is None or last_seen is None:
        return None
    now = time.time()
    idle_left = last_seen + settings.SESSION_IDLE_TIMEOUT.total_seconds() - now
    absolute_left = started + settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() - now
    return max(idle_left, 0.0), max(absolute_left, 0.0)


def preferred_language(request) -> str:
    """The user's own language, else the sign-in page's choice, else French."""
    available = {code for code, _name in settings.LANGUAGES}
    user = request.user
    if user.is_authenticated and user.language in available:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in available:
        return cookie
    return settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """Activate the language chosen by each user; the browser's language is ignored
    on purpose: the CPAS works in French unless a person asks otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = preferred_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class AccessPolicyMiddleware:
    """Deny any view that does not declare who may use it (see parcours.accounts.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if declared_capability(view_func) is None:
            raise PermissionDenied
        return None


class SecondFactorMiddleware:
    """Keep a person who has given only their password on the second-factor pages.

    Only the public views (sign-out, the language switch, the sign-in pages) and the
    views that lead to the second factor stay open; any other page, data or not, sends
    to the second-factor step, which sends on to the set-up when there is no device yet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not second_factor_pending(request.user):
            return None
        if declared_capability(view_func) is Capability.PUBLIC:
            return None
        if opens_before_second_factor(view_func):
            return None
        url = f"{reverse('accounts:second_factor')}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(url)
        return redirect(url)
