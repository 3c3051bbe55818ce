"""The API's casework: social assessments with their ratings, the action plan, and the
interventions of the individual work.

Read by casework roles only (``Capability.VIEW_SOCIAL_DATA``), about the participants
they see (``visible_participants``), as the participant's file shows them; a workshop
leader gets 403, as the file page shows them none of it. Written as the pages write
(``Capability.MANAGE_PARTICIPANTS``), through the pages' forms and services: the same
checks and messages, the same audit rows, the same version checks (409 when stale)."""

from typing import Annotated

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from parcours.accounts.access import Capability, check
from parcours.api import casework_schemas as schemas
from parcours.api.errors import ApiProblem
from parcours.api.idempotency import idempotent_create
from parcours.api.pagination import DEFAULT_LIMIT, paginate
from parcours.api.resources import (
    ERRORS,
    MAX_ID,
    Cursor,
    DateFrom,
    DateTo,
    GroupFilter,
    Id,
    Limit,
    _page,
    reads,
)
from parcours.api.schemas import Problem
from parcours.assessments import services as assessment_services
from parcours.assessments.enums import ActionStatus, Moment
from parcours.assessments.forms import NOT_CONCERNED, ActionForm, AssessmentForm
from parcours.assessments.models import Action, Assessment
from parcours.assessments.selectors import action_reviews, enrolment_for
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.audit.versions import StaleVersion
from parcours.core.domains import Domain
from parcours.participants import services as participant_services
from parcours.participants.forms import InterventionForm, LiteracyTestForm
from parcours.participants.models import Intervention, LiteracyTest
from parcours.participants.selectors import participant_for, visible_participants
from parcours.programme.models import Enrolment

casework = Router(tags=["casework"])

WRITES = {**ERRORS, 409: Problem}

ParticipantFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only what concerns this participant.")
]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]

DOMAIN_ORDER = {domain: index for index, domain in enumerate(Domain.values)}


def _casework_enrolments(user):
    """The enrolments of the participants the user sees, in groups of their
    organisation."""
    return Enrolment.objects.filter(
        participant__in=visible_participants(user), group__organisation_id=user.organisation_id
    )


def _in_dates(queryset, date_from, date_to, *, field: str):
    if date_from:
        queryset = queryset.filter(**{f"{field}__gte": date_from})
    if date_to:
        queryset = queryset.filter(**{f"{field}__lte": date_to})
    return queryset


def _invalid(errors) -> ApiProblem:
    return ApiProblem(422, "invalid-parameters", _("Some values are not valid."), errors=errors)


def _refused(form, location=lambda name: f"body.{name}") -> ApiProblem:
    """The form's own messages, each at the place of the body it is about."""
    return _invalid(
        [
            {"location": "body" if name == NON_FIELD_ERRORS else location(name), "message": m}
            for name, messages in form.errors.items()
            for m in messages
        ]
    )


def _filled(form_class, data: dict, **kwargs):
    """The page's form filled with the body's values; refused (422) with its messages."""
    form = form_class(data, **kwargs)
    if not form.is_valid():
        raise _refused(form)
    return form


def _enrolment_of_body(request, pk):
    """The enrolment a body names, as the assessment and action pages find it."""
    try:
        return enrolment_for(request, pk)
    except Http404:
        raise _invalid(
            [{"location": "body.enrolment_id", "message": _("There is no such enrolment.")}]
        ) from None


def _participant_to_change(request, pk):
    """The participant as the intervention pages reach it: an anonymised file may no
    longer be written to (403, with the pages' reason)."""
    try:
        return participant_for(request, pk)
    except Http404:
        raise _invalid(
            [{"location": "body.participant_id", "message": _("There is no such participant.")}]
        ) from None
    except PermissionDenied as refused:
        detail = str(refused) or _("Your role does not give access to this.")
        raise ApiProblem(403, "forbidden", detail) from None


# -- Assessments ----------------------------------------------------------------------------


def _assessments(user):
    return Assessment.objects.filter(enrolment__in=_casework_enrolments(user)).select_related(
        "enrolment__group"
    )


