"""Workshop hours (docs/statistics.md, "Workshop hours"): the hours of the sessions held in a
period, each session counted once whatever the number of groups it served.

A report narrowed to a funder counts only the part of each session charged to it: the
sums then take a ``weight`` expression (the charged fraction of each session, 0 to 1).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import F, FloatField, IntegerField, Q, QuerySet, Sum
from django.db.models.expressions import Combinable

from parcours.accounts.models import Organisation
from parcours.core.dates import month_of
from parcours.workshops.enums import Axis, ProviderKind
from parcours.workshops.models import Session

# The minutes of each of ``KEYS`` (or hours, once ``as_hours``), per period or in all.
type Sums = dict[str, float]

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


def held_sessions(
    organisation: Organisation, *, first: datetime.date, last: datetime.date
) -> QuerySet[Session]:
    """Sessions held (not cancelled) from ``first`` to ``last`` included, with their
    length in ``minutes``. No join on the groups: a shared session is one row."""
    return (
        Session.objects.held()
        .between(first, last)
        .filter(organisation=organisation)
        .annotate(minutes=_MINUTES)
    )


def _minutes_sum(weight: Combinable | None, condition: Q | None = None) -> Sum:
    """Sum of the sessions' minutes, each multiplied by ``weight`` when one is given."""
    if weight is None:
        return Sum(F("minutes"), filter=condition, output_field=IntegerField())
    return Sum(F("minutes") * weight, filter=condition, output_field=FloatField())


def _sums(weight: Combinable | None) -> dict[str, Sum]:
    return {key: _minutes_sum(weight, condition) for key, condition in _FILTERS.items()}


def as_hours(minutes: float | None) -> float:
    return round((minutes or 0) / 60, 2)


def _as_hours(sums: Mapping[str, float | None]) -> Sums:
    return {key: as_hours(sums[key]) for key in KEYS}


def hours_of(sessions: QuerySet[Session], *, weight: Combinable | None = None) -> Sums:
    """``{"total", "team", "subcontractor", "partner", "educational", "cultural"}`` in
    hours with two decimals for ``sessions`` (from ``held_sessions``), in one query."""
    return _as_hours(sessions.aggregate(**_sums(weight)))


def hours_by_domain(
    sessions: QuerySet[Session], *, weight: Combinable | None = None
) -> dict[str, float]:
    """Hours of ``sessions`` per domain their workshop serves, in one query. A session
    counts in every domain of its workshop, so the domains add up to more than the total."""
    minutes = minutes_by_domain(sessions, weight=weight)
    return {domain: as_hours(value) for domain, value in minutes.items()}


def minutes_by_domain(
    sessions: QuerySet[Session], *, weight: Combinable | None = None
) -> dict[str, float]:
    """The minutes behind ``hours_by_domain``."""
    return _by_domain(sessions, _minutes_sum(weight))


def _by_domain(rows: QuerySet[Any], total: Sum) -> dict[str, float]:
    per_domain = (
        rows.filter(workshop__domains__isnull=False)
        .order_by()
        .values("workshop__domains__domain")
        .annotate(minutes_sum=total)
    )
    return {row["workshop__domains__domain"]: row["minutes_sum"] or 0 for row in per_domain}


def minutes_by_quarter(
    sessions: QuerySet[Session], *, weight: Combinable | None = None
) -> dict[datetime.date, Sums]:
    """The minutes of ``sessions`` for each key of ``KEYS``, per quarter (keyed by its
    first day), in one query: years, quarters and periods are summed from them."""
    rows = sessions.order_by().values("date").annotate(**_sums(weight))
    return _fold(rows, "date", quarter_of)


def quarter_of(day: datetime.date) -> datetime.date:
    return day.replace(month=day.month - (day.month - 1) % 3, day=1)


def _fold(
    rows: Iterable[Mapping[str, Any]],
    field: str,
    period_of: Callable[[datetime.date], datetime.date],
) -> dict[datetime.date, Sums]:
    """Sums per day (or month) added up per quarter (or month) here: grouping on the
    stored date needs no date function per row in the database, which SQLite would run
    in Python."""
    found: dict[datetime.date, Sums] = {}
    for row in rows:
        sums = found.setdefault(period_of(row[field]), dict.fromkeys(KEYS, 0))
        for key in KEYS:
            sums[key] += row[key] or 0
    return found


# The hours summary's rows (``funding.HoursSummary``: ``month``, ``workshop``,
# ``provider_kind`` and pre-summed ``minutes``, fractions of minutes for a grant) are
# summed by the same keys as the sessions.


def _summed(condition: Q | None = None) -> Sum:
    return Sum("minutes", filter=condition, output_field=FloatField())


def summary_by_quarter(rows: QuerySet[Any]) -> dict[datetime.date, Sums]:
    """``minutes_by_quarter`` from summary rows, in one query."""
    per_month = (
        rows.order_by()
        .values("month")
        .annotate(**{key: _summed(condition) for key, condition in _FILTERS.items()})
    )
    return _fold(per_month, "month", quarter_of)


def summary_by_domain(rows: QuerySet[Any]) -> dict[str, float]:
    """``minutes_by_domain`` from summary rows, in one query."""
    return _by_domain(rows, _summed())


def workshop_hours(
    organisation: Organisation, *, first: datetime.date, last: datetime.date
) -> Sums:
    """The hours of the organisation's sessions held from ``first`` to ``last``."""
    return hours_of(held_sessions(organisation, first=first, last=last))


def workshop_hours_by_month(
    organisation: Organisation, *, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, Sums]]:
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
