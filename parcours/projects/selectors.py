"""Reads on individual projects: reaching one, its schedule of evaluations, what the
dashboard lists as due, and the objectives drawn from the entry assessment.

Each read narrows to the user's organisation (and, on the dashboard, a social worker to
the participants they follow) and takes a fixed number of queries whatever the numbers.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateField, Exists, Func, Max, Min, OuterRef, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, check, get_object_for, user_can
from parcours.accounts.enums import Role
from parcours.accounts.http import AuthenticatedRequest
from parcours.accounts.models import Organisation, User
from parcours.assessments.enums import Moment, Rating
from parcours.assessments.models import Action, DomainRating
from parcours.core.dates import add_months
from parcours.core.domains import Domain
from parcours.core.shortlists import Lines
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.projects.enums import EvaluationOutcome
from parcours.projects.models import (
    DEFAULT_EVALUATION_MONTHS,
    Evaluation,
    EvaluationInterval,
    Project,
    ProjectVersion,
)

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler
    from django.db.models.sql.compiler import _AsSqlType as SqlAndParams
    from django_stubs_ext import WithAnnotations

# A rating up to "fragile" is a problem the project takes on (as on the assessment page).
PROBLEM_RATING = Rating.FRAGILE


def _refuse_anonymised(participant: Participant, capability: Capability) -> None:
    if capability == Capability.MANAGE_PARTICIPANTS and participant.anonymised_on:
        raise PermissionDenied(_("This file has been anonymised: it can no longer be changed."))


def enrolment_for(
    request: AuthenticatedRequest, pk: int, *, capability: Capability = Capability.VIEW_SOCIAL_DATA
) -> Enrolment:
    """The enrolment ``pk`` of the user's organisation (404 otherwise, 403 by role); a
    write on an anonymised file is refused (403)."""
    check(request.user, capability)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("participant", "group"),
        pk=pk,
        group__organisation_id=request.user.organisation_id,
    )
    _refuse_anonymised(enrolment.participant, capability)
    return enrolment


def project_for(
    request: AuthenticatedRequest, pk: int, *, capability: Capability = Capability.VIEW_SOCIAL_DATA
) -> Project:
    """The project ``pk`` of the user's organisation, like ``enrolment_for``."""
    project: Project = get_object_for(
        request,
        Project.objects.select_related("participant", "enrolment__group"),
        capability=capability,
        pk=pk,
    )
    _refuse_anonymised(project.participant, capability)
    return project


def evaluation_months(organisation: Organisation | int) -> int:
    """The organisation's interval between evaluations, the default until it is set."""
    months = (
        EvaluationInterval.objects.filter(organisation=organisation)
        .values_list("months", flat=True)
        .first()
    )
    return months or DEFAULT_EVALUATION_MONTHS


def next_evaluation_due(
    *,
    first_signed_on: datetime.date | None,
    last_evaluation_on: datetime.date | None,
    months: int,
) -> datetime.date | None:
    """The first evaluation is due ``months`` after the first signature, each next one
    ``months`` after the latest evaluation held; None before any signature."""
    if first_signed_on is None:
        return None
    return add_months(last_evaluation_on or first_signed_on, months)


@dataclass(frozen=True)
class Schedule:
    first_signed_on: datetime.date | None
    last_evaluation_on: datetime.date | None
    ended: bool
    next_due: datetime.date | None
    months: int


def project_schedule(
    project: Project,
    versions: Iterable[ProjectVersion],
    evaluations: Iterable[Evaluation],
    *,
    months: int,
) -> Schedule:
    """The schedule of a project from its versions and evaluations already read. A
    project ended at an evaluation, or whose enrolment is over, has nothing more due."""
    signed = [version.signed_on for version in versions if version.signed_on]
    first_signed_on = min(signed, default=None)
    last_evaluation_on = max((evaluation.date for evaluation in evaluations), default=None)
    ended = any(evaluation.outcome == EvaluationOutcome.END for evaluation in evaluations)
    due = None
    if not ended and project.enrolment.exit_date is None:
        due = next_evaluation_due(
            first_signed_on=first_signed_on, last_evaluation_on=last_evaluation_on, months=months
        )
    return Schedule(first_signed_on, last_evaluation_on, ended, due, months)


def project_page_data(project: Project) -> dict[str, list[Any]]:
    """The versions (with their other parties) and the evaluations, in three queries."""
    versions = list(
        ProjectVersion.objects.filter(project=project)
        .select_related("social_worker", "created_by")
        .prefetch_related("other_parties")
        .order_by("number")
    )
    evaluations = list(
        Evaluation.objects.filter(project=project).select_related("author").order_by("date", "id")
    )
    rows: list[ProjectVersion | Evaluation] = [*versions, *evaluations]
    for row in rows:
        row.project = project  # already read, with its participant and enrolment
    return {"versions": versions, "evaluations": evaluations}


class DueOn(TypedDict):
    due_on: datetime.date  # of the next evaluation


