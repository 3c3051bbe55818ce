"""Reads on sessions and attendance, already narrowed to what the user may see."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from parcours.accounts.access import Capability, user_can
from parcours.accounts.enums import Role
from parcours.attendance.enums import ATTENDED, Presence
from parcours.attendance.models import Attendance
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.workshops.models import Session


def visible_sessions(user):
    """Casework roles see the organisation's sessions; a workshop leader sees the ones
    they lead and those of the groups they are in charge of; nobody else sees any."""
    if not user_can(user, Capability.VIEW_PROGRAMME):
        return Session.objects.none()
    sessions = Session.objects.filter(organisation_id=user.organisation_id)
    if user_can(user, Capability.MANAGE_PROGRAMME):
        return sessions
    if user.role == Role.WORKSHOP_LEADER:
        in_charge = Group.staff.through.objects.filter(
            group__sessions=OuterRef("pk"), user_id=user.pk
        )
        return sessions.filter(Q(leader_id=user.pk) | Exists(in_charge))
    return Session.objects.none()


def active_on(day):
    """Enrolments running on ``day``."""
    return Q(start_date__lte=day) & (Q(exit_date__isnull=True) | Q(exit_date__gte=day))


def expected_participants(session):
    """The people expected at a session: enrolled in one of its groups on its date."""
    # An uncorrelated subquery: the database starts from the session's enrolments (an
    # EXISTS per person makes SQLite read every participant of the database).
    enrolled = Enrolment.objects.filter(active_on(session.date), group__sessions=session)
    return Participant.objects.filter(pk__in=enrolled.values("participant_id")).order_by(
        "last_name", "first_name", "pk"
    )


def is_expected(session, participant) -> bool:
    return expected_participants(session).filter(pk=participant.pk).exists()


def _enrolled_at_session(participant_ref):
    """An Exists: the participant ``participant_ref`` had an enrolment running on the
    date of the outer session, in one of its groups."""
    return Exists(
        Enrolment.objects.filter(
            participant=participant_ref,
            group__sessions=OuterRef("pk"),
            start_date__lte=OuterRef("date"),
        ).filter(Q(exit_date__isnull=True) | Q(exit_date__gte=OuterRef("date")))
    )


@dataclass(frozen=True)
class Rate:
    sessions: int  # held sessions of their groups while enrolled, up to the date
    marked: int  # of those, how many have a mark for them
    attended: int  # present or late
    pct: float | None  # attended among marked, one decimal; None when nothing is marked


def attendance_rate(participant, *, until: datetime.date) -> Rate:
    """How often a person came to the sessions of their groups while enrolled, up to
    ``until``: the share attended (present or late) among the sessions whose register
    has a mark for them. Two queries, each one aggregate."""
    # The sessions of the person's groups first (a few hundred, by the groups' index),
    # then the dates of their enrolments: otherwise the database tries every session
    # of the organisation against the enrolments.
    of_their_groups = Session.groups.through.objects.filter(
        group__enrolments__participant=participant.pk
    ).values("session_id")
    held = Session.objects.held().filter(
        _enrolled_at_session(participant.pk),
        pk__in=of_their_groups,
        date__lte=until,
        organisation_id=participant.organisation_id,
    )
    sessions = held.count()
    counts = Attendance.objects.filter(participant=participant, session__in=held).aggregate(
        marked=Count("pk"), attended=Count("pk", filter=Q(status__in=ATTENDED))
    )
    marked, attended = counts["marked"], counts["attended"]
    pct = round(attended * 100 / marked, 1) if marked else None
    return Rate(sessions=sessions, marked=marked, attended=attended, pct=pct)


def _followed_participants(user, today):
    """The participants with a running enrolment the user may watch over."""
    if not user_can(user, Capability.VIEW_PROGRAMME):
        return Participant.objects.none()
    from parcours.programme.selectors import visible_groups

    running = Enrolment.objects.filter(
        active_on(today), participant=OuterRef("pk"), group__in=visible_groups(user)
    )
    return Participant.objects.filter(organisation_id=user.organisation_id).filter(Exists(running))


@dataclass(frozen=True)
class MissedRun:
    participant: Participant
    since: datetime.date  # the first of the absences in a row
    last: datetime.date


# How far back the dashboard's lists look: longer than any closing period, so that a
# person still enrolled always has their last marks in it, and short enough that the
# cost does not grow with years of attendance (docs/performance.md).
DASHBOARD_LOOKBACK = datetime.timedelta(weeks=16)


def missed_in_a_row(user, *, today: datetime.date, count: int = 3) -> list[MissedRun]:
    """The people (still enrolled, that the user follows) whose last ``count`` marks are
    all "absent" (an unexcused absence; an excused one is not counted as missed and
    ends the run). One query: the last ``count`` marks of each person in the last
    sixteen weeks, by a window."""
    last_marks = (
        Attendance.objects.filter(
            participant__in=_followed_participants(user, today),
            session__cancelled=False,
            session__date__lte=today,
            session__date__gte=today - DASHBOARD_LOOKBACK,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("participant_id")],
                order_by=[F("session__date").desc(), F("session__start_time").desc()],
            )
        )
        .filter(rank__lte=count)
        .select_related("participant", "session")
        .order_by("participant__last_name", "participant__first_name", "participant_id", "rank")
    )
    by_person = {}
    for mark in last_marks:
        by_person.setdefault(mark.participant_id, []).append(mark)
    runs = []
    for marks in by_person.values():
        if len(marks) == count and all(m.status == Presence.ABSENT for m in marks):
            runs.append(
                MissedRun(
                    participant=marks[0].participant,
                    since=marks[-1].session.date,
                    last=marks[0].session.date,
                )
            )
    return runs


def registers_not_taken(user, *, today: datetime.date):
    """Held sessions of the last sixteen weeks before ``today`` whose register has no
    mark at all, most recent first: a workshop leader's own sessions; the organisation's
    for casework."""
    if user_can(user, Capability.MANAGE_PROGRAMME):
        sessions = Session.objects.filter(organisation_id=user.organisation_id)
    elif user_can(user, Capability.TAKE_ATTENDANCE):
        sessions = Session.objects.filter(organisation_id=user.organisation_id, leader_id=user.pk)
    else:
        return Session.objects.none()
    marked = Attendance.objects.filter(session=OuterRef("pk"))
    # EXISTS rather than a join on the groups and DISTINCT: without DISTINCT the database
    # walks the sessions backwards by date and stops at the first ten, instead of
    # sorting the whole history of the organisation.
    with_groups = Session.groups.through.objects.filter(session=OuterRef("pk"))
    return (
        sessions.held()
        .filter(date__lt=today, date__gte=today - DASHBOARD_LOOKBACK)
        .filter(Exists(with_groups))
        .filter(~Exists(marked))
        .select_related("workshop", "leader")
        .order_by("-date", "-start_time")
    )
