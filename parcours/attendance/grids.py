"""The grids of attendance, as the pages and the printed sheets show them: a session's
register (one row per expected person) and a group's month (people by sessions). Built
in a fixed number of queries; the views, the sheets and a grant's pack read them."""

from django.db.models import Q

from parcours.attendance.enums import ATTENDED
from parcours.attendance.models import Attendance
from parcours.attendance.selectors import expected_participants
from parcours.core.dates import month_end


def register_rows(session):
    """One row per expected person, with their mark (or None). Two queries."""
    marks = {a.participant_id: a for a in Attendance.objects.filter(session=session)}
    rows = []
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


def month_grid(group, first):
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
    rows = []
    for enrolment in enrolments:
        person = enrolment.participant
        if rows and rows[-1]["participant"].pk == person.pk:
            continue  # one row per person (an enrolment ending and starting again)
        spans = [e for e in enrolments if e.participant_id == person.pk]
        cells = []
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
