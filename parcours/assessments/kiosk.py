"""Kiosk mode: the tablet handed over to the participant for their self-assessment.

A staff member starts it from an assessment page. From then on, the session is locked
on the kiosk screens: whatever address is typed, every other page (a 404 included)
sends back to the kiosk, which shows the one participant's questions and nothing else.
It ends only when the staff member who started it gives their password again; after
``UNLOCK_TRIES`` wrong ones the session is signed out, so a guessing participant ends
up on the sign-in page, with nothing shown (docs/self-assessment.md).

The state lives in the session, under ``SESSION_KEY``: which enrolment and moment, who
started it, the language of the screens, the wrong passwords so far, the screen shown.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

SESSION_KEY = "parcours_kiosk"
UNLOCK_TRIES = 5


@dataclass
class Kiosk:
    user_id: int
    enrolment_id: int
    moment: str
    language: str
    failures: int = 0
    screen: str = ""  # the kiosk page last shown, where another address leads back


def kiosk_of(request) -> Kiosk | None:
    """The kiosk the session is locked in, if any, and only for the person who started
    it: a session signed in again under someone else never inherits it."""
    data = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not data:
        return None
    kiosk = Kiosk(**data)
    if not request.user.is_authenticated or request.user.pk != kiosk.user_id:
        return None
    return kiosk


def kiosk_store(request, kiosk: Kiosk) -> None:
    request.session[SESSION_KEY] = asdict(kiosk)


def kiosk_start(request, *, enrolment, moment) -> Kiosk:
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    kiosk = Kiosk(
        user_id=request.user.pk, enrolment_id=enrolment.pk, moment=moment, language=language
    )
    kiosk_store(request, kiosk)
    return kiosk


def kiosk_remember_screen(request, kiosk: Kiosk) -> None:
    """Note the screen shown, where another address typed meanwhile leads back."""
    if kiosk.screen != request.get_full_path():
        kiosk.screen = request.get_full_path()
        kiosk_store(request, kiosk)


def kiosk_end(request) -> None:
    request.session.pop(SESSION_KEY, None)


def kiosk_screen(view):
    """Declare a view one of the kiosk's own screens: the only ones open while it is on."""
    view.kiosk_screen = True
    return view


def _is_kiosk_screen(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "kiosk_screen", False)


class KioskMiddleware:
    """Keep a session in kiosk mode on the kiosk screens, in the kiosk's language.

    The check is made on the address before any view runs, so that a page that does not
    exist (whose 404 page would carry the menu) is caught like any other.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kiosk = kiosk_of(request)
        if kiosk is None:
            return self.get_response(request)
        if not _is_kiosk_screen(request.path_info):
            url = kiosk.screen or reverse("assessments:kiosk_welcome")
            if request.headers.get("HX-Request"):
                return HttpResponseClientRedirect(url)
            return redirect(url)
        translation.activate(kiosk.language)
        request.LANGUAGE_CODE = kiosk.language
        response = self.get_response(request)
        response.headers["Content-Language"] = kiosk.language
        return response
