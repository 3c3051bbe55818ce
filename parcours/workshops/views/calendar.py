"""Week views of the programme and the private calendar feeds (iCalendar)."""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from parcours.accounts.access import Capability, get_object_for, public, requires, user_can
from parcours.accounts.enums import Role
from parcours.accounts.http import OrganisationRequest
from parcours.accounts.models import User
from parcours.programme.models import Group
from parcours.programme.selectors import visible_groups
from parcours.workshops import planning
from parcours.workshops.models import FeedKind, Session, SessionQuerySet

DAY = datetime.timedelta(days=1)


def week_start(request: HttpRequest) -> datetime.date:
    """The Monday of the week asked for by ``?week=2026-W10`` or ``?date=2026-03-04``;
    this week otherwise."""
    week, day = request.GET.get("week", ""), request.GET.get("date", "")
    try:
        if week:
            year, number = week.upper().split("-W")
            return datetime.date.fromisocalendar(int(year), int(number), 1)
        if day:
            asked = datetime.date.fromisoformat(day)
            return asked - datetime.timedelta(days=asked.weekday())
    except ValueError:
        pass
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def _iso_week(day: datetime.date) -> str:
    year, number, _weekday = day.isocalendar()
    return f"{year}-W{number:02d}"


def _week_page(
    request: OrganisationRequest,
    sessions: SessionQuerySet,
    *,
    title: str,
    subject: Group | User | None = None,
    feed: dict[str, object] | None = None,
) -> HttpResponse:
    # Queries: the sessions of the week with their workshop, provider and leader; groups.
    monday = week_start(request)
    sunday = monday + 6 * DAY
    of_the_week = list(
        sessions.between(monday, sunday)
        .select_related("workshop", "provider", "leader")
        .prefetch_related("groups")
        .order_by("date", "start_time", "pk")
    )
    days = []
    for n in range(7):
        held = [s for s in of_the_week if s.date == monday + n * DAY]
        # A Saturday or Sunday without sessions takes a narrow column, not a full one.
        days.append({"date": monday + n * DAY, "sessions": held, "quiet": n >= 5 and not held})
    return render(
        request,
        "workshops/week.html",
        {
            "title": title,
            "subject": subject,
            "days": days,
            "monday": monday,
            "sunday": sunday,
            "week": _iso_week(monday),
            "previous": _iso_week(monday - 7 * DAY),
            "next": _iso_week(monday + 7 * DAY),
            "today": timezone.localdate(),
            "can_manage": user_can(request.user, Capability.MANAGE_PROGRAMME),
            "can_configure": user_can(request.user, Capability.MANAGE_ORGANISATION),
            "feed": feed,
        },
    )


# The link just made, kept in the (server-side) session from the renewal to the page
# that shows it once: only the secret's hash is stored with the feed.
NEW_FEED_LINK = "new_feed_link"


def _feed_context(
    request: OrganisationRequest, kind: str, obj: Group | User, *, may_renew: bool
) -> dict[str, object] | None:
    if not may_renew:
        return None
    renew = (
        "workshops:leader_feed_renew" if kind == FeedKind.LEADER else "workshops:group_feed_renew"
    )
    renew_url = reverse(renew, kwargs={"pk": obj.pk})
    new = request.session.pop(NEW_FEED_LINK, None)
    url = new["url"] if new and new["renew"] == renew_url else ""
    return {
        "url": url,
        "exists": bool(url)
        or planning.feed_token(request.user.organisation_id, kind, obj.pk) is not None,
        "renew": renew_url,
    }


def _show_once(request: HttpRequest, token: str, renew_url: str) -> None:
    url = request.build_absolute_uri(reverse("workshops:feed", kwargs={"token": token}))
    request.session[NEW_FEED_LINK] = {"url": url, "renew": renew_url}


@requires(Capability.VIEW_PROGRAMME)
def week(request: OrganisationRequest) -> HttpResponse:
    sessions = Session.objects.filter(organisation_id=request.user.organisation_id)
    return _week_page(request, sessions, title=_("The programme"))


