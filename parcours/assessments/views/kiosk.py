"""The self-assessment on the tablet: the kiosk's screens (docs/self-assessment.md).

Started by a staff member from the assessment page; then a welcome screen, one screen a
domain (one tap answers and goes on), the participant's own star chart, and the staff
member's password to leave. The screens carry no menu and no link out, and the address
of any other page sends back to them (``parcours.assessments.kiosk``).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, requires
from parcours.accounts.http import OrganisationRequest
from parcours.assessments import kiosk as kiosk_mode
from parcours.assessments import services
from parcours.assessments.charts import own_answers_chart
from parcours.assessments.easy_read import LEVEL_WORDS, LEVELS, WORDS, lines_of
from parcours.assessments.enums import Moment
from parcours.assessments.models import SelfRating
from parcours.assessments.selectors import enrolment_for
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.core.domains import Domain
from parcours.programme.models import Enrolment

SKIP = "skip"
DOMAINS = Domain.values

# A kiosk screen as written (given the kiosk and its enrolment after the request) and as
# served (given the request and the address's parameters only).
KioskScreen = Callable[..., HttpResponse]


@requires(Capability.MANAGE_PARTICIPANTS)
@require_POST
def kiosk_start(request: OrganisationRequest, enrolment_pk: int, moment: str) -> HttpResponse:
    if moment not in Moment.values:
        raise Http404
    enrolment = enrolment_for(request, enrolment_pk)
    record_opened(obj=enrolment, by=request.user, purpose=AuditPurpose.CONSULTATION)
    kiosk_mode.kiosk_start(request, enrolment=enrolment, moment=moment)
    return redirect("assessments:kiosk_welcome")


def _kiosk_view(
    capability: Capability, *, remembered: bool = True
) -> Callable[[KioskScreen], KioskScreen]:
    """A kiosk screen: open only while the session is in kiosk mode, given the kiosk
    and its enrolment. Without a kiosk (it ended, or never started) the screen sends to
    the dashboard; an enrolment gone meanwhile ends the kiosk. A ``remembered`` screen
    is where another address leads back to (the participant's, not the unlock one)."""

    def decorator(view: KioskScreen) -> KioskScreen:
        @kiosk_mode.kiosk_screen
        @requires(capability)
        @wraps(view)
        def wrapped(request: OrganisationRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            kiosk = kiosk_mode.kiosk_of(request)
            if kiosk is None:
                return redirect("dashboard:home")
            enrolment = (
                Enrolment.objects.select_related("participant", "group")
                .filter(pk=kiosk.enrolment_id, group__organisation_id=request.user.organisation_id)
                .first()
            )
            if enrolment is None:
                kiosk_mode.kiosk_end(request)
                return redirect("dashboard:home")
            if remembered and request.method == "GET":
                kiosk_mode.kiosk_remember_screen(request, kiosk)
            return view(request, kiosk, enrolment, *args, **kwargs)

        screen: KioskScreen = wrapped  # what the untyped decorators above gave
        return screen

    return decorator


def _answers(kiosk: kiosk_mode.Kiosk, enrolment: Enrolment) -> dict[str, int | None]:
    """The participant's answers so far at this moment: domain → rating (None: skipped)."""
    return dict(
        SelfRating.objects.filter(
            self_assessment__enrolment=enrolment, self_assessment__moment=kiosk.moment
        ).values_list("domain", "rating")
    )


def _languages(current: str) -> list[dict[str, Any]]:
    """Each language named in itself: "Nederlands" is found by who reads Dutch."""
    return [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"].capitalize(),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@_kiosk_view(Capability.MANAGE_PARTICIPANTS)
def kiosk_welcome(
    request: OrganisationRequest, kiosk: kiosk_mode.Kiosk, enrolment: Enrolment
) -> HttpResponse:
    return render(
        request,
        "assessments/kiosk/welcome.html",
        {
            "first_name": enrolment.participant.first_name,
            "count": len(DOMAINS),
            "languages": _languages(kiosk.language),
            "first_url": reverse("assessments:kiosk_question", args=[DOMAINS[0]]),
        },
    )


@_kiosk_view(Capability.MANAGE_PARTICIPANTS, remembered=False)
@require_POST
def kiosk_language(
    request: OrganisationRequest, kiosk: kiosk_mode.Kiosk, enrolment: Enrolment
) -> HttpResponse:
    language = request.POST.get("language")
    if language in dict(settings.LANGUAGES):
        kiosk.language = language
        kiosk_mode.kiosk_store(request, kiosk)
    return redirect("assessments:kiosk_welcome")


@_kiosk_view(Capability.MANAGE_PARTICIPANTS, remembered=False)
def kiosk_question(
    request: OrganisationRequest, kiosk: kiosk_mode.Kiosk, enrolment: Enrolment, domain: str
) -> HttpResponse:
    if domain not in DOMAINS:  # a made-up address: no 404 page, which carries the menu
        return redirect("assessments:kiosk_welcome")
    index = DOMAINS.index(domain)
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        choices = {str(level): level for level in LEVELS} | {SKIP: None}
        if answer not in choices:
            return redirect("assessments:kiosk_question", domain=domain)
        services.self_rating_save(
            enrolment=enrolment,
            moment=kiosk.moment,
            domain=domain,
            rating=choices[answer],
            language=kiosk.language,
            by=request.user,
        )
        if index + 1 < len(DOMAINS):
            return redirect("assessments:kiosk_question", domain=DOMAINS[index + 1])
        return redirect("assessments:kiosk_done")

    kiosk_mode.kiosk_remember_screen(request, kiosk)
    answers = _answers(kiosk, enrolment)
    words = WORDS[Domain(domain)]
    chosen = answers.get(domain, SKIP if domain in answers else "")
    return render(
        request,
        "assessments/kiosk/question.html",
        {
            "domain": domain,
            "words": words,
            "number": index + 1,
            "count": len(DOMAINS),
            "steps": [
                {"number": number, "done": other in answers, "current": other == domain}
                for number, other in enumerate(DOMAINS, start=1)
            ],
            "options": [
                {
                    "level": level,
                    "word": LEVEL_WORDS[level],
                    "lines": lines_of(words.sentences[level]),
                    "chosen": chosen == level,
                }
                for level in LEVELS
            ],
            "skipped": chosen == SKIP,
            "skip": SKIP,
            "back_url": reverse("assessments:kiosk_question", args=[DOMAINS[index - 1]])
            if index
            else reverse("assessments:kiosk_welcome"),
        },
    )


def _level_word(rating: int | None) -> str | Promise | None:
    """The word of an answer; none for a domain skipped or not answered yet."""
    return None if rating is None else LEVEL_WORDS.get(rating)


@_kiosk_view(Capability.MANAGE_PARTICIPANTS)
def kiosk_done(
    request: OrganisationRequest, kiosk: kiosk_mode.Kiosk, enrolment: Enrolment
) -> HttpResponse:
    answers = _answers(kiosk, enrolment)
    rows = [
        {
            "domain": domain,
            "title": WORDS[Domain(domain)].title,
            "answered": domain in answers,
            "word": _level_word(answers.get(domain)),
            "rating": answers.get(domain),
            "url": reverse("assessments:kiosk_question", args=[domain]),
        }
        for domain in DOMAINS
    ]
    return render(
        request,
        "assessments/kiosk/done.html",
        {"rows": rows, "chart": own_answers_chart(answers)},
    )


@_kiosk_view(Capability.SIGNED_IN, remembered=False)
def kiosk_unlock(
    request: OrganisationRequest, kiosk: kiosk_mode.Kiosk, enrolment: Enrolment
) -> HttpResponse:
    # The staff member reads this screen: in their language, not the participant's.
    with translation.override(request.user.language or settings.LANGUAGE_CODE):
        error = ""
        if request.method == "POST":
            if request.user.check_password(request.POST.get("password", "")):
                kiosk_mode.kiosk_end(request)
                messages.success(
                    request, _("Self-assessment closed. The participant's answers are saved.")
                )
                return redirect(
                    "assessments:assessment_edit", enrolment_pk=enrolment.pk, moment=kiosk.moment
                )
            kiosk.failures += 1
            if kiosk.failures >= kiosk_mode.UNLOCK_TRIES:
                # A participant trying passwords gets no more tries: the session ends, and
                # the staff member signs in again (where the sign-in's own limits apply).
                logout(request)
                messages.warning(
                    request,
                    _(
                        "Too many wrong passwords: you have been signed out. "
                        "The participant's answers are saved."
                    ),
                )
                return redirect(settings.LOGIN_URL)
            kiosk_mode.kiosk_store(request, kiosk)
            left = kiosk_mode.UNLOCK_TRIES - kiosk.failures
            error = ngettext(
                "Wrong password. %(left)s more try, then the session is signed out.",
                "Wrong password. %(left)s more tries, then the session is signed out.",
                left,
            ) % {"left": left}
        return render(
            request,
            "assessments/kiosk/unlock.html",
            {
                "staff_name": request.user.get_full_name() or request.user.username,
                "error": error,
                "back_url": kiosk.screen or reverse("assessments:kiosk_welcome"),
            },
        )
