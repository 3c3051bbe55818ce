"""Workshop hours (statistics.md, "Workshop hours"): the hours of the sessions held in a
period, each session counted once whatever the number of groups it served."""

import datetime

from django.db.models import F, IntegerField, Q, Sum
from django.db.models.functions import ExtractHour, ExtractMinute, TruncMonth

from parcours.workshops.enums import Axis, ProviderKind
from parcours.workshops.models import Session

KEYS = ("total", "team", "subcontractor", "partner", "educational", "cultural")

_MINUTES = (
    ExtractHour("end_time") * 60
    + ExtractMinute("end_time")
    - ExtractHour("start_time") * 60
    - ExtractMinute("start_time")
)


_FILTERS = {
    "total": Q(),
    "team": Q(provider_kind=ProviderKind.TEAM),
    "subcontractor": Q(provider_kind=ProviderKind.SUBCONTRACTOR),
    "partner": Q(provider_kind=ProviderKind.PARTNER),
    "educational": Q(workshop__axis=Axis.EDUCATIONAL),
    "cultural": Q(workshop__axis=Axis.CULTURAL),
}
_SUMS = {
    key: Sum(F("minutes"), filter=condition, output_field=IntegerField())
    for key, condition in _FILTERS.items()
}


def _held_sessions(organisation, first, last):
    # No join on the groups: a session shared by several groups is counted once.
    return (
        Session.objects.held()
        .between(first, last)
        .filter(organisation=organisation)
        .annotate(minutes=_MINUTES)
    )


def _as_hours(sums) -> dict:
    return {key: round((sums[key] or 0) / 60, 2) for key in KEYS}


def workshop_hours(organisation, *, first: datetime.date, last: datetime.date) -> dict:
    """``{"total", "team", "subcontractor", "partner", "educational", "cultural"}`` in
    hours with two decimals, for the sessions held (not cancelled) from ``first`` to
    ``last`` included, in one aggregate query."""
    return _as_hours(_held_sessions(organisation, first, last).aggregate(**_SUMS))


def workshop_hours_by_month(organisation, *, first: datetime.date, last: datetime.date):
    """The same figures for each month of the period that has sessions, in one query:
    a list of (first day of the month, hours)."""
    rows = (
        _held_sessions(organisation, first, last)
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("month")
        .annotate(**_SUMS)
        .order_by("month")
    )
    return [(row["month"], _as_hours(row)) for row in rows]
