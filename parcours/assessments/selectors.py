"""Reads on assessments and action plans: what is due, what is late, the participant's
own answers beside the social assessment (drawn by ``assessments.charts``).

Each selector narrows to the user's organisation, and for a social worker to the
participants they follow; it reads in a fixed number of queries whatever the numbers.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from parcours.accounts.access import Capability, user_can
from parcours.accounts.enums import Role
from parcours.accounts.http import AuthenticatedRequest
from parcours.accounts.models import User
from parcours.assessments.enums import Moment
from parcours.assessments.models import Action, Assessment, SelfRating
from parcours.assessments.progress import MOMENTS, DomainJourney
from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.sealing import open_events
from parcours.core.shortlists import Lines
from parcours.programme.models import Enrolment, Group

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler
    from django.db.models.sql.compiler import _AsSqlType as SqlAndParams

    # For the annotations only: the participants' app builds on the assessments'.
    from parcours.participants.models import Participant


def enrolment_for(request: AuthenticatedRequest, enrolment_pk: int) -> Enrolment:
    """The enrolment, if it belongs to the user's organisation; 404 otherwise."""
    return get_object_or_404(
        Enrolment.objects.select_related("participant", "group"),
        pk=enrolment_pk,
        group__organisation_id=request.user.organisation_id,
    )


ASSESSMENT_NAMES: dict[str, Promise] = {
    Moment.ENTRY: gettext_lazy("Entry assessment"),
    Moment.MIDDLE: gettext_lazy("Mid-way assessment"),
    Moment.END: gettext_lazy("End assessment"),
}


def _followed_by[M: Model](
    user: User, queryset: QuerySet[M], *, participant_path: str
) -> QuerySet[M]:
    """The rows of the user's organisation; a social worker only gets the participants
    they follow, the coordinator all of them, the other roles none."""
    if not user_can(user, Capability.MANAGE_PARTICIPANTS):
        return queryset.none()
    queryset = queryset.filter(**{f"{participant_path}__organisation_id": user.organisation_id})
    if user.role == Role.SOCIAL_WORKER:
        queryset = queryset.filter(**{f"{participant_path}__social_worker": user})
    return queryset


@dataclass(frozen=True)
class DueAssessment:
    enrolment: Enrolment
    moment: str
    due_date: datetime.date
    overdue: bool

    @property
    def participant(self) -> "Participant":
        return self.enrolment.participant

    @property
    def group(self) -> Group:
        return self.enrolment.group

    @property
    def moment_label(self) -> str:
        return str(Moment(self.moment).label)

    @property
    def name(self) -> str:
        """ "Entry assessment", "Mid-way assessment", "End assessment"."""
        return str(ASSESSMENT_NAMES[self.moment])


def due_date_of(enrolment: Enrolment, moment: str) -> datetime.date:
    """Entry at the enrolment's start, middle at the group's middle, end at the group's
    end. Someone who joins a group late (an extension) is not due before they start."""
    if moment == Moment.ENTRY:
        return enrolment.start_date
    due = enrolment.group.mid_date if moment == Moment.MIDDLE else enrolment.group.end_date
    return max(due, enrolment.start_date)


