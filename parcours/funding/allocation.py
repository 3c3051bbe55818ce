"""How the programme's work is charged to grants, without counting an hour twice.

A session's hours go to the grants its groups are charged to, each group bringing an
equal part of the session (a session shared by two groups is half each group's); a
session charged explicitly to grants (``SessionCharge``) uses those charges instead. A
charge only counts on the days its grant covers. Services keep the shares of a group,
or of a session, at 100 % or less on any day, so the parts never add up to more than the
session.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from parcours.funding.models import Grant, GroupCharge, SessionCharge
from parcours.workshops.models import Session

# The grants charged to: a queryset of them, or their ids.
type Grants = QuerySet[Grant] | Sequence[int]


def _covering_session_date() -> Q:
    """Charges whose grant covers the date of the outer session."""
    return Q(grant__start_date__lte=OuterRef("date"), grant__end_date__gte=OuterRef("date"))


def _scalar(queryset: QuerySet[Any], function: str, field: str) -> Cast:
    """``function(field)`` (SUM, COUNT) over ``queryset`` as a scalar subquery without
    GROUP BY, as a float."""
    value = queryset.order_by().annotate(value=Func(F(field), function=function)).values("value")
    return Cast(Subquery(value[:1]), FloatField())


def charged_to(sessions: QuerySet[Session], grants: Grants) -> QuerySet[Session]:
    """The sessions of a Session queryset charged to one of ``grants``, themselves or
    through one of their groups (the others count nothing for these grants)."""
    own = SessionCharge.objects.filter(session=OuterRef("pk"), grant__in=grants)
    by_group = GroupCharge.objects.filter(group__sessions=OuterRef("pk"), grant__in=grants)
    return sessions.filter(Q(Exists(own)) | Q(Exists(by_group)))


def session_share(grants: Grants) -> Case:
    """The fraction (0 to 1) of each session's hours charged to ``grants``: an expression
    to annotate on a Session queryset."""
    own = SessionCharge.objects.filter(session=OuterRef("pk"))
    own_share = _scalar(own.filter(_covering_session_date(), grant__in=grants), "SUM", "share")
    groups_share = _scalar(
        GroupCharge.objects.filter(
            _covering_session_date(), group__sessions=OuterRef("pk"), grant__in=grants
        ),
        "SUM",
        "share",
    )
    group_count = _scalar(
        Session.groups.through.objects.filter(session=OuterRef("pk")), "COUNT", "pk"
    )
    return Case(
        When(Exists(own), then=Coalesce(own_share, 0.0) / 100),
        default=Coalesce(groups_share / NullIf(group_count, 0.0), 0.0) / 100,
        output_field=FloatField(),
    )
