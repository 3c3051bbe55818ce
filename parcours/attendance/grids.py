"""The grids of attendance, as the pages and the printed sheets show them: a session's
register (one row per expected person) and a group's month (people by sessions). Built
in a fixed number of queries; the views, the sheets and a grant's pack read them."""

import datetime
from typing import TypedDict

from django.db.models import Q

from parcours.attendance.enums import ATTENDED
from parcours.attendance.models import Attendance
from parcours.attendance.selectors import expected_participants
from parcours.core.dates import month_end
from parcours.participants.models import Participant
from parcours.programme.models import Group
from parcours.workshops.models import Session


class RegisterRow(TypedDict):
    participant: Participant
    attendance: Attendance | None
    status: str  # the mark's ``Presence``, "" when not marked


class MonthRow(TypedDict):
    participant: Participant
    cells: list[str | None]  # per session: the mark, "" when not marked, None when not enrolled
    attended: int
    marked: int


class MonthGrid(TypedDict):
    first: datetime.date
    last: datetime.date
    sessions: list[Session]
    rows: list[MonthRow]


def register_rows(session: Session) -> list[RegisterRow]:
    """One row per expected person, with their mark (or None). Two queries."""
    marks = {a.participant_id: a for a in Attendance.objects.filter(session=session)}
    rows: list[RegisterRow] = []
    for person in expected_participants(session):
        attendance = marks.get(person.pk)
        rows.append(
            {
                "participant": person,
                "attendance": attendance,
                "status": attendance.status if attendance else "",
            }
        )
    return rows


def month_grid(group: Group, first: datetime.date) -> MonthGrid:
    """Rows: the people enrolled at some point of the month; columns: the group's held
    sessions of the month; cells: the mark (a ``Presence``, shown with the reader's code,
    ``MARK_CODES``), "" when not marked, None when the person was not enrolled that day.
    Three queries, whatever the size of the group."""
    last = month_end(first)
    sessions = list(
        group.sessions.held()
        .between(first, last)
        .select_related("workshop")
        .order_by("date", "start_time")
    )
    enrolments = list(
        group.enrolments.filter(
            Q(start_date__lte=last), Q(exit_date__isnull=True) | Q(exit_date__gte=first)
        )
        .select_related("participant")
        .order_by(
            "participant__last_name", "participant__first_name", "participant_id", "start_date"
        )
    )
    marks = {
        (a.session_id, a.participant_id): a.status
        for a in Attendance.objects.filter(
            session__in=[s.pk for s in sessions],
            participant__in={e.participant_id for e in enrolments},
        ).only("session_id", "participant_id", "status")
    }
    rows: list[MonthRow] = []
    for enrolment in enrolments:
        person = enrolment.participant
        if rows and rows[-1]["participant"].pk == person.pk:
            continue  # one row per person (an enrolment ending and starting again)
        spans = [e for e in enrolments if e.participant_id == person.pk]
        cells: list[str | None] = []
        for session in sessions:
            enrolled = any(
                e.start_date <= session.date
                and (e.exit_date is None or e.exit_date >= session.date)
                for e in spans
            )
            status = marks.get((session.pk, person.pk))
            cells.append((status or "") if enrolled else None)
        attended = sum(1 for c in cells if c in ATTENDED)
        marked = sum(1 for c in cells if c)
        rows.append({"participant": person, "cells": cells, "attended": attended, "marked": marked})
    return {"first": first, "last": last, "sessions": sessions, "rows": rows}