class _MidDate(Func):
    """The middle of a group in SQL, as ``Group.mid_date``: the start plus half the
    days, rounded down."""

    output_field = DateField()
    arity = 2

    def as_postgresql(
        self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> "SqlAndParams":
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        sql = f"({start_sql} + ({end_sql} - {start_sql}) / 2)"
        return sql, (*start_params, *end_params, *start_params)

    def as_sqlite(
        self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> "SqlAndParams":
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        days = f"CAST((julianday({end_sql}) - julianday({start_sql})) / 2 AS INTEGER)"
        sql = f"date({start_sql}, '+' || {days} || ' days')"
        return sql, (*start_params, *end_params, *start_params)


def _due_on(moment: str) -> F | Greatest:
    """The SQL of ``due_date_of`` for one moment, on an enrolment."""
    if moment == Moment.ENTRY:
        return F("start_date")
    due = (
        _MidDate("group__start_date", "group__end_date")
        if moment == Moment.MIDDLE
        else F("group__end_date")
    )
    return Greatest(due, F("start_date"), output_field=DateField())


def due_assessments(
    user: User, *, today: datetime.date, horizon_days: int = 14
) -> Lines[DueAssessment]:
    """The assessments of open enrolments not done yet and due within ``horizon_days``
    or overdue, soonest first (then by name and moment). Found, ordered and counted by
    the database: one query of the enrolments for each moment, joined (the dashboard
    counts the union in the same query); the lines shown are then read by their
    enrolments, with their participant and group, in one more query."""
    horizon = today + datetime.timedelta(days=horizon_days)
    enrolments = _followed_by(user, Enrolment.objects.open(), participant_path="participant")
    # None (a user of no CPAS) matches nothing, and _followed_by has already kept no one.
    enrolments = enrolments.filter(group__organisation_id=user.organisation_id)  # type: ignore[misc]
    parts = [
        enrolments.annotate(
            moment_order=Value(order, output_field=IntegerField()),
            due_on=_due_on(moment),
            last_name=F("participant__last_name"),
            first_name=F("participant__first_name"),
        )
        .filter(due_on__lte=horizon)
        .exclude(Exists(Assessment.objects.filter(enrolment=OuterRef("pk"), moment=moment)))
        .values("pk", "moment_order", "due_on", "last_name", "first_name")
        .order_by()
        for order, moment in enumerate(MOMENTS)
    ]
    due = (
        parts[0]
        .union(*parts[1:], all=True)
        .order_by("due_on", "last_name", "first_name", "moment_order", "pk")
    )

    def lines(rows: list[dict[str, Any]]) -> list[DueAssessment]:
        read = Enrolment.objects.select_related("participant", "group").in_bulk(
            [row["pk"] for row in rows]
        )
        shown = []
        for row in rows:
            enrolment, moment = read[row["pk"]], MOMENTS[row["moment_order"]]
            due_date = due_date_of(enrolment, moment)
            shown.append(DueAssessment(enrolment, moment, due_date, due_date < today))
        return shown

    return Lines(due, lines)


def overdue_actions(user: User, *, today: datetime.date) -> QuerySet[Action]:
    """The open actions of open enrolments whose due date is past, oldest first: a
    queryset, that the dashboard counts and slices in the database. Once the person has
    left the programme, the plan is closed with them."""
    return (
        _followed_by(user, Action.objects.overdue(today), participant_path="enrolment__participant")
        .filter(enrolment__exit_date__isnull=True)
        .select_related("enrolment__participant", "enrolment__group")
        .order_by("due_date", "enrolment__participant__last_name", "id")
    )


@dataclass(frozen=True)
class SideBySide:
    domain: str
    label: str
    staff: int | None  # the social assessment's rating; None: not concerned or not done
    own: int | None  # the participant's; None: skipped or not reached
    answered: bool  # False: the participant did not get to this domain


@dataclass(frozen=True)
class SelfAssessmentBeside:
    moment: str
    name: str
    date: datetime.date
    rows: list[SideBySide]


def self_assessment_beside(
    enrolment: Enrolment, journey: list[DomainJourney], *, moment: str | None = None
) -> SelfAssessmentBeside | None:
    """The participant's own answers at one moment beside the social assessment's
    ratings of the same moment (``journey``: enrolment_journey); ``charts.beside_chart``
    draws them. In one query; None without a self-assessment (at ``moment``, when
    given)."""
    answers: dict[tuple[str, str], int | None] = {}
    dates: dict[str, datetime.date] = {}
    for row in SelfRating.objects.filter(self_assessment__enrolment=enrolment).values(
        "self_assessment__moment", "self_assessment__date", "domain", "rating"
    ):
        answers[(row["self_assessment__moment"], row["domain"])] = row["rating"]
        dates[row["self_assessment__moment"]] = row["self_assessment__date"]
    if moment is None:
        moment = next((m for m in reversed(MOMENTS) if m in dates), None)
    if moment not in dates:
        return None
    rows = [
        SideBySide(
            domain=row.domain,
            label=row.label,
            staff=row.ratings[moment],
            own=answers.get((moment, row.domain)),
            answered=(moment, row.domain) in answers,
        )
        for row in journey
    ]
    return SelfAssessmentBeside(moment, str(ASSESSMENT_NAMES[moment]), dates[moment], rows)


def last_saved_by(assessment: Assessment) -> User | None:
    """Who made the latest change to the assessment or its ratings, from the audit trail
    (``author`` stays the person who created it); the author when the trail says nothing.
    The ratings are expected prefetched."""
    rating_ids = [str(row.pk) for row in assessment.ratings.all()]
    event = (
        AuditEvent.objects.filter(
            organisation_id=assessment.enrolment.group.organisation_id,
            action__in=[AuditAction.CREATE, AuditAction.UPDATE],
        )
        .filter(
            Q(record_type="assessments.assessment", record_id=str(assessment.pk))
            | Q(record_type="assessments.domainrating", record_id__in=rating_ids)
        )
        .select_related("actor")
        .first()
    )
    return event.actor if event is not None and event.actor is not None else assessment.author


@dataclass(frozen=True)
class Review:
    """An action looked at again at an assessment, and the status it was given there."""

    assessment_id: int
    status: str


def action_reviews(actions: Iterable[Action], *, organisation_id: int) -> dict[int, list[Review]]:
    """Each action's reviews, oldest first, from the audit trail: a review is the change
    that gave the action another ``reviewed_at`` assessment (``services.action_review``),
    with the status the action had once that change was made. The action keeps only its
    last review; the trail keeps them all. Two queries whatever the number of actions (the
    rows, then the participants' keys that unseal them)."""
    actions = list(actions)
    events = list(
        AuditEvent.objects.filter(
            organisation_id=organisation_id,
            record_type="assessments.action",
            record_id__in=[str(action.pk) for action in actions],
            action__in=[AuditAction.CREATE, AuditAction.UPDATE],
        ).order_by("sequence")
    )
    open_events(events)
    reviews: dict[int, list[Review]] = {action.pk: [] for action in actions}
    state: dict[int, dict[str, Any]] = {}
    for event in events:
        changes = event.plain_changes
        current = state.setdefault(int(event.record_id), {})
        current.update({name: change["after"] for name, change in changes.items()})
        reviewed = changes.get("reviewed_at_id")
        if reviewed and reviewed["after"] is not None:
            reviews[int(event.record_id)].append(
                Review(assessment_id=reviewed["after"], status=current.get("status", ""))
            )
    return reviews
