"""The participant's own sheet, on screen to print and as a PDF (docs/participant-sheet.md).

Whoever may open the file may print it: a workshop leader gets the week alone, as the
file shows them no social data. Each one is written to the audit trail.
"""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

from parcours.accounts.access import Capability, get_object_for, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.core.pdf import render_pdf
from parcours.participants.forms import SheetChoice, SheetForm
from parcours.participants.models import Participant
from parcours.participants.selectors import visible_participants
from parcours.participants.sheet import ParticipantSheet, participant_sheet

WEEK = datetime.timedelta(days=7)


def _sheet(
    request: OrganisationRequest, pk: int
) -> tuple[Participant, SheetForm, SheetChoice, ParticipantSheet]:
    participant = get_object_for(
        request,
        visible_participants(request.user).select_related("organisation", "social_worker"),
        capability=Capability.VIEW_PARTICIPANTS,
        pk=pk,
    )
    # Nobody is left to hand it to: the file no longer names the person.
    if participant.anonymised_on:
        raise Http404
    form = SheetForm(request.GET, today=timezone.localdate())
    choice = form.choice()
    sheet = participant_sheet(
        participant,
        monday=choice.monday,
        with_social_data=user_can(request.user, Capability.VIEW_SOCIAL_DATA),
    )
    return participant, form, choice, sheet


@requires(Capability.VIEW_PARTICIPANTS)
def sheet_page(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant, form, choice, sheet = _sheet(request, pk)
    record_opened(obj=participant, by=request.user, purpose=AuditPurpose.PRINTING)
    return render(
        request,
        "participants/sheet.html",
        {
            "participant": participant,
            "form": form,
            "sheet": sheet,
            "sheet_language": choice.language,
            "previous_day": choice.monday - WEEK,
            "next_day": choice.monday + WEEK,
        },
    )


@requires(Capability.VIEW_PARTICIPANTS)
def sheet_pdf(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant, _form, choice, sheet = _sheet(request, pk)
    # The whole document in the person's language: its text, its dates and its <html lang>.
    with translation.override(choice.language):
        content = render_pdf("participants/sheet_pdf.html", {"sheet": sheet})
    record_opened(obj=participant, by=request.user, purpose=AuditPurpose.PRINTING)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]  # None only without a file name
        False, f"fiche-{participant.reference}-{choice.monday:%Y-%m-%d}.pdf"
    )
    return response
