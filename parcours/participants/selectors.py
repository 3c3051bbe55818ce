"""Reads on participant files, already narrowed to what the user may see."""

from datetime import date

from django.db.models import Exists, OuterRef

from parcours.accounts.access import Capability, get_object_for, user_can
from parcours.accounts.enums import Role
from parcours.participants.models import Participant
from parcours.participants.search import normalise
from parcours.programme.models import Enrolment


def visible_participants(user):
    """Casework roles see the organisation's files; a workshop leader sees the people of
    the groups they are in charge of; nobody else sees any."""
    if not user_can(user, Capability.VIEW_PARTICIPANTS):
        return Participant.objects.none()
    participants = Participant.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.WORKSHOP_LEADER:
        in_my_groups = Enrolment.objects.filter(participant=OuterRef("pk"), group__staff=user)
        participants = participants.filter(Exists(in_my_groups))
    return participants


def consent_in_force(participant, purpose) -> bool:
    """Whether the person's consent for ``purpose`` is in force now."""
    return participant.consents.in_force().filter(purpose=purpose).exists()


def participant_for(request, pk, *, capability=Capability.MANAGE_PARTICIPANTS):
    """The participant ``pk`` as the user may reach it: 404 outside what they see, 403
    for a role without ``capability``."""
    return get_object_for(request, visible_participants(request.user), capability=capability, pk=pk)


def likely_duplicates(
    organisation, *, niss: str, last_name: str, first_name: str, birth_date: date, exclude_pk=None
):
    """Files that are probably the same person: same national number, or the same names
    (whatever the accents and the case) and birth date."""
    candidates = Participant.objects.filter(organisation=organisation)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    same_number = list(candidates.filter(niss=niss)) if niss else []
    names = (normalise(last_name), normalise(first_name))
    same_person = [
        participant
        for participant in candidates.filter(birth_date=birth_date)
        if (normalise(participant.last_name), normalise(participant.first_name)) == names
    ]
    found = {participant.pk: participant for participant in same_number + same_person}
    return list(found.values())