@requires(Capability.VIEW_PROGRAMME)
def group_week(request: OrganisationRequest, pk: int) -> HttpResponse:
    group = get_object_for(
        request, visible_groups(request.user), capability=Capability.VIEW_PROGRAMME, pk=pk
    )
    feed = _feed_context(
        request,
        FeedKind.GROUP,
        group,
        may_renew=user_can(request.user, Capability.MANAGE_PROGRAMME),
    )
    return _week_page(
        request,
        group.sessions.all(),
        title=_("The week of %(name)s") % {"name": group},
        subject=group,
        feed=feed,
    )


def _may_renew_leader_feed(user: User, leader: User) -> bool:
    return user.pk == leader.pk or user.role == Role.COORDINATOR


@requires(Capability.VIEW_PROGRAMME)
def leader_week(request: OrganisationRequest, pk: int) -> HttpResponse:
    leader = get_object_for(
        request, User.objects.all(), capability=Capability.VIEW_PROGRAMME, pk=pk
    )
    feed = _feed_context(
        request, FeedKind.LEADER, leader, may_renew=_may_renew_leader_feed(request.user, leader)
    )
    sessions = Session.objects.filter(organisation_id=leader.organisation_id, leader=leader)
    return _week_page(
        request,
        sessions,
        title=_("The week of %(name)s") % {"name": leader},
        subject=leader,
        feed=feed,
    )


@requires(Capability.VIEW_PROGRAMME)
@require_POST
def leader_feed_renew(request: OrganisationRequest, pk: int) -> HttpResponse:
    leader = get_object_for(
        request, User.objects.all(), capability=Capability.VIEW_PROGRAMME, pk=pk
    )
    if not _may_renew_leader_feed(request.user, leader):
        raise PermissionDenied
    token = planning.renew_feed_token(request.user.organisation, FeedKind.LEADER, leader.pk)
    _show_once(request, token, request.path)
    messages.success(request, _("A new calendar link has been made; the old one no longer works."))
    return redirect("workshops:leader_week", pk=leader.pk)


@requires(Capability.MANAGE_PROGRAMME)
@require_POST
def group_feed_renew(request: OrganisationRequest, pk: int) -> HttpResponse:
    group = get_object_for(
        request, visible_groups(request.user), capability=Capability.MANAGE_PROGRAMME, pk=pk
    )
    token = planning.renew_feed_token(request.user.organisation, FeedKind.GROUP, group.pk)
    _show_once(request, token, request.path)
    messages.success(request, _("A new calendar link has been made; the old one no longer works."))
    return redirect("workshops:group_week", pk=group.pk)


def _event(session: Session, zone: datetime.tzinfo) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"session-{session.pk}@parcours")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datetime.datetime.combine(session.date, session.start_time, zone))
    event.add("dtend", datetime.datetime.combine(session.date, session.end_time, zone))
    event.add("summary", session.workshop.name)
    if session.room:
        event.add("location", session.room)
    lines = [", ".join(group.name for group in session.groups.all())]
    if session.provider:
        lines.append(session.provider.name)
    if session.leader:
        lines.append(str(session.leader))
    if session.cancelled:
        lines.append(_("Cancelled: %(reason)s") % {"reason": session.cancel_reason})
    event.add("description", "\n".join(line for line in lines if line))
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    return event


@public
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private calendar: the sessions of a leader or a group, a month back and six
    ahead. No participant is ever named in it. Read only: GET and HEAD."""
    found = planning.feed_for_token(token)
    if found is None:
        raise Http404
    sessions = Session.objects.filter(organisation_id=found.organisation_id)
    if found.kind == FeedKind.LEADER:
        sessions = sessions.filter(leader_id=found.object_id)
    else:
        sessions = sessions.filter(groups__id=found.object_id)
    today = timezone.localdate()
    sessions = (
        sessions.between(today - datetime.timedelta(days=31), today + datetime.timedelta(days=183))
        .select_related("workshop", "provider", "leader")
        .prefetch_related("groups")
        .order_by("date", "start_time", "pk")
    )
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Parcours//Programme//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Workshops"))
    for session in sessions:
        calendar.add_component(_event(session, zone))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
