"""Reads on participant files, already narrowed to what the user may see."""

from datetime import date
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, get_object_for, scoped, user_can
from parcours.accounts.enums import Role
from parcours.accounts.http import AuthenticatedRequest
from parcours.accounts.models import Organisation, User
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import Participant, ParticipantQuerySet
from parcours.participants.search import normalise
from parcours.programme.models import Enrolment


def is_partner_leader(user: User) -> bool:
    """A workshop leader who belongs to a partner organisation (``Provider.leaders``)."""
    from parcours.workshops.enums import ProviderKind
    from parcours.workshops.models import Provider

    return (
        user.is_authenticated
        and user.role == Role.WORKSHOP_LEADER
        and Provider.objects.filter(kind=ProviderKind.PARTNER, leaders=user).exists()
    )


def visible_participants(user: User) -> ParticipantQuerySet:
    """Casework roles see the organisation's files; a workshop leader sees the people of
    the groups they are in charge of, and a partner's leader only those of them who
    consent to sharing with partners; nobody else sees any."""
    if not user_can(user, Capability.VIEW_PARTICIPANTS):
        return Participant.objects.none()
    participants = scoped(Participant.objects.all(), user)
    if user.role == Role.WORKSHOP_LEADER:
        in_my_groups = Enrolment.objects.filter(participant=OuterRef("pk"), group__staff=user)
        participants = participants.filter(Exists(in_my_groups))
        if is_partner_leader(user):
            participants = participants.with_consent(ConsentPurpose.PARTNER_SHARING)
    return participants


def neutral_label(participant: Participant) -> str:
    """What a partner's leader sees of a person who does not consent to sharing: the
    initial of the first name, to call the person, and the file reference, which tells
    two people of a group apart and means nothing outside the CPAS."""
    initial = (participant.first_name or "?")[:1].upper()
    return f"{initial}. · {participant.reference}"


class NamesShown:
    """How one user sees people's names: whole, or, for a partner's leader, only for
    the people whose consent to sharing with partners is in force. Reads the consents
    once, when the first name is asked for."""

    def __init__(self, user: User | None, *, everyone: bool = False) -> None:
        self.user = user
        self.everyone = everyone

    @classmethod
    def for_document(cls) -> "NamesShown":
        """For a document the programme makes itself (a grant's pack), which has
        already chosen whom it lists and how."""
        return cls(None, everyone=True)

    @cached_property
    def _sharing(self) -> set[int] | None:
        if self.everyone:
            return None
        if self.user is None:
            raise ValueError("Names are shown to a user, or to everyone (for_document).")
        if not is_partner_leader(self.user):
            return None
        return set(
            scoped(Participant.objects.all(), self.user)
            .with_consent(ConsentPurpose.PARTNER_SHARING)
            .values_list("pk", flat=True)
        )

    def shows(self, participant: Participant) -> bool:
        return self._sharing is None or participant.pk in self._sharing

    def name(self, participant: Participant) -> str:
        return str(participant) if self.shows(participant) else neutral_label(participant)


def consent_in_force(participant: Participant, purpose: str) -> bool:
    """Whether the person's consent for ``purpose`` is in force now."""
    return participant.consents.in_force().filter(purpose=purpose).exists()


def participant_for(
    request: AuthenticatedRequest,
    pk: int,
    *,
    capability: Capability = Capability.MANAGE_PARTICIPANTS,
) -> Participant:
    """The participant ``pk`` as the user may reach it: 404 outside what they see, 403
    for a role without ``capability``, and 403 for changing an anonymised file (nothing
    may be written back into it)."""
    participant: Participant = get_object_for(
        request, visible_participants(request.user), capability=capability, pk=pk
    )
    if capability == Capability.MANAGE_PARTICIPANTS and participant.anonymised_on:
        raise PermissionDenied(_("This file has been anonymised: it can no longer be changed."))
    return participant


def likely_duplicates(
    organisation: Organisation,
    *,
    niss: str,
    last_name: str,
    first_name: str,
    birth_date: date,
    exclude_pk: int | None = None,
) -> list[Participant]:
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
