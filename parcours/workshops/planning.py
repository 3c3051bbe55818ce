"""Planning the programme: weekly series, one-off sessions, cancellations, changes,
conflicts, and the secrets of the calendar feeds."""

import datetime
import secrets
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parcours.audit.services import create_record, record_children, update_record
from parcours.audit.versions import claim_version
from parcours.workshops.enums import ProviderKind
from parcours.workshops.models import (
    ClosingPeriod,
    FeedToken,
    Session,
    SessionSeries,
    hash_feed_token,
)
from parcours.workshops.signals import batch

WEEK = datetime.timedelta(days=7)


def public_holidays(first: datetime.date, last: datetime.date) -> dict:
    """Belgian public holidays between two dates, with their names (in French when the
    interface is not in a language the library knows)."""
    language = (get_language() or "fr")[:2]
    if language not in holidays.Belgium.supported_languages:
        language = "fr"
    found = holidays.country_holidays(
        "BE", years=range(first.year, last.year + 1), language=language
    )
    return {day: name for day, name in found.items() if first <= day <= last}


def closing_days(organisation, first, last) -> dict:
    """Each day of the organisation's closing periods between two dates, with its label."""
    days = {}
    periods = ClosingPeriod.objects.filter(
        organisation=organisation, start_date__lte=last, end_date__gte=first
    )
    for period in periods:
        day = max(period.start_date, first)
        while day <= min(period.end_date, last):
            days.setdefault(day, period.label)
            day += datetime.timedelta(days=1)
    return days


def weekly_dates(weekday: int, first: datetime.date, last: datetime.date):
    """Every date on ``weekday`` (0 = Monday) from ``first`` to ``last`` included."""
    day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += WEEK


def series_days(organisation, weekday, first_date, last_date):
    """The days a weekly series has a session, and the ``(date, reason)`` of the days it
    skips (public holidays, closing periods), both in date order."""
    public = public_holidays(first_date, last_date)
    closed = closing_days(organisation, first_date, last_date)
    days, skipped = [], []
    for day in weekly_dates(weekday, first_date, last_date):
        if day in public:
            skipped.append((day, _("public holiday: %(name)s") % {"name": public[day]}))
        elif day in closed:
            skipped.append((day, _("closing period: %(label)s") % {"label": closed[day]}))
        else:
            days.append(day)
    return days, skipped


@transaction.atomic
@batch()  # the hours summary hears of the sessions once
def plan_series(
    *,
    organisation,
    by,
    workshop,
    groups,
    weekday,
    start_time,
    end_time,
    first_date,
    last_date,
    provider_kind=ProviderKind.TEAM,
    provider=None,
    leader=None,
    room="",
):
    """Create a weekly series and one session a week on ``weekday``, skipping public
    holidays and closing periods.

    Returns ``(series, created_sessions, skipped)`` where ``skipped`` lists
    ``(date, reason)`` in date order.
    """
    series = create_record(
        obj=SessionSeries(
            organisation=organisation,
            workshop=workshop,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            first_date=first_date,
            last_date=last_date,
        ),
        by=by,
    )
    days, skipped = series_days(organisation, weekday, first_date, last_date)
    created = []
    groups = list(groups)
    for day in days:
        session = create_record(
            obj=Session(
                organisation=organisation,
                workshop=workshop,
                series=series,
                date=day,
                start_time=start_time,
                end_time=end_time,
                provider_kind=provider_kind,
                provider=provider,
                leader=leader,
                room=room,
            ),
            by=by,
        )
        _set_groups(session, groups, by=by)
        created.append(session)
    return series, created, skipped


def _set_groups(session, groups, *, by) -> None:
    """The groups are many-to-many rows: their change is recorded on the session."""
    groups = list(groups)
    before = {group.pk for group in session.groups.all()} if session.pk else set()
    session.groups.set(groups)
    record_children(
        obj=session, by=by, name="groups", before=before, after={group.pk for group in groups}
    )


