"""The digest preferences, the links that stop messages, and the log of messages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from parcours.accounts.access import Capability, public, requires
from parcours.accounts.http import OrganisationRequest
from parcours.accounts.models import User
from parcours.participants.models import Participant
from parcours.reminders import services
from parcours.reminders.forms import DigestPreferenceForm
from parcours.reminders.models import DigestPreference
from parcours.reminders.selectors import message_log
from parcours.reminders.tokens import PARTICIPANT_SALT, USER_SALT, read_token


@requires(Capability.SIGNED_IN)
def preferences(request: OrganisationRequest) -> HttpResponse:
    user = request.user
    instance = DigestPreference.objects.filter(user=user).first() or DigestPreference(user=user)
    form = DigestPreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.digest_preference_save(user=user, by=user, **form.cleaned_data)
        messages.success(request, _("Your choice of digest has been saved."))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})


def _pk_of(salt: str, token: str) -> int:
    """The number of the record the token was made for; 404 for a token not made here."""
    pk = read_token(salt, token)
    if pk is None:
        raise Http404
    return pk


# The token is the access: no sign-in, and no CSRF token, as mail clients post the
# one-click unsubscribe of the List-Unsubscribe-Post header here (RFC 8058). A GET
# only shows the button: link checkers that open every link of an e-mail change nothing.
@public
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user = get_object_or_404(User.objects.filter(is_active=True), pk=_pk_of(USER_SALT, token))
    done = False
    if request.method == "POST":
        services.unsubscribe(user)
        done = True
    return render(request, "reminders/unsubscribe.html", {"done": done})


@public
@csrf_exempt
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    participant = get_object_or_404(Participant.objects.all(), pk=_pk_of(PARTICIPANT_SALT, token))
    done = False
    if request.method == "POST":
        services.opt_out(participant)
        done = True
    # The page names nobody: whoever holds the link may not be the person.
    return render(request, "reminders/opt_out.html", {"done": done})


@requires(Capability.MANAGE_ORGANISATION)
def log(request: OrganisationRequest) -> HttpResponse:
    # Queries: the page of messages with their recipients, and the count.
    page = Paginator(message_log(request.user.organisation), 50).get_page(request.GET.get("page"))
    return render(request, "reminders/message_log.html", {"page": page})
