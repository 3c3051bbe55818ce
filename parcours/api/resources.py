"""The API's resources. Reads ask the same selectors and access rules as the pages:
``visible_participants``, ``visible_groups``, ``get_object_for`` (404 outside what the
user sees, 403 for a role), and show casework's fields only to casework roles
(``Capability.VIEW_SOCIAL_DATA``), as the participant's file does. Writes fill the
pages' forms and call the pages' services: the same checks and messages, the same
audit rows, the same version checks (409 when stale)."""

from contextlib import contextmanager
from typing import Annotated

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from ninja import Header, Path, Query, Router, Status

from parcours.accounts.access import Capability, check, get_object_for, scoped, user_can
from parcours.api import schemas
from parcours.api.errors import ApiProblem
from parcours.api.idempotency import idempotent_create
from parcours.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from parcours.api.schemas import MAX_ID, IsoDate
from parcours.attendance import services as attendance_services
from parcours.attendance.forms import CorrectionForm
from parcours.attendance.models import Attendance
from parcours.attendance.selectors import (
    expected_participants,
    register_counts,
    visible_sessions,
)
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.core.forms import IdChoiceField, model_values
from parcours.participants import services as participant_services
from parcours.participants.forms import ParticipantForm, participant_label
from parcours.participants.models import status_of
from parcours.participants.selectors import (
    likely_duplicates,
    participant_for,
    visible_participants,
)
from parcours.programme import services as programme_services
from parcours.programme.forms import (
    EnrolmentExitForm,
    EnrolmentExtendForm,
    EnrolmentForm,
    FollowUpForm,
    GroupForm,
)
from parcours.programme.models import Enrolment, ExitFollowUp, Group
from parcours.programme.selectors import visible_groups
from parcours.workshops import planning
from parcours.workshops import services as workshop_services
from parcours.workshops.forms import (
    CancelForm,
    ChangeForm,
    ClosingPeriodForm,
    ProviderForm,
    SeriesForm,
    SessionForm,
    WorkshopForm,
)
from parcours.workshops.models import ClosingPeriod, Provider, Session, SessionSeries, Workshop

ERRORS = dict.fromkeys((400, 401, 403, 404, 422, 429), schemas.Problem)
# A write may also find the record changed meanwhile, or its Idempotency-Key in use.
WRITE_ERRORS = {**ERRORS, 409: schemas.Problem}


def reads(schema):
    return {200: schema, 304: None, **ERRORS}


def writes(schema, status=200):
    return {status: schema, **WRITE_ERRORS}


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
DateFrom = Annotated[IsoDate | None, Query(description="Only from this date on (included).")]
DateTo = Annotated[IsoDate | None, Query(description="Only until this date (included).")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Send the same key again to get the first answer instead of a second record.",
    ),
]


# -- The mechanics every resource shares ----------------------------------------------------


def _page(queryset, cursor, limit, item):
    rows, next_cursor = paginate(queryset, cursor=cursor, limit=limit)
    return {"items": [item(row) for row in rows], "next_cursor": next_cursor}


def _listed(request, rows, *, capability, cursor, limit, item):
    """A page of ``rows`` (already narrowed to what the user sees) as ``item`` shapes
    them, for a user with ``capability`` (403 otherwise)."""
    check(request.user, capability)
    return _page(rows, cursor, limit, item)


def _one(request, rows, *, capability, pk):
    """The record ``pk`` among ``rows``, what the user sees (404 outside it), for a user
    with ``capability`` (403 otherwise). For records without an organisation of their
    own (enrolments, marks), which ``get_object_for`` cannot scope."""
    check(request.user, capability)
    return get_object_or_404(rows, pk=pk)


def _overlapping(queryset, date_from, date_to, *, start, end):
    """The records whose period [start, end] (end empty: still running) meets the range."""
    if date_from:
        queryset = queryset.filter(Q(**{f"{end}__gte": date_from}) | Q(**{f"{end}__isnull": True}))
    if date_to:
        queryset = queryset.filter(**{f"{start}__lte": date_to})
    return queryset


def _on_days(queryset, date_from, date_to, *, day):
    """The records whose date ``day`` lies in the range."""
    if date_from:
        queryset = queryset.filter(**{f"{day}__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{day}__lte": date_to})
    return queryset


# A body names a record by its id (``staff_ids``); the page's form by the record.
FORM_FIELDS = {
    "staff_ids": "staff",
    "social_worker_id": "social_worker",
    "participant_id": "participant",
    "workshop_id": "workshop",
    "group_ids": "groups",
    "provider_id": "provider",
    "leader_id": "leader",
    "next_group_id": "next_group",
    "leader_ids": "leaders",
}
BODY_FIELDS = {form: body for body, form in FORM_FIELDS.items()}