def _assessment(assessment) -> dict:
    ratings = sorted(assessment.ratings.all(), key=lambda row: DOMAIN_ORDER[row.domain])
    return {
        "id": assessment.pk,
        "enrolment_id": assessment.enrolment_id,
        "participant_id": assessment.enrolment.participant_id,
        "group_id": assessment.enrolment.group_id,
        "moment": assessment.moment,
        "date": assessment.date,
        "duration_minutes": assessment.duration_minutes,
        "overall_note": assessment.overall_note,
        "author_id": assessment.author_id,
        "version": assessment.version,
        "ratings": [
            {"domain": row.domain, "rating": row.rating, "comment": row.comment} for row in ratings
        ],
    }


def _assessment_answer(user, pk) -> dict:
    saved = _assessments(user).prefetch_related("ratings").get(pk=pk)
    return schemas.Assessment(**_assessment(saved)).model_dump(mode="json")


def _assessment_location(name: str) -> str:
    for kind in ("rating", "comment"):
        if name.startswith(f"{kind}_"):
            return f"body.ratings.{name.removeprefix(f'{kind}_')}.{kind}"
    if name.startswith("review_"):
        return f"body.reviews.{name.removeprefix('review_')}.status"
    return f"body.{name}"


def _rating_data(ratings) -> dict:
    """The assessment form's fields of the ratings sent: each domain once."""
    data = {}
    for row in ratings:
        domain = Domain(row.domain).value
        if f"rating_{domain}" in data:
            raise _invalid(
                [{"location": "body.ratings", "message": _("Each domain is rated only once.")}]
            )
        data[f"rating_{domain}"] = NOT_CONCERNED if row.rating is None else str(row.rating)
        data[f"comment_{domain}"] = row.comment
    return data


def _review_data(reviews, actions) -> dict:
    """The assessment form's fields of the reviews sent: each of an open action of the
    enrolment (those the page lists), once. The status sent is the one recorded."""
    open_ids = {action.pk for action in actions}
    data = {}
    for review in reviews:
        if review.action_id not in open_ids or f"review_{review.action_id}" in data:
            message = _("Each review is of an open action of this enrolment, once.")
            raise _invalid([{"location": "body.reviews", "message": message}])
        data[f"review_{review.action_id}"] = ActionStatus(review.status).value
    return data


def _valid_assessment_form(data: dict, reviews, *, enrolment, assessment=None):
    """The assessment form of the page, with the open actions it reviews."""
    actions = list(Action.objects.open().filter(enrolment=enrolment).order_by("due_date", "id"))
    form = AssessmentForm(
        {
            **{name: "" if value is None else value for name, value in data.items()},
            **_review_data(reviews, actions),
        },
        actions=actions,
        assessment=assessment,
    )
    if not form.is_valid():
        raise _refused(form, _assessment_location)
    return form


@transaction.atomic
def _saved_assessment(form, *, enrolment, moment, by, version):
    """Save as the page saves: the assessment, its ratings, then the actions reviewed."""
    saved = assessment_services.assessment_save(
        enrolment=enrolment,
        moment=moment,
        date=form.cleaned_data["date"],
        duration_minutes=form.cleaned_data["duration_minutes"],
        overall_note=form.cleaned_data["overall_note"].strip(),
        ratings=form.ratings(),
        by=by,
        version=version,
    )
    for action, status in form.reviews():
        assessment_services.action_review(action=action, status=status, assessment=saved, by=by)
    return saved


