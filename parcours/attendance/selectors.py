"""Reads on sessions and attendance, already narrowed to what the user may see."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from parcours.accounts.access import Capability, scoped, user_can
from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.attendance.enums import ATTENDED, Presence, RegisterState
from parcours.attendance.models import AbsenceRun, Attendance
from parcours.attendance.runs import moment
from parcours.core.shortlists import Shortlist, shortlist
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.workshops.models import Session, SessionQuerySet, Workshop

if TYPE_CHECKING:
    from django.db.models.query import RawQuerySet
    from django_stubs_ext import WithAnnotations


class _RunColumns(TypedDict):
    """The columns of a person's run that ``missed_in_a_row``'s query adds (text on
    SQLite, a date on PostgreSQL)."""

    run_since: datetime.date | str
    run_last: datetime.date | str


def visible_sessions(user: User) -> SessionQuerySet:
    """Casework roles see the organisation's sessions; a workshop leader sees the ones
    they lead and those of the groups they are in charge of; nobody else sees any."""
    if not user_can(user, Capability.VIEW_PROGRAMME):
        return Session.objects.none()
    sessions = scoped(Session.objects.all(), user)
    if user_can(user, Capability.MANAGE_PROGRAMME):
        return sessions
    if user.role == Role.WORKSHOP_LEADER:
        in_charge = Group.staff.through.objects.filter(
            group__sessions=OuterRef("pk"), user_id=user.pk
        )
        return sessions.filter(Q(leader_id=user.pk) | Exists(in_charge))
    return Session.objects.none()


def active_on(day: datetime.date) -> Q:
    """Enrolments running on ``day``."""
    return Q(start_date__lte=day) & (Q(exit_date__isnull=True) | Q(exit_date__gte=day))


def expected_participants(session: Session) -> QuerySet[Participant]:
    """The people expected at a session: enrolled in one of its groups on its date."""
    # An uncorrelated subquery: the database starts from the session's enrolments (an
    # EXISTS per person makes SQLite read every participant of the database).
    enrolled = Enrolment.objects.filter(active_on(session.date), group__sessions=session)
    return Participant.objects.filter(pk__in=enrolled.values("participant_id")).order_by(
        "last_name", "first_name", "pk"
    )


def is_expected(session: Session, participant: Participant) -> bool:
    return expected_participants(session).filter(pk=participant.pk).exists()


def _enrolled_at_session(participant_ref: int) -> Exists:
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


def attendance_rate(participant: Participant, *, until: datetime.date) -> Rate:
    """How often a person came to the sessions of their groups while enrolled, up to
    ``until``: the share attended (present or late) among the sessions whose register
    has a mark for them. One query: the sessions, each joined to the person's mark."""
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
    # The person's mark joined on (session, person), the register's unique pair: at most
    # one a session, so counting the sessions stays right.
    counts = held.annotate(
        mark=FilteredRelation("attendances", condition=Q(attendances__participant=participant.pk))
    ).aggregate(
        sessions=Count("pk"),
        marked=Count("mark"),
        attended=Count("mark", filter=Q(mark__status__in=ATTENDED)),
    )
    sessions, marked, attended = counts["sessions"], counts["marked"], counts["attended"]
    pct = round(attended * 100 / marked, 1) if marked else None
    return Rate(sessions=sessions, marked=marked, attended=attended, pct=pct)


def _followed_ids(user: User, today: datetime.date) -> QuerySet[Enrolment, Mapping[str, object]]:
    """The ids (``participant_id``, maybe repeated) of the participants with a running
    enrolment the user may watch over. Read from the running enrolments: SQLite would
    otherwise try every participant of the organisation against every group. The groups
    are the organisation's, and so are their people (``programme.services`` refuses
    the others); the people read at the end are checked again."""
    from parcours.programme.selectors import visible_groups

    return (
        Enrolment.objects.filter(active_on(today), group__in=visible_groups(user))
        .values("participant_id")
        .order_by()
    )


@dataclass(frozen=True)
class MissedRun:
    participant: Participant
    since: datetime.date  # the first of the absences in a row
    last: datetime.date


# How far back the dashboard's lists look: longer than any closing period, so that a
# person still enrolled always has their last marks in it, and short enough that the
# cost does not grow with years of attendance (docs/performance.md).
DASHBOARD_LOOKBACK = datetime.timedelta(weeks=16)