def _form_data(values: dict) -> dict:
    """The request's values as the page's form reads them; an empty value is left out,
    as an empty input of the page."""
    return {
        FORM_FIELDS.get(name, name): value for name, value in values.items() if value is not None
    }


def _location(name: str, places=None) -> str:
    """Where in the body a form's field is: ``places`` names the fields sent in a nested
    object (a participant's ``social``)."""
    if name in (NON_FIELD_ERRORS, None):
        return "body"
    name = BODY_FIELDS.get(name, name)
    return f"body.{(places or {}).get(name, name)}"


def _invalid(errors: dict, places=None) -> ApiProblem:
    return ApiProblem(
        422,
        "invalid-parameters",
        _("Some values are not valid."),
        errors=[
            {"location": _location(name, places), "message": message}
            for name, messages in errors.items()
            for message in messages
        ],
    )


def _valid(form, places=None):
    """The page's form, given the request's values: valid, or a 422 with its messages."""
    if not form.is_valid():
        raise _invalid(form.errors, places)
    return form


@contextmanager
def _rules_apply(places=None):
    """A service's refusal (``ValidationError``) as a 422 with its messages, where it says."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ApiProblem(
                422,
                "refused-by-the-rules",
                " ".join(error.messages),
                errors=[
                    {"location": _location(name, places), "message": message}
                    for name, messages in error.message_dict.items()
                    for message in messages
                ],
            ) from None
        raise ApiProblem(422, "refused-by-the-rules", " ".join(error.messages)) from None


def _confirm(warnings: list[str], *, field: str) -> None:
    """The warnings the page shows before going on: refused until ``field`` is true."""
    if warnings:
        raise ApiProblem(
            422,
            "needs-confirmation",
            _("Check the warnings, then send the request again with %(field)s true to go on.")
            % {"field": field},
            errors=[{"location": f"body.{field}", "message": message} for message in warnings],
        )


def _created(request, key, schema, create):
    """201 with the new record, ``create()``'s shape of it as ``schema`` says, once per
    ``Idempotency-Key``."""

    def answer():
        return 201, schema(**create()).model_dump(mode="json", exclude_unset=True)

    status, body = idempotent_create(request, key, answer)
    return Status(status, body)


def _short(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


# -- Participants ---------------------------------------------------------------------------

participants = Router(tags=["participants"])

IDENTITY = ("reference", "first_name", "last_name", "gender")
# Casework's fields are sent in the participant's ``social`` object.
SOCIAL_PLACES = {name: f"social.{name}" for name in schemas.SocialDataChange.model_fields}


def _with_enrolments(people):
    """``people`` with their enrolments read in one query more, for ``status_of``, as the
    participant list of the pages does (a status computed in SQL for each row costs more
    at the size of a large programme)."""
    return people.prefetch_related(
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.only("id", "participant_id", "exit_date"),
            to_attr="status_enrolments",
        )
    )


def _inactive_since(person) -> str | None:
    day = person.inactive_since
    if day is None:
        return None
    return f"{day:%Y-%m}" if person.inactive_since_month_only else day.isoformat()


def _social(person) -> dict:
    special = {
        "birth_country": person.birth_country.code or "",
        "nationality": person.nationality.code or "",
        "inactive_since": _inactive_since(person),
    }
    return {
        name: special[name] if name in special else getattr(person, name)
        for name in schemas.SocialData.model_fields
    }


def _participant(person, *, casework: bool) -> dict:
    data = {
        **{name: getattr(person, name) for name in IDENTITY},
        "id": person.pk,
        "status": status_of(person.status_enrolments),
        "version": person.version,
    }
    if casework:
        data["social"] = _social(person)
    return data


@participants.get("/participants", response=reads(schemas.ParticipantPage), exclude_unset=True)
def participant_list(
    request, group: GroupFilter = None, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
):
    """The participants the user sees: for a workshop leader, the people of their groups,
    without the social data."""
    casework = user_can(request.user, Capability.VIEW_SOCIAL_DATA)
    people = visible_participants(request.user)
    if group:
        people = people.filter(
            Exists(Enrolment.objects.filter(participant=OuterRef("pk"), group_id=group))
        )
    return _listed(
        request,
        _with_enrolments(people),
        capability=Capability.VIEW_PARTICIPANTS,
        cursor=cursor,
        limit=limit,
        item=lambda person: _participant(person, casework=casework),
    )


@participants.get("/participants/{pk}", response=reads(schemas.Participant), exclude_unset=True)
def participant_detail(request, pk: Id):
    """One participant; reading it is traced as the file page's opening is."""
    person = get_object_for(
        request,
        _with_enrolments(visible_participants(request.user)),
        capability=Capability.VIEW_PARTICIPANTS,
        pk=pk,
    )
    record_opened(obj=person, by=request.user, purpose=AuditPurpose.CONSULTATION)
    return _participant(person, casework=user_can(request.user, Capability.VIEW_SOCIAL_DATA))