@transaction.atomic
@batch()  # the hours summary hears of the sessions once
def create_session(*, organisation, by, groups, **values) -> Session:
    session = create_record(obj=Session(organisation=organisation, **values), by=by)
    _set_groups(session, groups, by=by)
    return session


@transaction.atomic
def cancel_session(*, session, by, reason: str, version=None) -> Session:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Say why the session is cancelled.")})
    claim_version(session, version)
    return update_record(obj=session, by=by, cancelled=True, cancel_reason=reason)


CHANGEABLE = ("date", "start_time", "end_time", "room", "leader")


@transaction.atomic
@batch()  # the hours summary hears of the sessions once
def change_session(
    *, session, by, following: bool = False, version=None, **values
) -> list[Session]:
    """Apply the changed ``values`` (among date, times, room, leader) to ``session``, or,
    with ``following``, to it and every later session of its series; a new date shifts
    each of them by the same number of days. Returns the sessions changed.

    ``version`` is the one the form was opened with (``StaleVersion`` when someone saved
    the session since); the following sessions' versions move too."""
    claim_version(session, version)
    original = Session.objects.get(pk=session.pk)
    changes = {
        name: value
        for name, value in values.items()
        if name in CHANGEABLE and getattr(original, name) != value
    }
    if not changes:
        return []
    if not following or session.series_id is None:
        return [update_record(obj=session, by=by, **changes)]
    shift = changes.pop("date", original.date) - original.date
    sessions = list(
        Session.objects.filter(series_id=session.series_id, date__gte=original.date).order_by(
            "date"
        )
    )
    if shift > datetime.timedelta(0):
        sessions.reverse()  # the last moves first: no two sessions meet on the way
    for other in sessions:
        if other.pk != session.pk:
            claim_version(other, None)
        update_record(obj=other, by=by, date=other.date + shift, **changes)
    return sessions


@dataclass(frozen=True)
class Conflict:
    kind: str  # "leader", "room", "group"
    label: str
    other: Session


def conflicts_for(session, *, groups=None) -> list[Conflict]:
    """Non-cancelled sessions of the organisation on the same day whose times overlap
    ``session``'s (touching times do not overlap) and that share its leader, its room or
    one of its groups. ``session`` may be unsaved: then pass its ``groups``."""
    if groups is None:
        groups = list(session.groups.all()) if session.pk else []
    return _clashes(
        session.organisation_id,
        [(session, {group.pk for group in groups})],
        exclude=[session.pk] if session.pk else [],
    )


def session_clashes(
    *, organisation, groups, date, start_time, end_time, leader=None, room="", **_other
) -> list[Conflict]:
    """What a one-off session with these values would clash with, before it is planned:
    the rule of ``conflicts_for``. Takes the session form's values as they are."""
    session = Session(
        organisation=organisation,
        date=date,
        start_time=start_time,
        end_time=end_time,
        leader=leader,
        room=room,
    )
    return conflicts_for(session, groups=groups)


def series_clashes(
    *,
    organisation,
    groups,
    weekday,
    first_date,
    last_date,
    start_time,
    end_time,
    leader=None,
    room="",
    **_other,
) -> list[Conflict]:
    """What the sessions ``plan_series`` would create with these values would clash with,
    before anything is planned (each clash's ``other`` is on the new session's day)."""
    days, _skipped = series_days(organisation, weekday, first_date, last_date)
    group_ids = {group.pk for group in groups}
    proposals = [
        (
            Session(
                organisation=organisation,
                date=day,
                start_time=start_time,
                end_time=end_time,
                leader=leader,
                room=room,
            ),
            group_ids,
        )
        for day in days
    ]
    return _clashes(organisation.pk, proposals)


