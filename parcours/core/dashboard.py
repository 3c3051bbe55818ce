"""The figures of the dashboard, computed with one aggregate query each."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

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


# A dashboard list shows the most urgent lines only: a federation's coordinator would
# otherwise get thousands of them (docs/performance.md).
SHORTLIST_LENGTH = 20


@dataclass(frozen=True)
class Shortlist:
    """The first lines of a dashboard list, and how many more there are."""

    items: list
    left_out: int

    def __iter__(self):
        return iter(self.items)

    def __bool__(self):
        return bool(self.items)

    def __len__(self):
        return len(self.items)


def shortlist(items, length: int = SHORTLIST_LENGTH) -> Shortlist:
    """The first ``length`` of ``items`` (a list, or a queryset: then one count and one
    sliced query, both made even when the list is empty, so that the page does as many
    queries whatever the data)."""
    if isinstance(items, QuerySet):
        total = items.count()
        shown = list(items[:length])
    else:
        total = len(items)
        shown = list(items[:length])
    return Shortlist(shown, total - len(shown))