def _participant_form(values: dict, *, organisation, instance=None) -> ParticipantForm:
    """The intake form of the pages, valid, and refused while the person may already
    have a file, unless the caller confirms it is another person."""
    social = values.pop("social", None) or {}
    form = _valid(
        ParticipantForm(
            _form_data({**values, **social}), organisation=organisation, instance=instance
        ),
        SOCIAL_PLACES,
    )
    data = form.cleaned_data
    if not data["confirm_duplicate"]:
        duplicates = likely_duplicates(
            organisation,
            niss=data["niss"],
            last_name=data["last_name"],
            first_name=data["first_name"],
            birth_date=data["birth_date"],
            exclude_pk=instance.pk if instance else None,
        )
        _confirm(
            [
                _("This person may already have a file: %(file)s.")
                % {"file": participant_label(other)}
                for other in duplicates
            ],
            field="confirm_duplicate",
        )
    return form


def _participant_answer(request, pk) -> dict:
    person = _with_enrolments(visible_participants(request.user)).get(pk=pk)
    return _participant(person, casework=True)


@participants.post("/participants", response=writes(schemas.Participant, 201), exclude_unset=True)
def participant_create(
    request, body: schemas.ParticipantCreate, idempotency_key: IdempotencyKey = None
):
    """Open a file, as the intake page does (with the same audit row). Casework roles
    only: they alone see and write the social data."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)
    organisation = request.user.organisation

    def create():
        form = _participant_form(body.model_dump(), organisation=organisation)
        with _rules_apply(SOCIAL_PLACES):
            person = participant_services.participant_create(
                organisation=organisation, by=request.user, **form.values()
            )
        return _participant_answer(request, person.pk)

    return _created(request, idempotency_key, schemas.Participant, create)


@participants.patch("/participants/{pk}", response=writes(schemas.Participant), exclude_unset=True)
def participant_update(request, pk: Id, body: schemas.ParticipantChange):
    """Change a file, as its profile page does; the ``version`` read must still be the
    stored one (409 otherwise). An anonymised file is never written back into (403)."""
    person = participant_for(request, pk)
    sent = body.model_dump(exclude_unset=True)
    values = {
        **{name: getattr(person, name) for name in IDENTITY},
        **{name: value for name, value in sent.items() if name != "social"},
        "social": {**_social(person), **(sent.get("social") or {})},
    }
    form = _participant_form(values, organisation=request.user.organisation, instance=person)
    with _rules_apply(SOCIAL_PLACES):
        participant_services.participant_update(
            participant=person, by=request.user, **form.values()
        )
    return _participant_answer(request, pk)


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
    groups = _overlapping(
        visible_groups(request.user), date_from, date_to, start="start_date", end="end_date"
    )
    return _listed(
        request,
        groups.prefetch_related("staff"),
        capability=Capability.VIEW_PROGRAMME,
        cursor=cursor,
        limit=limit,
        item=_group,
    )


def _valid_group_form(values: dict, *, organisation, instance=None) -> GroupForm:
    """The pages' group form, given the request's values: the same checks, the same
    messages."""
    return _valid(GroupForm(_form_data(values), organisation=organisation, instance=instance))


@programme.post("/groups", response=writes(schemas.Group, 201))
def group_create(request, body: schemas.GroupCreate, idempotency_key: IdempotencyKey = None):
    """Plan a group, as the page does (with the same audit rows). Send an
    ``Idempotency-Key`` to make sending it again safe."""
    check(request.user, Capability.MANAGE_PROGRAMME)
    organisation = request.user.organisation

    def create():
        form = _valid_group_form(body.model_dump(), organisation=organisation)
        group = programme_services.group_create(
            organisation=organisation,
            by=request.user,
            staff=form.cleaned_data["staff"],
            **form.values(),
        )
        return _group(group)

    return _created(request, idempotency_key, schemas.Group, create)


@programme.patch("/groups/{pk}", response=writes(schemas.Group))
def group_update(request, pk: Id, body: schemas.GroupChange):
    """Change a group, as the page does; the ``version`` read must still be the stored
    one (409 otherwise: read it again)."""
    group = get_object_for(
        request, visible_groups(request.user), capability=Capability.MANAGE_PROGRAMME, pk=pk
    )
    form = _valid_group_form(
        {**_group(group), **body.model_dump(exclude_unset=True)},
        organisation=request.user.organisation,
        instance=group,
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
    casework = user_can(request.user, Capability.VIEW_SOCIAL_DATA)
    enrolments = _overlapping(
        _visible_enrolments(request.user), date_from, date_to, start="start_date", end="exit_date"
    )
    if group:
        enrolments = enrolments.filter(group_id=group)
    return _listed(
        request,
        enrolments,
        capability=Capability.VIEW_PARTICIPANTS,
        cursor=cursor,
        limit=limit,
        item=lambda enrolment: _enrolment(enrolment, casework=casework),
    )


@programme.get("/enrolments/{pk}", response=reads(schemas.Enrolment), exclude_unset=True)
def enrolment_detail(request, pk: Id):
    enrolment = _one(
        request,
        _visible_enrolments(request.user),
        capability=Capability.VIEW_PARTICIPANTS,
        pk=pk,
    )
    return _enrolment(enrolment, casework=user_can(request.user, Capability.VIEW_SOCIAL_DATA))


def _enrolment_warnings(warnings, group) -> list[str]:
    """The page's warnings before an enrolment (``programme/_warnings.html``)."""
    messages = []
    if warnings.over_capacity:
        messages.append(
            _(
                "The group %(name)s already has its %(capacity)s participants or more: this "
                "enrolment goes over its capacity."
            )
            % {"name": group.name, "capacity": group.capacity}
        )
    for other in warnings.overlapping:
        if other.exit_date:
            message = _(
                "The person is also in the group %(name)s from %(start)s to %(end)s, at the "
                "same time."
            ) % {
                "name": other.group.name,
                "start": _short(other.start_date),
                "end": _short(other.exit_date),
            }
        else:
            message = _(
                "The person is also in the group %(name)s since %(start)s, and that enrolment "
                "is still open."
            ) % {"name": other.group.name, "start": _short(other.start_date)}
        messages.append(message)
    return messages


