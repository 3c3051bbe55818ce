"""The individual follow-up: interventions and literacy positioning tests."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, requires
from parcours.accounts.http import OrganisationRequest
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.audit.versions import StaleVersion
from parcours.participants import services
from parcours.participants.forms import InterventionForm, LiteracyTestForm
from parcours.participants.selectors import participant_for


@requires(Capability.MANAGE_PARTICIPANTS)
def intervention_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = participant_for(request, pk)
    form = InterventionForm(
        request.POST or None,
        initial={"date": timezone.localdate(), "duration_minutes": 30},
    )
    if request.method == "POST" and form.is_valid():
        services.intervention_create(participant=participant, by=request.user, **form.values())
        messages.success(request, _("The intervention has been recorded."))
        return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request,
        "participants/intervention_form.html",
        {"form": form, "participant": participant, "creating": True},
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def intervention_update(
    request: OrganisationRequest, pk: int, intervention_pk: int
) -> HttpResponse:
    participant = participant_for(request, pk)
    intervention = get_object_or_404(participant.interventions, pk=intervention_pk)
    form = InterventionForm(request.POST or None, instance=intervention)
    status = 200
    if request.method != "POST":
        record_opened(obj=intervention, by=request.user, purpose=AuditPurpose.CONSULTATION)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_update(
                intervention=intervention, by=request.user, **form.values()
            )
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The intervention has been saved."))
            return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request,
        "participants/intervention_form.html",
        {"form": form, "participant": participant, "creating": False},
        status=status,
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def literacy_test_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = participant_for(request, pk)
    form = LiteracyTestForm(
        request.POST or None,
        organisation=request.user.organisation,
        initial={"date": timezone.localdate(), "examiner": request.user},
    )
    if request.method == "POST" and form.is_valid():
        services.literacy_test_record(participant=participant, by=request.user, **form.values())
        messages.success(request, _("The positioning test has been recorded."))
        return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request, "participants/literacy_test_form.html", {"form": form, "participant": participant}
    )
