"""Each person's current run of absences (``AbsenceRun``), kept with the marks: computed
again for the people concerned by a mark written or deleted (``Attendance.save``, the
deletion signal in ``apps``) and by a session changed (``workshops.signals``, the people
marked in it), for a whole organisation after marks written in bulk (the workbook import,
the synthetic generator) and by ``check_summaries --fix``."""

import datetime

from django.db import connection

from parcours.attendance.enums import Presence
from parcours.attendance.models import AbsenceRun, Attendance
from parcours.participants.models import Participant
from parcours.workshops.models import Session


def moment(table: str) -> str:
    """The SQL of a session's date and start time as one value that sorts in time."""
    if connection.vendor == "postgresql":
        return f"({table}.date + {table}.start_time)"
    return f"({table}.date || ' ' || {table}.start_time)"


def _live_sql(people_sql: str) -> str:
    """The runs of the people whose ids ``people_sql`` selects, from their marks: one row
    per person with a mark of a held session (participant, organisation, absences, first
    and last absence of the run, date of the latest mark). Parameters: ``no``,
    ``absent``, then those of ``people_sql`` (named)."""
    attendance, session = Attendance._meta.db_table, Session._meta.db_table
    participant = Participant._meta.db_table
    marks = f"""
        SELECT a.participant_id AS person, s.date AS day, {moment("s")} AS moment,
               a.status AS status
        FROM {attendance} a JOIN {session} s ON s.id = a.session_id
        WHERE s.cancelled = %(no)s AND a.participant_id IN ({people_sql})
    """
    return f"""
        SELECT seen.person, p.organisation_id, COUNT(m.person), MIN(m.day), MAX(m.day),
               seen.last_marked
        FROM (
            SELECT person, MAX(day) AS last_marked,
                   MAX(CASE WHEN status <> %(absent)s THEN moment END) AS last_seen
            FROM ({marks}) AS every_mark GROUP BY person
        ) AS seen
        JOIN {participant} p ON p.id = seen.person
        LEFT JOIN ({marks}) AS m ON m.person = seen.person AND m.status = %(absent)s
             AND (seen.last_seen IS NULL OR m.moment > seen.last_seen)
        GROUP BY seen.person, p.organisation_id, seen.last_marked
    """


def _refresh(people_sql: str, params: dict) -> None:
    table = AbsenceRun._meta.db_table
    params = {"no": False, "absent": Presence.ABSENT.value, **params}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE participant_id IN ({people_sql})", params)
        cursor.execute(
            f"INSERT INTO {table} (participant_id, organisation_id, absences, since, last, "
            f"last_marked) {_live_sql(people_sql)}",
            params,
        )


def refresh_runs(participant_ids) -> None:
    """Compute the runs of these people again (ids, a few)."""
    ids = sorted({pk for pk in participant_ids if pk is not None})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        names = {f"person_{index}": pk for index, pk in enumerate(chunk)}
        _refresh(", ".join(f"%({name})s" for name in names), names)


def refresh_runs_of_sessions(session_ids) -> None:
    """Compute the runs again of the people marked in these sessions (after they were
    cancelled, moved or retimed)."""
    refresh_runs(
        Attendance.objects.filter(session_id__in=session_ids)
        .values_list("participant_id", flat=True)
        .distinct()
    )


def _of_organisation() -> str:
    return f"SELECT id FROM {Participant._meta.db_table} WHERE organisation_id = %(organisation)s"


def refresh_organisation_runs(organisation_id) -> None:
    """Compute every run of the organisation again, in SQL (marks written in bulk)."""
    _refresh(_of_organisation(), {"organisation": organisation_id})


def refresh_every_run() -> None:
    """Compute the runs of everyone (the migration that fills them)."""
    _refresh(f"SELECT id FROM {Participant._meta.db_table}", {})


def stale_runs(organisation_id) -> list[int]:
    """The organisation's people whose stored run differs from their marks."""
    params = {"no": False, "absent": Presence.ABSENT.value, "organisation": organisation_id}
    with connection.cursor() as cursor:
        cursor.execute(_live_sql(_of_organisation()), params)
        live = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
    stored = {
        row[0]: tuple(row[1:])
        for row in AbsenceRun.objects.filter(organisation_id=organisation_id).values_list(
            "participant_id", "organisation_id", "absences", "since", "last", "last_marked"
        )
    }
    live = {
        person: (values[0], values[1], *(_as_date(day) for day in values[2:]))
        for person, values in live.items()
    }
    differ = live.keys() | stored.keys()
    return sorted(person for person in differ if live.get(person) != stored.get(person))


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)
