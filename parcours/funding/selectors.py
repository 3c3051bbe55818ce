"""Reading what is charged to grants: hours per grant, per month, per session.

Every figure goes through ``allocation.session_share``, the one rule that splits a
session between grants, and through the scope of reports (``Scope(grant=...)``), so
that the screens, the report pack and the yearly figures count the same hours.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from parcours.accounts.models import Organisation
from parcours.attendance.hours import as_hours, held_sessions
from parcours.funding.allocation import session_share
from parcours.funding.models import Funder, Grant, GroupCharge, SessionCharge
from parcours.funding.scope import Scope
from parcours.workshops.models import Session


def grant_until(grant: Grant, as_of: datetime.date | None = None) -> datetime.date:
    """The last day of the grant's period that has happened (sessions held so far)."""
    return min(grant.end_date, as_of or timezone.localdate())


def charged_sessions(grant: Grant, *, as_of: datetime.date | None = None) -> QuerySet[Session]:
    """The sessions held in the grant's period (so far) with a part charged to it, each
    with its ``minutes`` and the charged fraction ``share`` (0 to 1)."""
    scope = Scope(grant=grant)
    sessions = held_sessions(
        grant.organisation, first=grant.start_date, last=grant_until(grant, as_of)
    )
    return scope.keep_sessions(sessions).annotate(share=scope.session_weight()).filter(share__gt=0)


def charged_hours_by_month(
    grant: Grant, *, as_of: datetime.date | None = None
) -> list[dict[str, Any]]:
    """``[{"month", "sessions", "hours", "charged_hours"}]`` for each month of the grant
    with charged sessions, in one aggregate query."""
    scope = Scope(grant=grant)
    sessions = scope.keep_sessions(
        held_sessions(grant.organisation, first=grant.start_date, last=grant_until(grant, as_of))
    )
    weight = scope.session_weight()
    rows = (
        sessions.annotate(month=TruncMonth("date"), share=weight)
        .filter(share__gt=0)
        .order_by()
        .values("month")
        .annotate(
            minutes_sum=Sum("minutes"),
            charged_sum=Sum(F("minutes") * F("share"), output_field=FloatField()),
            sessions=Count("pk"),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"],
            "sessions": row["sessions"],
            "hours": as_hours(row["minutes_sum"]),
            "charged_hours": as_hours(row["charged_sum"]),
        }
        for row in rows
    ]


def charged_hours_by_grant(
    organisation: Organisation, grants: Iterable[Grant], *, as_of: datetime.date | None = None
) -> dict[int, float]:
    """``{grant pk: hours charged so far}`` for ``grants``, in one query (one sum per
    grant, over the sessions each grant's period covers)."""
    grants = list(grants)
    if not grants:
        return {}
    today = as_of or timezone.localdate()
    first = min(grant.start_date for grant in grants)
    last = min(max(grant.end_date for grant in grants), today)
    if last < first:
        return {grant.pk: 0.0 for grant in grants}
    sums = {
        f"grant_{grant.pk}": Sum(
            F("minutes") * session_share([grant.pk]),
            filter=Q(date__gte=grant.start_date, date__lte=min(grant.end_date, today)),
            output_field=FloatField(),
        )
        for grant in grants
    }
    totals = held_sessions(organisation, first=first, last=last).aggregate(**sums)
    return {grant.pk: as_hours(totals[f"grant_{grant.pk}"]) for grant in grants}


def sessions_named(sessions: QuerySet[Session], text: str) -> QuerySet[Session]:
    """The ``sessions`` whose workshop or one of whose groups has ``text`` in its name,
    whatever the case: what the session search of a charge offers."""
    if not text:
        return sessions
    in_group = Session.groups.through.objects.filter(
        session=OuterRef("pk"), group__name__icontains=text
    )
    return sessions.filter(Q(workshop__name__icontains=text) | Exists(in_group))


def funders_with_logo(sessions: QuerySet[Session]) -> QuerySet[Funder]:
    """The funders with a logo of the grants a part of ``sessions`` (a Session queryset)
    is charged to on its date, by name: a session's own charges, or else its groups'
    (``allocation``'s rule). One query."""
    own = SessionCharge.objects.filter(
        session__in=sessions,
        grant__start_date__lte=F("session__date"),
        grant__end_date__gte=F("session__date"),
    )
    following_groups = sessions.exclude(
        Exists(SessionCharge.objects.filter(session=OuterRef("pk")))
    )
    by_group = GroupCharge.objects.filter(
        group__sessions__in=following_groups,
        grant__start_date__lte=F("group__sessions__date"),
        grant__end_date__gte=F("group__sessions__date"),
    )
    return (
        Funder.objects.filter(
            Q(grants__in=own.values("grant_id")) | Q(grants__in=by_group.values("grant_id"))
        )
        .exclude(logo="")
        .distinct()
        .order_by("name", "pk")
    )
