"""The action plan: actions agreed with the participant, added and edited one at a time.

A page opened from an assessment (``?moment=entry``) goes back to it once saved, and a
new action is then noted as agreed at that assessment.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, requires
from parcours.accounts.http import OrganisationRequest
from parcours.assessments import services
from parcours.assessments.enums import Moment
from parcours.assessments.forms import ActionForm
from parcours.assessments.models import Action, Assessment
from parcours.assessments.selectors import ASSESSMENT_NAMES, enrolment_for
from parcours.audit.versions import StaleVersion
from parcours.core.domains import Domain
from parcours.programme.models import Enrolment


def _moment_from(request: OrganisationRequest) -> str | None:
    moment = request.GET.get("moment")
    return moment if moment in Moment.values else None


def _back_url(enrolment: Enrolment, moment: str | None) -> str:
    if moment:
        return reverse(
            "assessments:assessment_edit", kwargs={"enrolment_pk": enrolment.pk, "moment": moment}
        )
    return reverse("participants:participant_detail", kwargs={"pk": enrolment.participant_id})


def _page(
    request: OrganisationRequest,
    form: ActionForm,
    enrolment: Enrolment,
    *,
    action: Action | None = None,
    moment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assessments/action_form.html",
        {
            "form": form,
            "action": action,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "assessment_name": ASSESSMENT_NAMES[Moment(moment)] if moment else "",
            "back_url": _back_url(enrolment, moment),
        },
        status=status,
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def action_create(request: OrganisationRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = enrolment_for(request, enrolment_pk)
    moment = _moment_from(request)
    domain = request.GET.get("domain")
    initial = {"domain": domain} if domain in Domain.values else {}
    form = ActionForm(
        request.POST if request.method == "POST" else None, initial=initial, creating=True
    )
    if request.method == "POST" and form.is_valid():
        agreed_at = (
            Assessment.objects.filter(enrolment=enrolment, moment=moment).first()
            if moment
            else None
        )
        services.action_create(
            enrolment=enrolment, by=request.user, agreed_at=agreed_at, **form.values()
        )
        messages.success(request, _("The action has been added to the plan."))
        return redirect(_back_url(enrolment, moment))
    return _page(request, form, enrolment, moment=moment)


@requires(Capability.MANAGE_PARTICIPANTS)
def action_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.select_related("enrolment__participant", "enrolment__group"),
        pk=pk,
        enrolment__group__organisation_id=request.user.organisation_id,
    )
    moment = _moment_from(request)
    form = ActionForm(
        request.POST if request.method == "POST" else None, instance=action, creating=False
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, by=request.user, **form.values())
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The action has been saved."))
            return redirect(_back_url(action.enrolment, moment))
    return _page(request, form, action.enrolment, action=action, moment=moment, status=status)
