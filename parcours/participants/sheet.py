"""The participant's own sheet: the sessions of their week, their action plan in their
words and whom to call, to hand to them on paper (docs/participant-sheet.md).

Read in a fixed number of queries whatever the number of sessions and actions.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from parcours.assessments.models import Action
from parcours.programme.models import Enrolment
from parcours.workshops.models import Session

DAY = datetime.timedelta(days=1)


def coming_week(today: datetime.date) -> datetime.date:
    """The Monday of the week the sheet is for by default: this week, or the next one
    from Saturday, once the programme's week is over."""
    monday = today - today.weekday() * DAY
    return monday + 7 * DAY if today.weekday() >= 5 else monday


@dataclass(frozen=True)
class SheetSession:
    start: datetime.time
    end: datetime.time
    workshop: str
    place: str
    leader: str
    cancelled: bool


@dataclass
class SheetDay:
    date: datetime.date
    sessions: list[SheetSession] = field(default_factory=list)


@dataclass
class ParticipantSheet:
    participant: object
    monday: datetime.date
    days: list[SheetDay]
    # None when the reader may not see the social data (a workshop leader): the block
    # is left out, which is not the same as a plan with nothing in it.
    actions: list[Action] | None
    # Who follows the person is casework's to know too, as on the file.
    social_worker: object | None
    organisation: object

    @property
    def sunday(self) -> datetime.date:
        return self.monday + 6 * DAY


def _leader_of(session) -> str:
    """Whom the participant meets: the leader, else the partner's contact or name."""
    if session.leader:
        return session.leader.get_full_name() or str(session.leader)
    if session.provider:
        return session.provider.contact_name or session.provider.name
    return ""


def week_sessions(participant, monday: datetime.date):
    """The sessions from ``monday`` to Sunday of the groups the person is enrolled in on
    each session's day (an enrolment that starts later or ended before does not count),
    cancelled ones included: the sheet says they do not take place."""
    enrolled = Enrolment.objects.filter(
        participant=participant, group__sessions=OuterRef("pk"), start_date__lte=OuterRef("date")
    ).filter(Q(exit_date__isnull=True) | Q(exit_date__gte=OuterRef("date")))
    return (
        Session.objects.filter(organisation_id=participant.organisation_id)
        .between(monday, monday + 6 * DAY)
        .filter(Exists(enrolled))
        .select_related("workshop", "leader", "provider")
        .order_by("date", "start_time", "pk")
    )


def _social_worker(participant):
    """The social worker to call; not one whose account is closed (they have left)."""
    worker = participant.social_worker
    return worker if worker is not None and worker.is_active else None


def _days(sessions) -> list[SheetDay]:
    days: dict[datetime.date, SheetDay] = {}
    for session in sessions:
        days.setdefault(session.date, SheetDay(session.date)).sessions.append(
            SheetSession(
                start=session.start_time,
                end=session.end_time,
                workshop=session.workshop.name,
                place=session.room,
                leader=_leader_of(session),
                cancelled=session.cancelled,
            )
        )
    return list(days.values())


def participant_sheet(
    participant, *, monday: datetime.date, with_social_data: bool
) -> ParticipantSheet:
    """The sheet of ``participant`` for the week of ``monday``; the action plan (the
    open actions, soonest first) and the social worker only ``with_social_data``.
    ``participant`` comes with its ``social_worker`` and ``organisation`` already read."""
    actions = None
    if with_social_data:
        actions = list(
            Action.objects.filter(enrolment__participant=participant)
            .open()
            .order_by("due_date", "pk")
        )
    return ParticipantSheet(
        participant=participant,
        monday=monday,
        days=_days(week_sessions(participant, monday)),
        actions=actions,
        social_worker=_social_worker(participant) if with_social_data else None,
        organisation=participant.organisation,
    )