@programme.post("/enrolments", response=writes(schemas.Enrolment, 201), exclude_unset=True)
def enrolment_create(
    request, body: schemas.EnrolmentCreate, idempotency_key: IdempotencyKey = None
):
    """Enrol a person in a group, as the group's page does: the same checks, warnings
    and audit row."""
    check(request.user, Capability.MANAGE_PROGRAMME)
    groups = IdChoiceField(queryset=visible_groups(request.user))

    def create():
        try:
            group = groups.clean(body.group_id)
        except ValidationError as error:
            raise _invalid({"group_id": error.messages}) from None
        form = _valid(EnrolmentForm(_form_data(body.model_dump()), group=group))
        participant, start_date = form.cleaned_data["participant"], form.cleaned_data["start_date"]
        if not body.confirm_warnings:
            warnings = programme_services.enrolment_warnings(
                participant=participant, group=group, start_date=start_date
            )
            _confirm(_enrolment_warnings(warnings, group), field="confirm_warnings")
        with _rules_apply():
            enrolment = programme_services.enrolment_create(
                participant=participant, group=group, start_date=start_date, by=request.user
            )
        return _enrolment(enrolment, casework=True)

    return _created(request, idempotency_key, schemas.Enrolment, create)


def _open_enrolment_for(request, pk):
    """An open enrolment of the groups the user sees, for a write (404 outside them,
    422 once closed), as the exit and extension pages find it."""
    enrolment = _one(
        request,
        Enrolment.objects.select_related("participant", "group").filter(
            group__in=visible_groups(request.user)
        ),
        capability=Capability.MANAGE_PROGRAMME,
        pk=pk,
    )
    if enrolment.exit_date is not None:
        raise ApiProblem(422, "refused-by-the-rules", _("This enrolment is already closed."))
    return enrolment


@programme.post("/enrolments/{pk}/exit", response=writes(schemas.Enrolment), exclude_unset=True)
def enrolment_exit(request, pk: Id, body: schemas.EnrolmentExit):
    """Record the exit, as the page does: its outcome, the follow-up due six months
    later; the ``version`` read must still be the stored one (409 otherwise)."""
    enrolment = _open_enrolment_for(request, pk)
    form = _valid(EnrolmentExitForm(_form_data(body.model_dump()), enrolment=enrolment))
    data = form.cleaned_data
    with _rules_apply():
        programme_services.enrolment_exit(
            enrolment=enrolment,
            exit_date=data["exit_date"],
            outcome=data["outcome"],
            detail=data["outcome_detail"],
            qualification_gained=data["qualification_gained"],
            by=request.user,
            version=data["version"],
        )
    return _enrolment(Enrolment.objects.get(pk=enrolment.pk), casework=True)