def _as_date(value: datetime.date | str) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _missed_sql(followed_sql: str) -> str:
    """The query of ``missed_in_a_row``: the candidates read from the stored runs, then
    the rule applied to their marks."""
    attendance, session = Attendance._meta.db_table, Session._meta.db_table
    participant, run = Participant._meta.db_table, AbsenceRun._meta.db_table
    return f"""
        WITH candidates AS (
            SELECT r.participant_id AS person,
                   CASE WHEN r.last_marked > %(today)s OR r.since < %(lookback_start)s
                        THEN %(lookback_start)s ELSE r.since END AS bound
            FROM {run} r
            WHERE r.organisation_id = %(organisation)s
              AND (r.absences >= %(count)s OR r.last_marked > %(today)s)
              AND r.participant_id IN ({followed_sql})
        ),
        marks AS (
            SELECT c.person, s.date AS day, a.status,
                   ROW_NUMBER() OVER (PARTITION BY c.person ORDER BY {moment("s")} DESC)
                       AS position
            FROM candidates c
            JOIN {attendance} a ON a.participant_id = c.person
            JOIN {session} s ON s.id = a.session_id
            WHERE s.cancelled = %(no)s AND s.date >= c.bound AND s.date <= %(today)s
        ),
        runs AS (
            SELECT person, MAX(CASE WHEN position = %(count)s THEN day END) AS run_since,
                   MAX(CASE WHEN position = 1 THEN day END) AS run_last
            FROM marks WHERE position <= %(count)s GROUP BY person
            HAVING SUM(CASE WHEN status = %(absent)s THEN 1 ELSE 0 END) = %(count)s
        )
        SELECT p.*, runs.run_since, runs.run_last
        FROM {participant} p JOIN runs ON runs.person = p.id
        WHERE p.organisation_id = %(organisation)s
        ORDER BY p.last_name, p.first_name, p.id
    """


def missed_in_a_row(user: User, *, today: datetime.date, count: int = 3) -> list[MissedRun]:
    """The people (still enrolled, that the user follows) whose last ``count`` marks of
    the last sixteen weeks are all "absent" (an unexcused absence; an excused one is not
    counted as missed and ends the run; cancelled sessions are ignored), by name.

    One query. The candidates are read from the stored runs (``AbsenceRun``): the people
    whose current run has at least ``count`` absences, and those marked after ``today``
    (whose run at ``today`` is not the stored one). The rule is then applied to their
    marks only, from the run's first absence (or the sixteen weeks' start, when the run
    began before it or the person was marked after ``today``)."""
    if not user_can(user, Capability.VIEW_PROGRAMME):
        return []
    followed_sql, followed_params = _followed_ids(user, today).query.sql_with_params()
    named = {
        "organisation": user.organisation_id,
        "no": False,
        "today": today,
        "lookback_start": today - DASHBOARD_LOOKBACK,
        "absent": Presence.ABSENT.value,
        "count": count,
    }
    # The followed people's query brings positional parameters: they become named ones.
    names = [f"followed_{index}" for index in range(len(followed_params))]
    named |= dict(zip(names, followed_params, strict=True))
    sql = _missed_sql(followed_sql % tuple(f"%({name})s" for name in names))
    # Each person comes with the columns of their run, which the model does not declare.
    people = cast(
        "RawQuerySet[WithAnnotations[Participant, _RunColumns]]",
        Participant.objects.raw(sql, named),
    )
    return [
        MissedRun(
            participant=person, since=_as_date(person.run_since), last=_as_date(person.run_last)
        )
        for person in people
    ]


def registers_not_taken(user: User, *, today: datetime.date) -> SessionQuerySet:
    """Held sessions of the last sixteen weeks before ``today`` whose register has no
    mark at all, most recent first: a workshop leader's own sessions; the organisation's
    for casework."""
    if user_can(user, Capability.MANAGE_PROGRAMME):
        sessions = scoped(Session.objects.all(), user)
    elif user_can(user, Capability.TAKE_ATTENDANCE):
        sessions = scoped(Session.objects.all(), user).filter(leader_id=user.pk)
    else:
        return Session.objects.none()
    # EXISTS rather than a join on the groups and DISTINCT: without DISTINCT the database
    # walks the sessions backwards by date and stops at the first ten, instead of
    # sorting the whole history of the organisation.
    with_groups = Session.groups.through.objects.filter(session=OuterRef("pk"))
    return (
        sessions.held()
        .filter(date__lt=today, date__gte=today - DASHBOARD_LOOKBACK)
        .filter(Exists(with_groups))
        .filter(has_marks=False)
        .select_related("workshop", "leader")
        .order_by("-date", "-start_time")
    )


