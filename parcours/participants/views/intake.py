"""Taking a person in, correcting their profile, recording their consents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, requires
from parcours.accounts.enums import Role
from parcours.accounts.http import OrganisationRequest
from parcours.audit.versions import StaleVersion
from parcours.participants import services
from parcours.participants.forms import ConsentForm, ParticipantForm, WithdrawForm
from parcours.participants.models import Participant
from parcours.participants.selectors import likely_duplicates, participant_for


def _duplicates_of(form: ParticipantForm, *, exclude_pk: int | None = None) -> list[Participant]:
    data = form.cleaned_data
    return likely_duplicates(
        form.organisation,
        niss=data["niss"],
        last_name=data["last_name"],
        first_name=data["first_name"],
        birth_date=data["birth_date"],
        exclude_pk=exclude_pk,
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def participant_create(request: OrganisationRequest) -> HttpResponse:
    organisation = request.user.organisation
    # A social worker taking someone in usually follows them.
    in_charge = request.user if request.user.role == Role.SOCIAL_WORKER else None
    form = ParticipantForm(
        request.POST or None, organisation=organisation, initial={"social_worker": in_charge}
    )
    duplicates: list[Participant] = []
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_of(form)
        if not duplicates or form.cleaned_data["confirm_duplicate"]:
            try:
                participant = services.participant_create(
                    organisation=organisation, by=request.user, **form.values()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The file of %(name)s is open.") % {"name": participant}
                )
                return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request,
        "participants/participant_form.html",
        {"form": form, "duplicates": duplicates, "creating": True},
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def participant_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = participant_for(request, pk)
    form = ParticipantForm(
        request.POST or None, instance=participant, organisation=request.user.organisation
    )
    duplicates: list[Participant] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        duplicates = _duplicates_of(form, exclude_pk=participant.pk)
        if not duplicates or form.cleaned_data["confirm_duplicate"]:
            try:
                services.participant_update(
                    participant=participant, by=request.user, **form.values()
                )
            except ValidationError as error:
                form.add_error(None, error)
            except StaleVersion as stale:
                form.refuse_stale(stale.current)
                status = 409
            else:
                messages.success(request, _("The profile has been saved."))
                return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request,
        "participants/participant_form.html",
        {"form": form, "duplicates": duplicates, "creating": False, "participant": participant},
        status=status,
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def consent_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = participant_for(request, pk)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(participant=participant, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request, "participants/consent_form.html", {"form": form, "participant": participant}
    )


@requires(Capability.MANAGE_PARTICIPANTS)
@require_POST
def consent_withdraw(request: OrganisationRequest, pk: int, consent_pk: int) -> HttpResponse:
    participant = participant_for(request, pk)
    consent = get_object_or_404(participant.consents.in_force(), pk=consent_pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        services.consent_withdraw(
            consent=consent,
            withdrawn_on=timezone.localdate(),
            by=request.user,
            version=form.cleaned_data["version"],
        )
    except StaleVersion:
        messages.error(
            request,
            _("Someone else changed this consent in the meantime: check it before withdrawing it."),
        )
    else:
        messages.success(request, _("The consent has been withdrawn."))
    return redirect("participants:participant_detail", pk=participant.pk)
