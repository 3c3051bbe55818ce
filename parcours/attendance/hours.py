"""Workshop hours (docs/statistics.md, "Workshop hours"): the hours of the sessions held in a
period, each session counted once whatever the number of groups it served.

A report narrowed to a funder counts only the part of each session charged to it: the
sums then take a ``weight`` expression (the charged fraction of each session, 0 to 1).
"""

import datetime

from django.db.models import F, FloatField, IntegerField, Q, Sum

from parcours.core.dates import month_of
from parcours.workshops.enums import Axis, ProviderKind
from parcours.workshops.models import Session

KEYS = ("total", "team", "subcontractor", "partner", "educational", "cultural")

# Stored on the session (``Session.duration_minutes``): no per-row computation of the times.
_MINUTES = F("duration_minutes")

_FILTERS = {
    "total": Q(),
    "team": Q(provider_kind=ProviderKind.TEAM),
    "subcontractor": Q(provider_kind=ProviderKind.SUBCONTRACTOR),
    "partner": Q(provider_kind=ProviderKind.PARTNER),
    "educational": Q(workshop__axis=Axis.EDUCATIONAL),
    "cultural": Q(workshop__axis=Axis.CULTURAL),
}


def held_sessions(organisation, *, first: datetime.date, last: datetime.date):
    """Sessions held (not cancelled) from ``first`` to ``last`` included, with their
    length in ``minutes``. No join on the groups: a shared session is one row."""
    return (
        Session.objects.held()
        .between(first, last)
        .filter(organisation=organisation)
        .annotate(minutes=_MINUTES)
    )


def _minutes_sum(weight, condition=None):
    """Sum of the sessions' minutes, each multiplied by ``weight`` when one is given."""
    if weight is None:
        return Sum(F("minutes"), filter=condition, output_field=IntegerField())
    return Sum(F("minutes") * weight, filter=condition, output_field=FloatField())


def _sums(weight):
    return {key: _minutes_sum(weight, condition) for key, condition in _FILTERS.items()}


def as_hours(minutes) -> float:
    return round((minutes or 0) / 60, 2)


def _as_hours(sums) -> dict:
    return {key: as_hours(sums[key]) for key in KEYS}


def hours_of(sessions, *, weight=None) -> dict:
    """``{"total", "team", "subcontractor", "partner", "educational", "cultural"}`` in
    hours with two decimals for ``sessions`` (from ``held_sessions``), in one query."""
    return _as_hours(sessions.aggregate(**_sums(weight)))


def hours_by_domain(sessions, *, weight=None) -> dict:
    """Hours of ``sessions`` per domain their workshop serves, in one query. A session
    counts in every domain of its workshop, so the domains add up to more than the total."""
    minutes = minutes_by_domain(sessions, weight=weight)
    return {domain: as_hours(value) for domain, value in minutes.items()}


def minutes_by_domain(sessions, *, weight=None) -> dict:
    """The minutes behind ``hours_by_domain``."""
    return _by_domain(sessions, _minutes_sum(weight))


def _by_domain(rows, total) -> dict:
    rows = (
        rows.filter(workshop__domains__isnull=False)
        .order_by()
        .values("workshop__domains__domain")
        .annotate(minutes_sum=total)
    )
    return {row["workshop__domains__domain"]: row["minutes_sum"] or 0 for row in rows}


def minutes_by_quarter(sessions, *, weight=None) -> dict:
    """The minutes of ``sessions`` for each key of ``KEYS``, per quarter (keyed by its
    first day), in one query: years, quarters and periods are summed from them."""
    rows = sessions.order_by().values("date").annotate(**_sums(weight))
    return _fold(rows, "date", quarter_of)


def quarter_of(day: datetime.date) -> datetime.date:
    return day.replace(month=day.month - (day.month - 1) % 3, day=1)


def _fold(rows, field, period_of) -> dict:
    """Sums per day (or month) added up per quarter (or month) here: grouping on the
    stored date needs no date function per row in the database, which SQLite would run
    in Python."""
    found = {}
    for row in rows:
        sums = found.setdefault(period_of(row[field]), dict.fromkeys(KEYS, 0))
        for key in KEYS:
            sums[key] += row[key] or 0
    return found


# The hours summary's rows (``funding.HoursSummary``: ``month``, ``workshop``,
# ``provider_kind`` and pre-summed ``minutes``, fractions of minutes for a grant) are
# summed by the same keys as the sessions.


def _summed(condition=None):
    return Sum("minutes", filter=condition, output_field=FloatField())


def summary_by_quarter(rows) -> dict:
    """``minutes_by_quarter`` from summary rows, in one query."""
    rows = (
        rows.order_by()
        .values("month")
        .annotate(**{key: _summed(condition) for key, condition in _FILTERS.items()})
    )
    return _fold(rows, "month", quarter_of)


def summary_by_domain(rows) -> dict:
    """``minutes_by_domain`` from summary rows, in one query."""
    return _by_domain(rows, _summed())


def workshop_hours(organisation, *, first: datetime.date, last: datetime.date) -> dict:
    """The hours of the organisation's sessions held from ``first`` to ``last``."""
    return hours_of(held_sessions(organisation, first=first, last=last))


def workshop_hours_by_month(organisation, *, first: datetime.date, last: datetime.date):
    """The same figures for each month of the period that has sessions, in one query:
    a list of (first day of the month, hours)."""
    rows = (
        held_sessions(organisation, first=first, last=last)
        .order_by()
        .values("date")
        .annotate(**_sums(None))
    )
    months = _fold(rows, "date", month_of)
    return [(month, _as_hours(months[month])) for month in sorted(months)]
