"""The participant's file: one screen that tells the person's story."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from parcours.accounts.access import Capability, get_object_for, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.assessments.charts import journey_context
from parcours.attendance.selectors import attendance_rate
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.participants.file import participant_story
from parcours.participants.selectors import visible_participants


@requires(Capability.VIEW_PARTICIPANTS)
def participant_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = get_object_for(
        request,
        visible_participants(request.user).select_related("social_worker"),
        capability=Capability.VIEW_PARTICIPANTS,
        pk=pk,
    )
    record_opened(obj=participant, by=request.user, purpose=AuditPurpose.CONSULTATION)
    casework = user_can(request.user, Capability.VIEW_SOCIAL_DATA)
    story = participant_story(participant, with_social_data=casework)
    # The journey of the enrolment under way, or else of the latest one.
    enrolment = next((e for e in story.enrolments if e.exit_date is None), None) or (
        story.enrolments[0] if story.enrolments else None
    )
    return render(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "story": story,
            "casework": casework,
            "can_erase": participant.anonymised_on is None
            and user_can(request.user, Capability.MANAGE_RETENTION),
            "can_enrol": participant.anonymised_on is None
            and user_can(request.user, Capability.MANAGE_PROGRAMME),
            # An action belongs to an enrolment's plan: the one the journey shows.
            "plan_enrolment": enrolment
            if participant.anonymised_on is None
            and user_can(request.user, Capability.MANAGE_PARTICIPANTS)
            else None,
            "age": participant.age_on(timezone.localdate()),
            "journey": journey_context(enrolment) if casework and enrolment else None,
            "today": timezone.localdate(),
            "attendance_rate": attendance_rate(participant, until=timezone.localdate()),
        },
    )
