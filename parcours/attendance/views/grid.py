"""The monthly attendance grid of a group."""

import datetime

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from parcours.accounts.access import Capability, get_object_for, requires
from parcours.attendance.enums import ATTENDED
from parcours.attendance.forms import month_end, month_from
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.programme.selectors import visible_groups


def group_for(request, pk):
    return get_object_for(
        request, visible_groups(request.user), capability=Capability.VIEW_PROGRAMME, pk=pk
    )


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


def _month(request):
    return month_from(request.GET.get("month"), default=timezone.localdate())


@requires(Capability.VIEW_PROGRAMME)
def group_month(request, pk):
    group = group_for(request, pk)
    first = _month(request)
    previous = (first.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    following = month_end(first) + datetime.timedelta(days=1)
    record_opened(obj=group, by=request.user, purpose=AuditPurpose.CONSULTATION)
    context = {
        "group": group,
        "grid": month_grid(group, first),
        "previous": previous,
        "following": following,
    }
    return render(request, "attendance/group_month.html", context)