@dataclass(frozen=True)
class DueEvaluation:
    project: Project
    due_date: datetime.date
    overdue: bool

    @property
    def participant(self) -> Participant:
        return self.project.participant

    @property
    def group(self) -> Group:
        return self.project.enrolment.group


class _AddMonths(Func):
    """``add_months`` in SQL: the same day ``months`` later, or the last day of that
    month when it is shorter."""

    output_field = DateField()
    arity = 1

    def __init__(self, day: Combinable | str, *, months: int) -> None:
        super().__init__(day)
        self.months = months

    def as_postgresql(
        self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> "SqlAndParams":
        day_sql, params = compiler.compile(self.source_expressions[0])
        # PostgreSQL's month arithmetic already stops at the month's last day.
        return f"CAST({day_sql} + make_interval(months => %s) AS date)", (*params, self.months)

    def as_sqlite(
        self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> "SqlAndParams":
        day_sql, params = compiler.compile(self.source_expressions[0])
        month_start = f"date({day_sql}, 'start of month', %s)"
        same_day = (
            f"date({month_start}, '+' || (CAST(strftime(%s, {day_sql}) AS INTEGER) - 1) || ' days')"
        )
        last_day = f"date({day_sql}, 'start of month', %s, '-1 day')"
        return f"MIN({same_day}, {last_day})", (
            *params, f"+{self.months} months", "%d", *params,
            *params, f"+{self.months + 1} months",
        )  # fmt: skip


def due_evaluations(
    user: User, *, today: datetime.date, horizon_days: int = 14
) -> Lines[DueEvaluation] | list[DueEvaluation]:
    """The signed projects of open enrolments whose next evaluation is due within
    ``horizon_days`` or overdue, soonest first: a social worker gets the participants
    they follow, the coordinator everyone, other roles nothing. The due dates are
    computed, filtered and ordered by the database, which counts the lines; only those
    shown are read."""
    organisation_id = user.organisation_id
    # (A user of no CPAS has no capability of casework: said again for the type checker.)
    if not user_can(user, Capability.MANAGE_PARTICIPANTS) or organisation_id is None:
        return []
    projects = Project.objects.filter(
        organisation_id=organisation_id, enrolment__exit_date__isnull=True
    )
    if user.role == Role.SOCIAL_WORKER:
        projects = projects.filter(participant__social_worker=user)
    signed = (
        ProjectVersion.objects.filter(project=OuterRef("pk"), signed_on__isnull=False)
        .order_by()
        .values("project")
        .annotate(first=Min("signed_on"))
        .values("first")
    )
    held = (
        Evaluation.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(last=Max("date"))
        .values("last")
    )
    ended = Evaluation.objects.filter(project=OuterRef("pk"), outcome=EvaluationOutcome.END)
    months = evaluation_months(organisation_id)
    horizon = today + datetime.timedelta(days=horizon_days)
    due = (
        projects.annotate(first_signed_on=Subquery(signed), last_evaluation_on=Subquery(held))
        .filter(first_signed_on__isnull=False)
        .exclude(Exists(ended))
        .annotate(
            due_on=_AddMonths(Coalesce("last_evaluation_on", "first_signed_on"), months=months)
        )
        .filter(due_on__lte=horizon)
        .select_related("participant", "enrolment__group")
        .order_by("due_on", "participant__last_name", "pk")
    )

    def lines(rows: "list[WithAnnotations[Project, DueOn]]") -> list[DueEvaluation]:
        return [DueEvaluation(row, row.due_on, row.due_on < today) for row in rows]

    return Lines(due, lines)


def _action_line(action: Action) -> str:
    return _("%(what)s (%(who)s, by %(when)s)") % {
        "what": action.description,
        "who": action.responsible,
        "when": date_format(action.due_date, "SHORT_DATE_FORMAT"),
    }


def objectives_from_plan(enrolment: Enrolment) -> str:
    """The objectives a new project starts from: each domain the entry assessment found
    fragile or worse, with its comment, and the actions of the plan under their domain.
    Two queries. The social worker edits the text with the participant."""
    ratings = {
        row.domain: row
        for row in DomainRating.objects.filter(
            assessment__enrolment=enrolment, assessment__moment=Moment.ENTRY
        )
    }
    actions: dict[str, list[Action]] = {}
    for action in Action.objects.open().filter(enrolment=enrolment).order_by("due_date", "id"):
        actions.setdefault(action.domain, []).append(action)
    blocks = []
    for domain, label in Domain.choices:
        rating = ratings.get(domain)
        # The entry's rating of the domain when it is a problem, else None.
        problem = (
            rating
            if rating is not None and rating.rating is not None and rating.rating <= PROBLEM_RATING
            else None
        )
        if problem is None and domain not in actions:
            continue
        head = str(label)
        if problem is not None:
            head += f" ({problem.get_rating_display()})"
            if problem.comment:
                head += f": {problem.comment}"
        lines = [head, *(f"- {_action_line(action)}" for action in actions.get(domain, []))]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def has_entry_assessment(enrolment: Enrolment) -> bool:
    return enrolment.assessments.filter(moment=Moment.ENTRY).exists()
