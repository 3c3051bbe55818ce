"""Writes on social assessments and action plans."""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import User
from parcours.assessments.models import (
    Action,
    Assessment,
    DomainRating,
    SelfAssessment,
    SelfRating,
)
from parcours.audit.services import create_record, update_record
from parcours.audit.versions import claim_version
from parcours.core.domains import Domain
from parcours.programme.models import Enrolment

# Each domain's rating (None: not concerned) and comment, as the form gives them.
type Ratings = Mapping[str, tuple[int | None, str]]


class StaleAssessment(Exception):
    """Someone else saved the assessment since it was opened: nothing was written."""

    def __init__(self, current: Assessment) -> None:
        super().__init__(_("Someone else saved this assessment in the meantime."))
        self.current = current


@transaction.atomic
def assessment_save(
    *,
    enrolment: Enrolment,
    moment: str,
    date: datetime.date,
    overall_note: str,
    ratings: Ratings,
    by: User,
    version: int | None = None,
    duration_minutes: int | None = None,
) -> Assessment:
    """Create the assessment of this moment, or update it if ``version`` is still the
    stored one. ``ratings`` maps each domain to (rating or None, comment);
    ``duration_minutes`` None means the time it took is not recorded."""
    existing = Assessment.objects.filter(enrolment=enrolment, moment=moment).first()
    if existing is None:
        assessment = create_record(
            obj=Assessment(
                enrolment=enrolment,
                moment=moment,
                date=date,
                duration_minutes=duration_minutes,
                overall_note=overall_note,
                author=by,
            ),
            by=by,
        )
    else:
        # The version moves in the same statement that checks it: of two people saving
        # the same version, only the first one wins, on SQLite and PostgreSQL alike.
        # Without the version it was opened with, a save is stale: no row moves.
        moved = version is not None and Assessment.objects.filter(
            pk=existing.pk, version=version
        ).update(version=F("version") + 1)
        if not moved:
            raise StaleAssessment(Assessment.objects.get(pk=existing.pk))
        existing.refresh_from_db(fields=["version"])
        assessment = update_record(
            obj=existing,
            by=by,
            date=date,
            duration_minutes=duration_minutes,
            overall_note=overall_note,
        )
    _save_ratings(assessment, ratings, by=by)
    return assessment


def _save_ratings(assessment: Assessment, ratings: Ratings, *, by: User) -> None:
    stored = {row.domain: row for row in assessment.ratings.all()}
    for domain in Domain.values:
        rating, comment = ratings.get(domain, (None, ""))
        row = stored.get(domain)
        if row is None:
            create_record(
                obj=DomainRating(
                    assessment=assessment, domain=domain, rating=rating, comment=comment
                ),
                by=by,
            )
        else:
            update_record(obj=row, by=by, rating=rating, comment=comment)


@transaction.atomic
def action_create(
    *,
    enrolment: Enrolment,
    domain: str,
    description: str,
    responsible: str,
    due_date: datetime.date,
    by: User,
    agreed_at: Assessment | None = None,
    own_words: str = "",
) -> Action:
    return create_record(
        obj=Action(
            enrolment=enrolment,
            domain=domain,
            description=description,
            own_words=own_words,
            responsible=responsible,
            due_date=due_date,
            agreed_at=agreed_at,
        ),
        by=by,
    )


@transaction.atomic
def action_update(*, action: Action, by: User, version: int | None = None, **fields: Any) -> Action:
    """Save the changed ``fields`` if ``version`` is still the stored one (``StaleVersion``
    otherwise, and nothing is written)."""
    claim_version(action, version)
    return update_record(obj=action, by=by, **fields)


@transaction.atomic
def action_review(*, action: Action, status: str, assessment: Assessment, by: User) -> Action:
    """At an assessment, each open action is looked at again and its status noted; an
    edit form open on the action meanwhile becomes stale."""
    claim_version(action, None)
    return update_record(obj=action, by=by, status=status, reviewed_at=assessment)


@transaction.atomic
def self_rating_save(
    *,
    enrolment: Enrolment,
    moment: str,
    domain: str,
    rating: int | None,
    language: str,
    by: User,
) -> SelfRating:
    """Record the participant's answer for one domain at this moment (``rating`` None:
    they skipped it), over their earlier answer if any. ``by`` is the staff member who
    handed the tablet over: the trail names them, as for every write of the session."""
    self_assessment = _one(
        SelfAssessment.objects.filter(enrolment=enrolment, moment=moment),
        lambda: SelfAssessment(
            enrolment=enrolment,
            moment=moment,
            date=timezone.localdate(),
            language=language,
            started_by=by,
        ),
        by=by,
    )
    if (self_assessment.date, self_assessment.language) != (timezone.localdate(), language):
        update_record(obj=self_assessment, by=by, date=timezone.localdate(), language=language)
    row = _one(
        SelfRating.objects.filter(self_assessment=self_assessment, domain=domain),
        lambda: SelfRating(self_assessment=self_assessment, domain=domain, rating=rating),
        by=by,
    )
    if row.rating != rating:
        update_record(obj=row, by=by, rating=rating)
    return row


def _one[M: Model](queryset: QuerySet[M], new: Callable[[], M], *, by: User) -> M:
    """The one row of ``queryset``, created from ``new()`` when there is none. A tablet
    tapped twice sends the same answer twice at once: the second request finds the row
    the first one wrote instead of failing on the unique constraint."""
    existing = queryset.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create_record(obj=new(), by=by)
    except (IntegrityError, ValidationError):
        existing = queryset.first()
        if existing is None:
            raise
        return existing
