"""The API's read resources. Each asks the same selectors and access rules as the
pages: ``visible_participants``, ``visible_groups``, ``get_object_for`` (404 outside what
the user sees, 403 for a role), and shows casework's fields only to casework roles
(``Capability.VIEW_SOCIAL_DATA``), as the participant's file does."""

import datetime
import re
from typing import Annotated

from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Status
from pydantic import BeforeValidator

from parcours.accounts.access import Capability, check, get_object_for, scoped, user_can
from parcours.api import schemas
from parcours.api.errors import ApiProblem
from parcours.api.idempotency import idempotent_create
from parcours.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.participants.selectors import visible_participants
from parcours.programme import services as programme_services
from parcours.programme.forms import GroupForm
from parcours.programme.models import Enrolment, Group
from parcours.programme.selectors import visible_groups
from parcours.workshops.models import Session, Workshop

# The largest id the databases store (a signed 64-bit integer): a larger one in a path
# or a filter is refused as invalid instead of reaching the database.
MAX_ID = 2**63 - 1

ERRORS = dict.fromkeys((400, 401, 403, 404, 422, 429), schemas.Problem)


def reads(schema):
    return {200: schema, 304: None, **ERRORS}


Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Cursor = Annotated[
    str | None, Query(max_length=200, description="The `next_cursor` of the previous page.")
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many items a page holds.")]
GroupFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only what concerns this group.")
]
SessionFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only the marks of this session.")
]


def iso_date_only(value):
    """Refuse what pydantic would otherwise take for a date (a number of seconds since
    1970, "0"): the schema says an ISO date, YYYY-MM-DD."""
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[datetime.date, BeforeValidator(iso_date_only)]
DateFrom = Annotated[IsoDate | None, Query(description="Only from this date on (included).")]
DateTo = Annotated[IsoDate | None, Query(description="Only until this date (included).")]


def _page(queryset, cursor, limit, item):
    rows, next_cursor = paginate(queryset, cursor=cursor, limit=limit)
    return {"items": [item(row) for row in rows], "next_cursor": next_cursor}


def _overlapping(queryset, date_from, date_to, *, start, end):
    """The records whose period [start, end] (end empty: still running) meets the range."""
    if date_from:
        queryset = queryset.filter(Q(**{f"{end}__gte": date_from}) | Q(**{f"{end}__isnull": True}))
    if date_to:
        queryset = queryset.filter(**{f"{start}__lte": date_to})
    return queryset


# -- Participants ---------------------------------------------------------------------------

participants = Router(tags=["participants"])


def _participant(person, *, casework: bool) -> dict:
    data = {
        "id": person.pk,
        "reference": person.reference,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "gender": person.gender,
        "status": person.status,
        "version": person.version,
    }
    if casework:
        data["social"] = {
            **{name: getattr(person, name) for name in schemas.SocialData.model_fields},
            "birth_country": person.birth_country.code or "",
            "nationality": person.nationality.code or "",
        }
    return data


@participants.get("/participants", response=reads(schemas.ParticipantPage), exclude_unset=True)
def participant_list(
    request, group: GroupFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
):
    """The participants the user sees: for a workshop leader, the people of their groups,
    without the social data."""
    check(request.user, Capability.VIEW_PARTICIPANTS)
    casework = user_can(request.user, Capability.VIEW_SOCIAL_DATA)
    people = visible_participants(request.user).with_status()
    if group:
        people = people.filter(
            Exists(Enrolment.objects.filter(participant=OuterRef("pk"), group_id=group))
        )
    return _page(people, cursor, limit, lambda p: _participant(p, casework=casework))


@participants.get("/participants/{pk}", response=reads(schemas.Participant), exclude_unset=True)
def participant_detail(request, pk: Id):
    """One participant; reading it is traced as the file page's opening is."""
    person = get_object_for(
        request,
        visible_participants(request.user).with_status(),
        capability=Capability.VIEW_PARTICIPANTS,
        pk=pk,
    )
    record_opened(obj=person, by=request.user, purpose=AuditPurpose.CONSULTATION)
    return _participant(person, casework=user_can(request.user, Capability.VIEW_SOCIAL_DATA))


# -- Groups and enrolments ------------------------------------------------------------------

programme = Router(tags=["programme"])


def _group(group) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "process_type": group.process_type,
        "start_date": group.start_date,
        "end_date": group.end_date,
        "capacity": group.capacity,
        "staff_ids": sorted(member.pk for member in group.staff.all()),
        "version": group.version,
    }