@programme.post(
    "/enrolments/{pk}/extension", response=writes(schemas.Enrolment, 201), exclude_unset=True
)
def enrolment_extension(
    request, pk: Id, body: schemas.EnrolmentExtension, idempotency_key: IdempotencyKey = None
):
    """Extend an enrolment into another group, as the extension page does, in one act:
    the enrolment closes as an extension, the next one opens (the answer); the
    ``version`` read must still be the stored one (409 otherwise)."""
    check(request.user, Capability.MANAGE_PROGRAMME)

    def create():
        # Inside: the same request sent again finds the enrolment closed by the first.
        enrolment = _open_enrolment_for(request, pk)
        form = _valid(
            EnrolmentExtendForm(
                _form_data(body.model_dump()),
                enrolment=enrolment,
                groups=visible_groups(request.user),
            )
        )
        data = form.cleaned_data
        next_group, next_start = data["next_group"], data["next_start_date"]
        if not body.confirm_warnings:
            warnings = programme_services.extension_warnings(
                enrolment=enrolment, next_group=next_group, next_start_date=next_start
            )
            _confirm(_enrolment_warnings(warnings, next_group), field="confirm_warnings")
        with _rules_apply():
            following = programme_services.enrolment_extend(
                enrolment=enrolment,
                exit_date=data["exit_date"],
                next_group=next_group,
                next_start_date=next_start,
                by=request.user,
                version=data["version"],
            )
        return _enrolment(following, casework=True)

    return _created(request, idempotency_key, schemas.Enrolment, create)


def _follow_up(follow_up) -> dict:
    return {
        "id": follow_up.pk,
        "enrolment_id": follow_up.enrolment_id,
        "participant_id": follow_up.enrolment.participant_id,
        "due_on": follow_up.due_on,
        "situation": follow_up.situation,
        "better_situation": follow_up.better_situation,
        "recorded_on": follow_up.recorded_on,
        "note": follow_up.note,
        "version": follow_up.version,
    }


def _visible_follow_ups(user):
    return ExitFollowUp.objects.select_related("enrolment").filter(
        enrolment__participant__in=visible_participants(user)
    )


