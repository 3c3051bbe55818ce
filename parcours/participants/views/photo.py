"""The participant's photo: added and removed by casework, handed out to whoever may
open the file, never through a public URL."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, get_object_for, requires
from parcours.accounts.http import OrganisationRequest
from parcours.participants.enums import ConsentPurpose
from parcours.participants.forms import PhotoForm
from parcours.participants.photos import photo_delete as delete_photo
from parcours.participants.photos import photo_set
from parcours.participants.selectors import consent_in_force, participant_for, visible_participants


@requires(Capability.VIEW_PARTICIPANTS)
def photo(request: OrganisationRequest, pk: int) -> FileResponse:
    # The same lookup as the file: a partner's leader reaches only the people who share.
    participant = get_object_for(
        request, visible_participants(request.user), capability=Capability.VIEW_PARTICIPANTS, pk=pk
    )
    if not participant.photo:
        raise Http404(_("This person has no photo."))
    response = FileResponse(participant.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@requires(Capability.MANAGE_PARTICIPANTS)
def photo_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = participant_for(request, pk)
    consent = consent_in_force(participant, ConsentPurpose.PHOTOS)
    form = PhotoForm(request.POST or None, request.FILES or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        try:
            photo_set(participant=participant, upload=form.cleaned_data["photo"], by=request.user)
        except ValidationError as error:
            form.add_error("photo", error)
        else:
            messages.success(request, _("The photo has been saved."))
            return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request,
        "participants/photo_form.html",
        {"form": form, "participant": participant, "consent": consent},
    )


@requires(Capability.MANAGE_PARTICIPANTS)
@require_POST
def photo_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = participant_for(request, pk)
    delete_photo(participant=participant, by=request.user)
    messages.success(request, _("The photo has been deleted."))
    return redirect("participants:participant_detail", pk=participant.pk)