@programme.get("/groups", response=reads(schemas.GroupPage))
def group_list(
    request,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The groups the user sees (a workshop leader: those in their charge) whose planned
    period meets the dates."""
    check(request.user, Capability.VIEW_PROGRAMME)
    groups = _overlapping(
        visible_groups(request.user), date_from, date_to, start="start_date", end="end_date"
    ).prefetch_related("staff")
    return _page(groups, cursor, limit, _group)


def _group_form_data(values: dict) -> dict:
    data = {name: value for name, value in values.items() if name != "staff_ids"}
    data["staff"] = values.get("staff_ids") or []
    return {name: value for name, value in data.items() if value is not None}


def _valid_group_form(data: dict, *, organisation, instance=None) -> GroupForm:
    """The pages' group form, given the request's values: the same checks, the same
    messages."""
    form = GroupForm(data, organisation=organisation, instance=instance)
    if not form.is_valid():
        raise ApiProblem(
            422,
            "invalid-parameters",
            _("Some values are not valid."),
            errors=[
                {"location": "body" if name == NON_FIELD_ERRORS else f"body.{name}", "message": m}
                for name, messages in form.errors.items()
                for m in messages
            ],
        )
    return form


@programme.post("/groups", response={201: schemas.Group, **ERRORS, 409: schemas.Problem})
def group_create(
    request,
    body: schemas.GroupCreate,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
):
    """Plan a group, as the page does (with the same audit rows). Send an
    ``Idempotency-Key`` to make sending it again safe."""
    check(request.user, Capability.MANAGE_PROGRAMME)
    organisation = request.user.organisation

    def create():
        form = _valid_group_form(_group_form_data(body.model_dump()), organisation=organisation)
        group = programme_services.group_create(
            organisation=organisation,
            by=request.user,
            staff=form.cleaned_data["staff"],
            **form.values(),
        )
        return 201, schemas.Group(**_group(group)).model_dump(mode="json")

    status, answer = idempotent_create(request, idempotency_key, create)
    return Status(status, answer)


@programme.patch("/groups/{pk}", response={200: schemas.Group, **ERRORS, 409: schemas.Problem})
def group_update(request, pk: Id, body: schemas.GroupChange):
    """Change a group, as the page does; the ``version`` read must still be the stored
    one (409 otherwise: read it again)."""
    group = get_object_for(
        request, visible_groups(request.user), capability=Capability.MANAGE_PROGRAMME, pk=pk
    )
    current = {
        **_group(group),
        **body.model_dump(exclude_unset=True),
    }
    form = _valid_group_form(
        _group_form_data(current), organisation=request.user.organisation, instance=group
    )
    programme_services.group_update(
        group=group, by=request.user, staff=form.cleaned_data["staff"], **form.values()
    )
    return _group(Group.objects.prefetch_related("staff").get(pk=group.pk))


@programme.get("/groups/{pk}", response=reads(schemas.Group))
def group_detail(request, pk: Id):
    group = get_object_for(
        request,
        visible_groups(request.user).prefetch_related("staff"),
        capability=Capability.VIEW_PROGRAMME,
        pk=pk,
    )
    return _group(group)


def _enrolment(enrolment, *, casework: bool) -> dict:
    data = {
        "id": enrolment.pk,
        "participant_id": enrolment.participant_id,
        "group_id": enrolment.group_id,
        "start_date": enrolment.start_date,
        "exit_date": enrolment.exit_date,
        "version": enrolment.version,
    }
    if casework:
        data["outcome"] = enrolment.outcome
        data["outcome_detail"] = enrolment.outcome_detail
        data["qualification_gained"] = enrolment.qualification_gained
    return data


def _visible_enrolments(user):
    return Enrolment.objects.filter(participant__in=visible_participants(user))


@programme.get("/enrolments", response=reads(schemas.EnrolmentPage), exclude_unset=True)
def enrolment_list(
    request,
    group: GroupFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The enrolments of the participants the user sees, running at some point of the
    dates; the outcome of an exit for casework roles only."""
    check(request.user, Capability.VIEW_PARTICIPANTS)
    casework = user_can(request.user, Capability.VIEW_SOCIAL_DATA)
    enrolments = _overlapping(
        _visible_enrolments(request.user), date_from, date_to, start="start_date", end="exit_date"
    )
    if group:
        enrolments = enrolments.filter(group_id=group)
    return _page(enrolments, cursor, limit, lambda e: _enrolment(e, casework=casework))


@programme.get("/enrolments/{pk}", response=reads(schemas.Enrolment), exclude_unset=True)
def enrolment_detail(request, pk: Id):
    # Enrolments are the organisation's through their participant: no get_object_for.
    check(request.user, Capability.VIEW_PARTICIPANTS)
    enrolment = get_object_or_404(_visible_enrolments(request.user), pk=pk)
    return _enrolment(enrolment, casework=user_can(request.user, Capability.VIEW_SOCIAL_DATA))


# -- Workshops and sessions -----------------------------------------------------------------

workshops = Router(tags=["workshops"])


def _workshop(workshop) -> dict:
    return {
        "id": workshop.pk,
        "name": workshop.name,
        "axis": workshop.axis,
        "objectives": workshop.objectives,
        "domains": sorted(domain.domain for domain in workshop.domains.all()),
        "version": workshop.version,
    }


@workshops.get("/workshops", response=reads(schemas.WorkshopPage))
def workshop_list(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """The organisation's workshops, as its catalogue page lists them."""
    check(request.user, Capability.VIEW_PROGRAMME)
    rows = scoped(Workshop.objects.all(), request.user).prefetch_related("domains")
    return _page(rows, cursor, limit, _workshop)


@workshops.get("/workshops/{pk}", response=reads(schemas.Workshop))
def workshop_detail(request, pk: Id):
    workshop = get_object_for(
        request,
        Workshop.objects.prefetch_related("domains"),
        capability=Capability.VIEW_PROGRAMME,
        pk=pk,
    )
    return _workshop(workshop)


def _session(session) -> dict:
    return {
        "id": session.pk,
        "workshop_id": session.workshop_id,
        "group_ids": sorted(group.pk for group in session.groups.all()),
        "date": session.date,
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "duration_minutes": session.duration_minutes,
        "room": session.room,
        "provider_kind": session.provider_kind,
        "provider_id": session.provider_id,
        "leader_id": session.leader_id,
        "cancelled": session.cancelled,
        "version": session.version,
    }


@workshops.get("/sessions", response=reads(schemas.SessionPage))
def session_list(
    request,
    group: GroupFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The organisation's sessions, as the programme's week pages show them."""
    check(request.user, Capability.VIEW_PROGRAMME)
    sessions = scoped(Session.objects.all(), request.user)
    if group:
        sessions = sessions.filter(groups__id=group)
    if date_from:
        sessions = sessions.filter(date__gte=date_from)
    if date_to:
        sessions = sessions.filter(date__lte=date_to)
    return _page(sessions.prefetch_related("groups"), cursor, limit, _session)


@workshops.get("/sessions/{pk}", response=reads(schemas.Session))
def session_detail(request, pk: Id):
    session = get_object_for(
        request,
        Session.objects.prefetch_related("groups"),
        capability=Capability.VIEW_PROGRAMME,
        pk=pk,
    )
    return _session(session)


# -- Attendance -----------------------------------------------------------------------------

attendance = Router(tags=["attendance"])


def _mark(mark) -> dict:
    return {
        "id": mark.pk,
        "session_id": mark.session_id,
        "participant_id": mark.participant_id,
        "status": mark.status,
        "marked_at": mark.marked_at,
    }


def _visible_marks(user):
    return Attendance.objects.filter(
        session__organisation_id=user.organisation_id,
        participant__in=visible_participants(user),
    )


@attendance.get("/attendance-marks", response=reads(schemas.AttendanceMarkPage))
def mark_list(
    request,
    group: GroupFilter = None,
    session: SessionFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The presence marks of the participants the user sees, by session date."""
    check(request.user, Capability.VIEW_PROGRAMME)
    marks = _visible_marks(request.user)
    if group:
        marks = marks.filter(session__groups__id=group)
    if session:
        marks = marks.filter(session_id=session)
    if date_from:
        marks = marks.filter(session__date__gte=date_from)
    if date_to:
        marks = marks.filter(session__date__lte=date_to)
    return _page(marks, cursor, limit, _mark)


@attendance.get("/attendance-marks/{pk}", response=reads(schemas.AttendanceMark))
def mark_detail(request, pk: Id):
    check(request.user, Capability.VIEW_PROGRAMME)
    return _mark(get_object_or_404(_visible_marks(request.user), pk=pk))