@programme.get("/follow-ups", response=reads(schemas.FollowUpPage))
def follow_up_list(
    request,
    group: GroupFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The follow-ups after exit of the participants the user sees, by the day they are
    due; casework's, as the file shows them."""
    follow_ups = _on_days(_visible_follow_ups(request.user), date_from, date_to, day="due_on")
    if group:
        follow_ups = follow_ups.filter(enrolment__group_id=group)
    return _listed(
        request,
        follow_ups,
        capability=Capability.VIEW_SOCIAL_DATA,
        cursor=cursor,
        limit=limit,
        item=_follow_up,
    )


@programme.get("/follow-ups/{pk}", response=reads(schemas.FollowUp))
def follow_up_detail(request, pk: Id):
    return _follow_up(
        _one(
            request,
            _visible_follow_ups(request.user),
            capability=Capability.VIEW_SOCIAL_DATA,
            pk=pk,
        )
    )


@programme.patch("/follow-ups/{pk}", response=writes(schemas.FollowUp))
def follow_up_record(request, pk: Id, body: schemas.FollowUpRecord):
    """Record what became of the person, as the follow-up page does (casework roles);
    the ``version`` read must still be the stored one (409 otherwise)."""
    follow_up = _one(
        request,
        _visible_follow_ups(request.user).select_related("enrolment__participant"),
        capability=Capability.MANAGE_PARTICIPANTS,
        pk=pk,
    )
    form = _valid(FollowUpForm(_form_data(body.model_dump()), instance=follow_up))
    with _rules_apply():
        programme_services.follow_up_record(follow_up=follow_up, by=request.user, **form.values())
    return _follow_up(_visible_follow_ups(request.user).get(pk=pk))


# -- Workshops and sessions -----------------------------------------------------------------

workshops = Router(tags=["workshops"])

# What a workshop's and a session's shapes read beside them, in one query each.
WORKSHOPS = Workshop.objects.prefetch_related("domains")
SESSIONS = Session.objects.prefetch_related("groups")


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
    return _listed(
        request,
        scoped(WORKSHOPS, request.user),
        capability=Capability.VIEW_PROGRAMME,
        cursor=cursor,
        limit=limit,
        item=_workshop,
    )


@workshops.get("/workshops/{pk}", response=reads(schemas.Workshop))
def workshop_detail(request, pk: Id):
    workshop = get_object_for(
        request,
        WORKSHOPS,
        capability=Capability.VIEW_PROGRAMME,
        pk=pk,
    )
    return _workshop(workshop)


@workshops.post("/workshops", response=writes(schemas.Workshop, 201))
def workshop_create(request, body: schemas.WorkshopCreate, idempotency_key: IdempotencyKey = None):
    """Add a workshop to the catalogue, as the catalogue's page does (the coordinator)."""
    check(request.user, Capability.MANAGE_ORGANISATION)
    organisation = request.user.organisation

    def create():
        form = _valid(WorkshopForm(_form_data(body.model_dump()), organisation=organisation))
        workshop = workshop_services.workshop_create(
            organisation=organisation, by=request.user, **model_values(form, "domains")
        )
        return _workshop(WORKSHOPS.get(pk=workshop.pk))

    return _created(request, idempotency_key, schemas.Workshop, create)


@workshops.patch("/workshops/{pk}", response=writes(schemas.Workshop))
def workshop_update(request, pk: Id, body: schemas.WorkshopChange):
    """Change a workshop, as the catalogue's page does; ``version`` as read (409)."""
    workshop = get_object_for(
        request,
        WORKSHOPS,
        capability=Capability.MANAGE_ORGANISATION,
        pk=pk,
    )
    form = _valid(
        WorkshopForm(
            _form_data({**_workshop(workshop), **body.model_dump(exclude_unset=True)}),
            organisation=request.user.organisation,
            instance=workshop,
        )
    )
    workshop_services.workshop_update(
        workshop=workshop, by=request.user, **model_values(form, "domains")
    )
    return _workshop(WORKSHOPS.get(pk=pk))


PROVIDERS = Provider.objects.prefetch_related("leaders")


def _provider(provider) -> dict:
    return {
        "id": provider.pk,
        "name": provider.name,
        "kind": provider.kind,
        "contact_name": provider.contact_name,
        "phone": provider.phone,
        "email": provider.email,
        "leader_ids": sorted(leader.pk for leader in provider.leaders.all()),
        "version": provider.version,
    }


@workshops.get("/providers", response=reads(schemas.ProviderPage))
def provider_list(request, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    """The subcontractors and partners, as the providers page lists them."""
    return _listed(
        request,
        scoped(PROVIDERS, request.user),
        capability=Capability.VIEW_PROGRAMME,
        cursor=cursor,
        limit=limit,
        item=_provider,
    )


@workshops.get("/providers/{pk}", response=reads(schemas.Provider))
def provider_detail(request, pk: Id):
    return _provider(
        get_object_for(request, PROVIDERS, capability=Capability.VIEW_PROGRAMME, pk=pk)
    )


@workshops.post("/providers", response=writes(schemas.Provider, 201))
def provider_create(request, body: schemas.ProviderCreate, idempotency_key: IdempotencyKey = None):
    """Add a provider, as the providers page does (the coordinator)."""
    check(request.user, Capability.MANAGE_ORGANISATION)
    organisation = request.user.organisation

    def create():
        form = _valid(ProviderForm(_form_data(body.model_dump()), organisation=organisation))
        provider = workshop_services.provider_create(
            organisation=organisation, by=request.user, **model_values(form)
        )
        return _provider(PROVIDERS.get(pk=provider.pk))

    return _created(request, idempotency_key, schemas.Provider, create)


@workshops.patch("/providers/{pk}", response=writes(schemas.Provider))
def provider_update(request, pk: Id, body: schemas.ProviderChange):
    """Change a provider, as the providers page does; ``version`` as read (409)."""
    provider = get_object_for(request, PROVIDERS, capability=Capability.MANAGE_ORGANISATION, pk=pk)
    form = _valid(
        ProviderForm(
            _form_data({**_provider(provider), **body.model_dump(exclude_unset=True)}),
            organisation=request.user.organisation,
            instance=provider,
        )
    )
    workshop_services.provider_update(provider=provider, by=request.user, **model_values(form))
    return _provider(PROVIDERS.get(pk=pk))


def _closing_period(period) -> dict:
    return {
        "id": period.pk,
        "label": period.label,
        "start_date": period.start_date,
        "end_date": period.end_date,
    }


@workshops.get("/closing-periods", response=reads(schemas.ClosingPeriodPage))
def closing_period_list(
    request,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The closing periods meeting the dates, as their page lists them (the
    coordinator)."""
    periods = _overlapping(
        scoped(ClosingPeriod.objects, request.user),
        date_from,
        date_to,
        start="start_date",
        end="end_date",
    )
    return _listed(
        request,
        periods,
        capability=Capability.MANAGE_ORGANISATION,
        cursor=cursor,
        limit=limit,
        item=_closing_period,
    )


@workshops.get("/closing-periods/{pk}", response=reads(schemas.ClosingPeriod))
def closing_period_detail(request, pk: Id):
    return _closing_period(
        get_object_for(
            request, ClosingPeriod.objects, capability=Capability.MANAGE_ORGANISATION, pk=pk
        )
    )


@workshops.post("/closing-periods", response=writes(schemas.ClosingPeriod, 201))
def closing_period_create(
    request, body: schemas.ClosingPeriodCreate, idempotency_key: IdempotencyKey = None
):
    """Add a closing period, as its page does: the series planned afterwards skip it."""
    check(request.user, Capability.MANAGE_ORGANISATION)
    organisation = request.user.organisation

    def create():
        form = _valid(ClosingPeriodForm(_form_data(body.model_dump()), organisation=organisation))
        period = workshop_services.closing_period_create(
            organisation=organisation, by=request.user, **model_values(form)
        )
        return _closing_period(period)

    return _created(request, idempotency_key, schemas.ClosingPeriod, create)


@workshops.delete("/closing-periods/{pk}", response={204: None, **WRITE_ERRORS})
def closing_period_delete(request, pk: Id):
    """Remove a closing period, as its page does (the sessions planned stay)."""
    period = get_object_for(
        request, ClosingPeriod.objects, capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    workshop_services.closing_period_delete(period=period, by=request.user)
    return Status(204, None)


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
        "cancel_reason": session.cancel_reason,
        "register_validated": session.register_validated_at is not None,
        "series_id": session.series_id,
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
    sessions = _on_days(scoped(SESSIONS, request.user), date_from, date_to, day="date")
    if group:
        sessions = sessions.filter(groups__id=group)
    return _listed(
        request,
        sessions,
        capability=Capability.VIEW_PROGRAMME,
        cursor=cursor,
        limit=limit,
        item=_session,
    )


@workshops.get("/sessions/{pk}", response=reads(schemas.Session))
def session_detail(request, pk: Id):
    session = get_object_for(
        request,
        SESSIONS,
        capability=Capability.VIEW_PROGRAMME,
        pk=pk,
    )
    return _session(session)


@workshops.post("/sessions", response=writes(schemas.Session, 201))
def session_create(request, body: schemas.SessionCreate, idempotency_key: IdempotencyKey = None):
    """Plan one session, as the page does: the same form's checks, the same audit rows."""
    check(request.user, Capability.MANAGE_PROGRAMME)
    organisation = request.user.organisation

    def create():
        values = body.model_dump(exclude={"confirm_clashes"})
        form = _valid(SessionForm(_form_data(values), organisation=organisation))
        if not body.confirm_clashes:
            clashes = planning.session_clashes(organisation=organisation, **form.cleaned_data)
            _confirm(_clash_messages(clashes), field="confirm_clashes")
        with _rules_apply():
            session = planning.create_session(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        return _session(SESSIONS.get(pk=session.pk))

    return _created(request, idempotency_key, schemas.Session, create)


def _series(series, sessions, skipped) -> dict:
    return {
        "id": series.pk,
        "workshop_id": series.workshop_id,
        "weekday": series.weekday,
        "start_time": series.start_time.strftime("%H:%M"),
        "end_time": series.end_time.strftime("%H:%M"),
        "first_date": series.first_date,
        "last_date": series.last_date,
        "session_ids": [session.pk for session in sessions],
        "skipped": [{"date": day, "reason": reason} for day, reason in skipped],
    }


@workshops.post("/session-series", response=writes(schemas.Series, 201))
def series_create(request, body: schemas.SeriesCreate, idempotency_key: IdempotencyKey = None):
    """Plan a weekly series, as the page does: one session a week, public holidays and
    closing periods skipped (the answer says which, and why), the same audit rows."""
    check(request.user, Capability.MANAGE_PROGRAMME)
    organisation = request.user.organisation

    def create():
        form = _valid(SeriesForm(_form_data(body.model_dump()), organisation=organisation))
        with _rules_apply():
            series, sessions, skipped = planning.plan_series(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        return _series(SessionSeries.objects.get(pk=series.pk), sessions, skipped)

    return _created(request, idempotency_key, schemas.Series, create)


def _clash_messages(clashes) -> list[str]:
    """The clashes the page shows before saving, one message each."""
    return [
        _("This would overlap %(other)s (%(why)s).") % {"other": clash.other, "why": clash.label}
        for clash in clashes
    ]


def _change_session(
    request, session, changes: dict, *, version: int, following: bool, confirm_clashes: bool
):
    """The page's change form, filled with the session's values and the changes sent;
    the clashes it would make are refused until ``confirm_clashes``."""
    scope = ChangeForm.FOLLOWING if following else ChangeForm.ONE
    values = {name: getattr(session, name) for name in ("date", "start_time", "end_time", "room")}
    values["leader_id"] = session.leader_id
    form = _valid(
        ChangeForm(
            _form_data({**values, **changes, "version": version, "scope": scope}),
            session=session,
        )
    )
    values = dict(form.cleaned_data)
    following = values.pop("scope", ChangeForm.ONE) == ChangeForm.FOLLOWING
    if not confirm_clashes:
        clashes = planning.change_clashes(session=session, following=following, **values)
        _confirm(_clash_messages(clashes), field="confirm_clashes")
    with _rules_apply():
        planning.change_session(session=session, by=request.user, following=following, **values)


@workshops.patch("/sessions/{pk}", response=writes(schemas.Session))
def session_update(request, pk: Id, body: schemas.SessionChange):
    """Change a session as the page does (its date, times, room, leader; with
    ``following``, the later sessions of its series too), or cancel it with its reason;
    the ``version`` read must still be the stored one (409 otherwise)."""
    session = get_object_for(
        request,
        Session.objects.select_related("series"),
        capability=Capability.MANAGE_PROGRAMME,
        pk=pk,
    )
    sent = body.model_dump(exclude_unset=True, exclude={"version", "following", "confirm_clashes"})
    cancelling = sent.pop("cancelled", None) and not session.cancelled
    cancel_reason = sent.pop("cancel_reason", None)
    with transaction.atomic():
        if sent:
            _change_session(
                request,
                session,
                sent,
                version=body.version,
                following=body.following,
                confirm_clashes=body.confirm_clashes,
            )
        if cancelling:
            # After a change in the same request, the version it moved to.
            version = session.version if sent else body.version
            form = _valid(
                CancelForm({"cancel_reason": cancel_reason, "version": version}, session=session)
            )
            with _rules_apply():
                planning.cancel_session(
                    session=session,
                    by=request.user,
                    reason=form.cleaned_data["cancel_reason"],
                    version=form.cleaned_data["version"],
                )
    return _session(SESSIONS.get(pk=pk))


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
    marks = _on_days(_visible_marks(request.user), date_from, date_to, day="session__date")
    if group:
        marks = marks.filter(session__groups__id=group)
    if session:
        marks = marks.filter(session_id=session)
    return _listed(
        request,
        marks,
        capability=Capability.VIEW_PROGRAMME,
        cursor=cursor,
        limit=limit,
        item=_mark,
    )


@attendance.get("/attendance-marks/{pk}", response=reads(schemas.AttendanceMark))
def mark_detail(request, pk: Id):
    return _mark(
        _one(request, _visible_marks(request.user), capability=Capability.VIEW_PROGRAMME, pk=pk)
    )


@attendance.put("/sessions/{pk}/marks/{participant_pk}", response=writes(schemas.AttendanceMark))
def mark_set(request, pk: Id, participant_pk: Id, body: schemas.MarkSet):
    """Mark a person expected at the session, as the register does (the coordinator and
    workshop leaders): refused for a cancelled session or a validated register. With a
    ``reason``, the coordinator's correction, which a validated register still takes."""
    capability = Capability.MANAGE_ORGANISATION if body.reason else Capability.TAKE_ATTENDANCE
    session = get_object_for(request, visible_sessions(request.user), capability=capability, pk=pk)
    participant = get_object_or_404(expected_participants(session), pk=participant_pk)
    with _rules_apply():
        if body.reason:
            form = _valid(CorrectionForm(body.model_dump()))
            attendance_services.attendance_correct(
                session=session, participant=participant, by=request.user, **form.cleaned_data
            )
        else:
            attendance_services.attendance_mark(
                session=session, participant=participant, status=body.status, by=request.user
            )
    return _mark(Attendance.objects.get(session=session, participant=participant))


def _register(session) -> dict:
    counts = register_counts(session)
    return {
        "session_id": session.pk,
        "validated": session.register_validated_at is not None,
        "validated_at": session.register_validated_at,
        "present": counts.present,
        "late": counts.late,
        "excused": counts.excused,
        "absent": counts.absent,
        "unmarked": counts.unmarked,
        "total": counts.total,
    }


@attendance.get("/sessions/{pk}/register", response=reads(schemas.Register))
def register_summary(request, pk: Id):
    """The register's summary, as its validation page shows it before validating."""
    session = get_object_for(
        request, visible_sessions(request.user), capability=Capability.TAKE_ATTENDANCE, pk=pk
    )
    return _register(session)


@attendance.post("/sessions/{pk}/register/validation", response=writes(schemas.Register))
def register_validate(request, pk: Id):
    """Validate the register, as its page does (the coordinator and workshop leaders):
    every expected person must have a mark; a cancelled session has no register. Then
    only the coordinator's correction changes a mark."""
    session = get_object_for(
        request, visible_sessions(request.user), capability=Capability.TAKE_ATTENDANCE, pk=pk
    )
    with _rules_apply():
        attendance_services.register_validate(session=session, by=request.user)
    return _register(session)
