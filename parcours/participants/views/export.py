"""The right of access (GDPR art. 15): a participant's file as JSON or as a readable PDF.

An export is a read of the whole file: it is written to the audit trail like an opening.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from parcours.accounts.access import Capability, get_object_for, requires
from parcours.accounts.http import OrganisationRequest
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.participants.models import Participant
from parcours.participants.selectors import visible_participants
from parcours.privacy.right_of_access import export_filename, participant_data, render_pdf


def _participant(request: OrganisationRequest, pk: int) -> Participant:
    # get_object_for is untyped: the record of the queryset given.
    participant: Participant = get_object_for(
        request,
        visible_participants(request.user).select_related("organisation", "social_worker"),
        capability=Capability.VIEW_SOCIAL_DATA,
        pk=pk,
    )
    return participant


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@requires(Capability.VIEW_SOCIAL_DATA)
def export_json(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    data = participant_data(participant, exported_by=request.user)
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
    record_opened(obj=participant, by=request.user, purpose=AuditPurpose.RIGHT_OF_ACCESS)
    return _download(
        content.encode("utf-8"),
        content_type="application/json; charset=utf-8",
        filename=export_filename(participant, "json"),
    )


@requires(Capability.VIEW_SOCIAL_DATA)
def export_pdf(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    data = participant_data(participant, exported_by=request.user)
    content = render_pdf(participant, data, request=request)
    record_opened(obj=participant, by=request.user, purpose=AuditPurpose.RIGHT_OF_ACCESS)
    return _download(
        content, content_type="application/pdf", filename=export_filename(participant, "pdf")
    )