@casework.get("/assessments", response=reads(schemas.AssessmentPage))
def assessment_list(
    request,
    participant: ParticipantFilter = None,
    group: GroupFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The social assessments of the participants the user sees, with their ratings,
    dated within the dates. Casework roles only."""
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    assessments = _in_dates(_assessments(request.user), date_from, date_to, field="date")
    if participant:
        assessments = assessments.filter(enrolment__participant_id=participant)
    if group:
        assessments = assessments.filter(enrolment__group_id=group)
    return _page(assessments.prefetch_related("ratings"), cursor, limit, _assessment)


@casework.get("/assessments/{pk}", response=reads(schemas.Assessment))
def assessment_detail(request, pk: Id):
    """One assessment; reading it is traced as the assessment page's opening is."""
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    assessment = get_object_or_404(_assessments(request.user).prefetch_related("ratings"), pk=pk)
    record_opened(obj=assessment.enrolment, by=request.user, purpose=AuditPurpose.CONSULTATION)
    return _assessment(assessment)


@casework.post("/assessments", response={201: schemas.Assessment, **WRITES})
def assessment_create(
    request, body: schemas.AssessmentCreate, idempotency_key: IdempotencyKey = None
):
    """Record the assessment of an enrolment at a moment, as the assessment page does:
    the seven domains, each rated from 1 to 5 or not concerned, and the open actions
    reviewed (``reviews``). One a moment: a second one is refused (change the first with
    PATCH)."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)

    def create():
        enrolment = _enrolment_of_body(request, body.enrolment_id)
        values = body.model_dump(mode="json", include={"date", "duration_minutes", "overall_note"})
        form = _valid_assessment_form(
            {**values, **_rating_data(body.ratings)}, body.reviews, enrolment=enrolment
        )
        moment = Moment(body.moment).value
        once = Assessment(enrolment=enrolment, moment=moment)
        once.validate_constraints()
        try:
            with transaction.atomic():
                saved = _saved_assessment(
                    form, enrolment=enrolment, moment=moment, by=request.user, version=None
                )
        except (IntegrityError, assessment_services.StaleAssessment):
            # Created by someone else meanwhile: refused as if it had been there before.
            once.validate_constraints()
            raise
        return 201, _assessment_answer(request.user, saved.pk)

    status, answer = idempotent_create(request, idempotency_key, create)
    return Status(status, answer)


@casework.patch("/assessments/{pk}", response={200: schemas.Assessment, **WRITES})
def assessment_update(request, pk: Id, body: schemas.AssessmentChange):
    """Change an assessment as the page does; ``ratings`` names the domains to change.
    The ``version`` read must still be the stored one (409 otherwise)."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)
    assessment = get_object_or_404(_assessments(request.user).prefetch_related("ratings"), pk=pk)
    data = AssessmentForm.initial_from(assessment)
    data.update(
        body.model_dump(
            mode="json",
            include={"date", "duration_minutes", "overall_note"},
            exclude_unset=True,
        )
    )
    if body.ratings is not None:
        data.update(_rating_data(body.ratings))
    data["version"] = body.version
    form = _valid_assessment_form(
        data, body.reviews, enrolment=assessment.enrolment, assessment=assessment
    )
    try:
        _saved_assessment(
            form,
            enrolment=assessment.enrolment,
            moment=assessment.moment,
            by=request.user,
            version=form.cleaned_data["version"],
        )
    except assessment_services.StaleAssessment as stale:
        raise StaleVersion(stale.current) from None
    return _assessment_answer(request.user, assessment.pk)


# -- Actions --------------------------------------------------------------------------------


def _actions(user):
    return Action.objects.filter(enrolment__in=_casework_enrolments(user)).select_related(
        "enrolment__group"
    )


def _actions_read(user, actions) -> list[dict]:
    """The actions as read, each with its reviews (two queries more for all of them)."""
    reviews = action_reviews(actions, organisation_id=user.organisation_id)
    return [_action(action, reviews[action.pk]) for action in actions]


def _action_read(user, action) -> dict:
    return _actions_read(user, [action])[0]


def _action(action, reviews) -> dict:
    return {
        "id": action.pk,
        "enrolment_id": action.enrolment_id,
        "participant_id": action.enrolment.participant_id,
        "group_id": action.enrolment.group_id,
        "domain": action.domain,
        "description": action.description,
        "own_words": action.own_words,
        "responsible": action.responsible,
        "due_date": action.due_date,
        "status": action.status,
        "agreed_at_id": action.agreed_at_id,
        "reviewed_at_id": action.reviewed_at_id,
        "reviews": [
            {"assessment_id": review.assessment_id, "status": review.status} for review in reviews
        ],
        "version": action.version,
    }


@casework.get("/actions", response=reads(schemas.ActionPage))
def action_list(
    request,
    participant: ParticipantFilter = None,
    group: GroupFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The action plans of the participants the user sees, due within the dates.
    Casework roles only."""
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    actions = _in_dates(_actions(request.user), date_from, date_to, field="due_date")
    if participant:
        actions = actions.filter(enrolment__participant_id=participant)
    if group:
        actions = actions.filter(enrolment__group_id=group)
    rows, next_cursor = paginate(actions, cursor=cursor, limit=limit)
    return {"items": _actions_read(request.user, rows), "next_cursor": next_cursor}


@casework.get("/actions/{pk}", response=reads(schemas.Action))
def action_detail(request, pk: Id):
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    return _action_read(request.user, get_object_or_404(_actions(request.user), pk=pk))


@casework.post("/actions", response={201: schemas.Action, **WRITES})
def action_create(request, body: schemas.ActionCreate, idempotency_key: IdempotencyKey = None):
    """Add an action to an enrolment's plan, as the action page does; it starts
    planned."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)

    def create():
        enrolment = _enrolment_of_body(request, body.enrolment_id)
        form = _filled(
            ActionForm,
            body.model_dump(mode="json", exclude={"enrolment_id", "agreed_at_id"}),
            creating=True,
        )
        agreed_at = None
        if body.agreed_at_id is not None:
            agreed_at = Assessment.objects.filter(enrolment=enrolment, pk=body.agreed_at_id).first()
            if agreed_at is None:
                raise _invalid(
                    [
                        {
                            "location": "body.agreed_at_id",
                            "message": _("This enrolment has no such assessment."),
                        }
                    ]
                )
        action = assessment_services.action_create(
            enrolment=enrolment, by=request.user, agreed_at=agreed_at, **form.values()
        )
        answer = _action_read(request.user, action)
        return 201, schemas.Action(**answer).model_dump(mode="json")

    status, answer = idempotent_create(request, idempotency_key, create)
    return Status(status, answer)


@casework.patch("/actions/{pk}", response={200: schemas.Action, **WRITES})
def action_update(request, pk: Id, body: schemas.ActionChange):
    """Change an action (its status too) as the page does; the ``version`` read must
    still be the stored one (409 otherwise)."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)
    action = get_object_or_404(_actions(request.user), pk=pk)
    data = {
        "domain": action.domain,
        "description": action.description,
        "own_words": action.own_words,
        "responsible": action.responsible,
        "due_date": action.due_date.isoformat(),
        "status": action.status,
        **body.model_dump(mode="json", exclude_unset=True),
    }
    form = _filled(ActionForm, data, instance=action, creating=False)
    assessment_services.action_update(action=action, by=request.user, **form.values())
    return _action_read(request.user, _actions(request.user).get(pk=action.pk))


# -- Interventions --------------------------------------------------------------------------


def _interventions(user):
    return Intervention.objects.filter(participant__in=visible_participants(user))


def _intervention(intervention) -> dict:
    return {
        "id": intervention.pk,
        "participant_id": intervention.participant_id,
        "date": intervention.date,
        "duration_minutes": intervention.duration_minutes,
        "kind": intervention.kind,
        "domains": sorted(
            (row.domain for row in intervention.domains.all()), key=DOMAIN_ORDER.__getitem__
        ),
        "notes": intervention.notes,
        "author_id": intervention.author_id,
        "version": intervention.version,
    }


def _intervention_answer(user, pk) -> dict:
    saved = _interventions(user).prefetch_related("domains").get(pk=pk)
    return schemas.Intervention(**_intervention(saved)).model_dump(mode="json")


@casework.get("/interventions", response=reads(schemas.InterventionPage))
def intervention_list(
    request,
    participant: ParticipantFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The interventions with the participants the user sees, dated within the dates;
    casework roles only, as the file shows them (notes included)."""
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    interventions = _in_dates(_interventions(request.user), date_from, date_to, field="date")
    if participant:
        interventions = interventions.filter(participant_id=participant)
    return _page(interventions.prefetch_related("domains"), cursor, limit, _intervention)


@casework.get("/interventions/{pk}", response=reads(schemas.Intervention))
def intervention_detail(request, pk: Id):
    """One intervention; reading it is traced as its page's opening is."""
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    intervention = get_object_or_404(
        _interventions(request.user).select_related("participant").prefetch_related("domains"),
        pk=pk,
    )
    record_opened(obj=intervention, by=request.user, purpose=AuditPurpose.CONSULTATION)
    return _intervention(intervention)


@casework.post("/interventions", response={201: schemas.Intervention, **WRITES})
def intervention_create(
    request, body: schemas.InterventionCreate, idempotency_key: IdempotencyKey = None
):
    """Record an intervention with a participant, as the page does."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)

    def create():
        participant = _participant_to_change(request, body.participant_id)
        form = _filled(InterventionForm, body.model_dump(mode="json", exclude={"participant_id"}))
        intervention = participant_services.intervention_create(
            participant=participant, by=request.user, **form.values()
        )
        return 201, _intervention_answer(request.user, intervention.pk)

    status, answer = idempotent_create(request, idempotency_key, create)
    return Status(status, answer)


@casework.patch("/interventions/{pk}", response={200: schemas.Intervention, **WRITES})
def intervention_update(request, pk: Id, body: schemas.InterventionChange):
    """Change an intervention as the page does; the ``version`` read must still be the
    stored one (409 otherwise)."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)
    intervention = get_object_or_404(_interventions(request.user), pk=pk)
    _participant_to_change(request, intervention.participant_id)
    data = {
        "date": intervention.date.isoformat(),
        "duration_minutes": intervention.duration_minutes,
        "kind": intervention.kind,
        "notes": intervention.notes,
        "domains": [row.domain for row in intervention.domains.all()],
        **body.model_dump(mode="json", exclude_unset=True),
    }
    form = _filled(InterventionForm, data, instance=intervention)
    participant_services.intervention_update(
        intervention=intervention, by=request.user, **form.values()
    )
    return _intervention_answer(request.user, intervention.pk)


# -- Literacy positioning tests -------------------------------------------------------------


def _literacy_tests(user):
    return LiteracyTest.objects.filter(participant__in=visible_participants(user))


def _literacy_test(test) -> dict:
    return {
        "id": test.pk,
        "participant_id": test.participant_id,
        "date": test.date,
        "duration_minutes": test.duration_minutes,
        "examiner_id": test.examiner_id,
        **{skill: getattr(test, skill) for skill in LiteracyTest.SKILLS},
        "orientation": test.orientation,
        "comment": test.comment,
    }


@casework.get("/literacy-tests", response=reads(schemas.LiteracyTestPage))
def literacy_test_list(
    request,
    participant: ParticipantFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The positioning tests of the participants the user sees, dated within the dates;
    casework roles only, as the file shows them."""
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    tests = _in_dates(_literacy_tests(request.user), date_from, date_to, field="date")
    if participant:
        tests = tests.filter(participant_id=participant)
    return _page(tests, cursor, limit, _literacy_test)


@casework.get("/literacy-tests/{pk}", response=reads(schemas.LiteracyTest))
def literacy_test_detail(request, pk: Id):
    check(request.user, Capability.VIEW_SOCIAL_DATA)
    return _literacy_test(get_object_or_404(_literacy_tests(request.user), pk=pk))


@casework.post("/literacy-tests", response={201: schemas.LiteracyTest, **WRITES})
def literacy_test_create(
    request, body: schemas.LiteracyTestCreate, idempotency_key: IdempotencyKey = None
):
    """Record a positioning test, as the participant's page does (casework roles): the
    same form, the same service and audit row. The page has no change of a test, nor
    has the API."""
    check(request.user, Capability.MANAGE_PARTICIPANTS)

    def create():
        participant = _participant_to_change(request, body.participant_id)
        data = body.model_dump(mode="json", exclude={"participant_id", "examiner_id"})
        form = LiteracyTestForm(
            {**data, "examiner": body.examiner_id}, organisation=request.user.organisation
        )
        if not form.is_valid():
            raise _refused(
                form, lambda name: f"body.{'examiner_id' if name == 'examiner' else name}"
            )
        test = participant_services.literacy_test_record(
            participant=participant, by=request.user, **form.values()
        )
        answer = _literacy_test(_literacy_tests(request.user).get(pk=test.pk))
        return 201, schemas.LiteracyTest(**answer).model_dump(mode="json")

    status, answer = idempotent_create(request, idempotency_key, create)
    return Status(status, answer)