def change_clashes(*, session, following: bool = False, **values) -> list[Conflict]:
    """What ``change_session`` with the same arguments would make the changed sessions
    clash with, before anything is written; the sessions that move together do not clash
    with each other's former places."""
    changes = {
        name: value
        for name, value in values.items()
        if name in CHANGEABLE and getattr(session, name) != value
    }
    if not changes:
        return []  # nothing moves: nothing to confirm
    moving = [session]
    if following and session.series_id is not None:
        moving = list(
            Session.objects.filter(series_id=session.series_id, date__gte=session.date)
            .prefetch_related("groups")
            .order_by("date")
        )
    shift = changes.pop("date", session.date) - session.date
    proposals = []
    for other in moving:
        if other.pk == session.pk:
            other = session  # the one the form was opened on, whose groups may be prefetched
        moved = Session(
            organisation_id=other.organisation_id,
            date=other.date + shift,
            start_time=changes.get("start_time", other.start_time),
            end_time=changes.get("end_time", other.end_time),
            leader=changes.get("leader", other.leader),
            room=changes.get("room", other.room),
            cancelled=other.cancelled,
        )
        proposals.append((moved, {group.pk for group in other.groups.all()}))
    return _clashes(session.organisation_id, proposals, exclude=[s.pk for s in moving])


def _clashes(organisation_id, proposals, *, exclude=()) -> list[Conflict]:
    """The clashes of ``(session, group_ids)`` proposals (unsaved sessions, or saved ones
    as they would become) with the held sessions of the organisation, ``exclude`` apart:
    one query (and its groups) per set of times, leader, room and groups, however many
    days they are on."""
    days = {}
    for session, group_ids in proposals:
        if session.cancelled:
            continue
        key = (
            session.start_time,
            session.end_time,
            session.leader_id,
            (session.room or "").strip(),
            frozenset(group_ids),
        )
        days.setdefault(key, []).append(session.date)
    found = []
    for (start, end, leader_id, room, group_ids), dates in days.items():
        found += _clashes_on(
            organisation_id, dates, start, end, leader_id, room, group_ids, exclude
        )
    found.sort(
        key=lambda conflict: (conflict.other.date, conflict.other.start_time, conflict.other.pk)
    )
    return found


def _clashes_on(organisation_id, dates, start, end, leader_id, room, group_ids, exclude):
    # Only the overlapping sessions that can conflict: a large programme has hundreds
    # of sessions a day that share nothing with this one.
    related = Q(groups__in=group_ids)
    if leader_id:
        related |= Q(leader_id=leader_id)
    if room:
        related |= Q(room__iexact=room)
    candidates = (
        Session.objects.held()
        .filter(
            organisation_id=organisation_id,
            date__in=dates,
            start_time__lt=end,
            end_time__gt=start,
        )
        .filter(related)
        .exclude(pk__in=[pk for pk in exclude if pk is not None])
    )
    others = (
        Session.objects.filter(pk__in=candidates.values("pk"))
        .select_related("workshop", "leader")
        .prefetch_related("groups")
        .order_by("date", "start_time", "pk")
    )
    found = []
    for other in others:
        if leader_id and other.leader_id == leader_id:
            found.append(
                Conflict("leader", _("same leader: %(name)s") % {"name": other.leader}, other)
            )
        if room and other.room.strip().casefold() == room.casefold():
            found.append(Conflict("room", _("same room: %(room)s") % {"room": other.room}, other))
        shared = [group for group in other.groups.all() if group.pk in group_ids]
        for group in shared:
            found.append(Conflict("group", _("same group: %(group)s") % {"group": group}, other))
    return found


def feed_token(organisation, kind, object_id) -> FeedToken | None:
    return FeedToken.objects.filter(
        organisation=organisation, kind=kind, object_id=object_id
    ).first()


@transaction.atomic
def renew_feed_token(organisation, kind, object_id) -> str:
    """A new secret for the feed, returned to be shown once (only its hash is kept); the
    previous link stops working."""
    token = secrets.token_urlsafe(32)
    FeedToken.objects.filter(organisation=organisation, kind=kind, object_id=object_id).delete()
    FeedToken.objects.create(
        organisation=organisation,
        kind=kind,
        object_id=object_id,
        token_hash=hash_feed_token(token),
    )
    return token


def feed_for_token(token: str) -> FeedToken | None:
    return FeedToken.objects.filter(token_hash=hash_feed_token(token)).first()