@dataclass(frozen=True)
class RegisterCounts:
    present: int
    late: int
    excused: int
    absent: int
    unmarked: int

    @property
    def total(self) -> int:
        return self.present + self.late + self.excused + self.absent + self.unmarked


def unmarked_participants(session: Session) -> QuerySet[Participant]:
    """The people expected at the session who have no mark yet."""
    return expected_participants(session).exclude(attendances__session=session)


def unmarked_count(session: Session) -> int:
    return unmarked_participants(session).count()


def register_counts(session: Session) -> RegisterCounts:
    """How many people of the register are present, late, excused, absent or not marked
    yet (the marks of people no longer expected are left out). Two queries."""
    expected = expected_participants(session)
    by_status = dict(
        Attendance.objects.filter(session=session, participant__in=expected)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return RegisterCounts(
        present=by_status.get(Presence.PRESENT, 0),
        late=by_status.get(Presence.LATE, 0),
        excused=by_status.get(Presence.EXCUSED, 0),
        absent=by_status.get(Presence.ABSENT, 0),
        unmarked=unmarked_count(session),
    )


# -- The registers a user takes: their state, the list's filters, the leader's day ----------

# A register's state, as a condition on a held session.
REGISTER_STATES = {
    RegisterState.TO_TAKE: Q(has_marks=False, register_validated_at__isnull=True),
    RegisterState.TAKEN: Q(has_marks=True, register_validated_at__isnull=True),
    RegisterState.VALIDATED: Q(register_validated_at__isnull=False),
}


def with_register_state(sessions: SessionQuerySet) -> SessionQuerySet:
    """The sessions, each with ``register_state`` (a ``RegisterState`` value, or
    "cancelled"), computed by the database from the columns the register keeps."""
    return sessions.annotate(
        register_state=Case(
            When(cancelled=True, then=Value("cancelled")),
            *(
                When(condition, then=Value(state.value))
                for state, condition in REGISTER_STATES.items()
            ),
            output_field=CharField(),
        )
    )


def registers_matching(
    user: User,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    group: Group | None = None,
    workshop: Workshop | None = None,
    state: str | None = None,
) -> SessionQuerySet:
    """The sessions the user takes registers of that match every filter given (a period,
    a group, a workshop, a register's state; a state leaves out cancelled sessions),
    most recent first, with their workshop and state; their groups are prefetched."""
    sessions = visible_sessions(user)
    if first is not None:
        sessions = sessions.filter(date__gte=first)
    if last is not None:
        sessions = sessions.filter(date__lte=last)
    if group is not None:
        in_group = Session.groups.through.objects.filter(session=OuterRef("pk"), group=group)
        sessions = sessions.filter(Exists(in_group))
    if workshop is not None:
        sessions = sessions.filter(workshop=workshop)
    if state:
        sessions = sessions.held().filter(REGISTER_STATES[RegisterState(state)])
    return (
        with_register_state(sessions)
        .select_related("workshop")
        .prefetch_related("groups")
        .order_by("-date", "-start_time", "-pk")
    )


# The registers still open a leader's dashboard lists, the most recent first.
OPEN_REGISTERS_SHOWN = 10


@dataclass(frozen=True)
class LeaderDay:
    """What a workshop leader's dashboard opens on: the sessions of today, those of the
    rest of the week, and the past registers not validated yet."""

    day: datetime.date
    today: list[Session]
    rest_of_week: list[Session]
    open_registers: Shortlist[Session]

    @property
    def yesterday(self) -> datetime.date:
        return self.day - datetime.timedelta(days=1)


def leader_day(user: User, *, today: datetime.date) -> LeaderDay:
    """The user's sessions of ``today`` and of the rest of its week (to Sunday), by time,
    with their workshop, groups and register's state, and the past held sessions whose
    register is not validated, the most recent first (at most ``OPEN_REGISTERS_SHOWN``, and
    how many more). Four queries."""
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    week = list(
        with_register_state(visible_sessions(user).filter(date__gte=today, date__lte=week_end))
        .select_related("workshop")
        .prefetch_related("groups")
        .order_by("date", "start_time", "pk")
    )
    still_open = (
        visible_sessions(user)
        .held()
        .filter(date__lt=today, register_validated_at__isnull=True)
        .select_related("workshop")
        .order_by("-date", "-start_time", "-pk")
    )
    return LeaderDay(
        day=today,
        today=[session for session in week if session.date == today],
        rest_of_week=[session for session in week if session.date > today],
        open_registers=shortlist(with_register_state(still_open), OPEN_REGISTERS_SHOWN),
    )
