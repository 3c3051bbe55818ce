"""Reads of the retention queue: the last activity of each person, computed in the
database, and the files past the organisation's retention period."""

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db.models import DateField, Exists, Max, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, NullIf, TruncDate

from parcours.accounts.models import Organisation
from parcours.assessments.models import Assessment
from parcours.attendance.models import Attendance
from parcours.participants.models import Consent, Intervention, LiteracyTest, Participant
from parcours.privacy.models import RetentionPolicy
from parcours.programme.models import Enrolment, ExitFollowUp

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class LastActivity(TypedDict):
    last_activity: datetime.date


# A participant with its ``last_activity``.
type WithLastActivity = WithAnnotations[Participant, LastActivity]

# Every dated trace of the person in the programme: (records, path to the participant,
# date field). A new kind of record about a person belongs here, or a file could be
# anonymised while it is still in use.
ACTIVITY_DATES: tuple[tuple[type[Model], str, str], ...] = (
    (Enrolment, "participant", "start_date"),
    (Enrolment, "participant", "exit_date"),
    (Attendance, "participant", "session__date"),
    (Intervention, "participant", "date"),
    (LiteracyTest, "participant", "date"),
    (Consent, "participant", "given_on"),
    (Consent, "participant", "withdrawn_on"),
    (Assessment, "enrolment__participant", "date"),
    (ExitFollowUp, "enrolment__participant", "recorded_on"),
)


# Earlier than any record: stands for "no date" inside GREATEST.
NO_DATE = datetime.date(1, 1, 1)


def _latest(model: type[Model], path: str, date_field: str) -> Subquery:
    """The person's latest ``date_field`` among ``model``'s records (a grouped MAX)."""
    return Subquery(
        model._default_manager.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(latest=Max(date_field))
        .values("latest")[:1],
        output_field=DateField(),
    )


def with_last_activity(
    participants: QuerySet[Participant],
) -> QuerySet[WithLastActivity]:
    """Annotate ``last_activity``: the latest date of any record about the person, or the
    day the file was opened when there is none (a candidate who never came). One
    correlated subquery per kind of record, no Python loop.

    Each date is coalesced with a day before any record because SQLite's GREATEST is
    null as soon as one argument is (PostgreSQL's skips nulls): both then agree."""
    latest = Greatest(
        *(
            Coalesce(_latest(model, path, field), Value(NO_DATE), output_field=DateField())
            for model, path, field in ACTIVITY_DATES
        ),
        output_field=DateField(),
    )
    return participants.annotate(
        last_activity=Coalesce(
            NullIf(latest, Value(NO_DATE)), TruncDate("created_at"), output_field=DateField()
        )
    )


def retention_policy_for(organisation: Organisation) -> RetentionPolicy:
    """The organisation's policy, or the default one (not saved) when none was set."""
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return policy or RetentionPolicy(organisation=organisation)


def files_due(
    organisation: Organisation, *, inactive_before: datetime.date
) -> QuerySet[WithLastActivity]:
    """Files not yet anonymised whose last activity came before ``inactive_before``, with
    their ``last_activity``, the oldest first. A file with an open enrolment is never
    due, however old its last trace: the person is still in a group."""
    open_enrolments = Enrolment.objects.filter(participant=OuterRef("pk"), exit_date__isnull=True)
    return (
        with_last_activity(
            Participant.objects.filter(organisation=organisation, anonymised_on__isnull=True)
        )
        .filter(~Exists(open_enrolments), last_activity__lt=inactive_before)
        .order_by("last_activity", "pk")
    )
