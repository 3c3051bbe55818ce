"""The figures at the top of the dashboard, computed with one aggregate query each."""

from dataclasses import dataclass
from datetime import date

from parcours.participants.models import Participant
from parcours.programme.models import Group
from parcours.workshops.models import Workshop


@dataclass(frozen=True)
class ProgrammeOverview:
    participants: int
    groups_running: int
    workshops: int


def programme_overview(organisation, *, today: date) -> ProgrammeOverview:
    return ProgrammeOverview(
        participants=Participant.objects.filter(organisation=organisation).count(),
        groups_running=Group.objects.filter(organisation=organisation).running_on(today).count(),
        workshops=Workshop.objects.filter(organisation=organisation).count(),
    )
