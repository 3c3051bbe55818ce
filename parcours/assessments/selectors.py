"""Reads on assessments and action plans: what is due, what is late, the journey chart.

Each selector narrows to the user's organisation, and for a social worker to the
participants they follow; it reads in a fixed number of queries whatever the numbers.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.access import Capability, user_can
from parcours.accounts.enums import Role
from parcours.assessments.enums import Moment
from parcours.assessments.models import Action, Assessment
from parcours.assessments.progress import MOMENTS, journey_and_durations
from parcours.audit.models import AuditAction, AuditEvent
from parcours.core.charts import Series, radar_svg
from parcours.programme.models import Enrolment

ASSESSMENT_NAMES = {
    Moment.ENTRY: gettext_lazy("Entry assessment"),
    Moment.MIDDLE: gettext_lazy("Mid-way assessment"),
    Moment.END: gettext_lazy("End assessment"),
}


def _followed_by(user, queryset, *, participant_path: str):
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
    def participant(self):
        return self.enrolment.participant

    @property
    def group(self):
        return self.enrolment.group

    @property
    def moment_label(self) -> str:
        return str(Moment(self.moment).label)

    @property
    def name(self) -> str:
        """ "Entry assessment", "Mid-way assessment", "End assessment"."""
        return str(ASSESSMENT_NAMES[self.moment])


def due_date_of(enrolment, moment) -> datetime.date:
    """Entry at the enrolment's start, middle at the group's middle, end at the group's
    end. Someone who joins a group late (an extension) is not due before they start."""
    if moment == Moment.ENTRY:
        return enrolment.start_date
    due = enrolment.group.mid_date if moment == Moment.MIDDLE else enrolment.group.end_date
    return max(due, enrolment.start_date)


def due_assessments(user, *, today, horizon_days=14) -> list[DueAssessment]:
    """The assessments of open enrolments not done yet and due within ``horizon_days``
    or overdue, soonest first. Two queries: the enrolments, then the moments done."""
    enrolments = list(
        _followed_by(user, Enrolment.objects.open(), participant_path="participant")
        .filter(group__organisation_id=user.organisation_id)
        .select_related("participant", "group")
    )
    if not enrolments:
        return []
    done = set(
        Assessment.objects.filter(enrolment__in=[e.pk for e in enrolments]).values_list(
            "enrolment_id", "moment"
        )
    )
    horizon = today + datetime.timedelta(days=horizon_days)
    due = []
    for enrolment in enrolments:
        for moment in MOMENTS:
            if (enrolment.pk, moment) in done:
                continue
            due_date = due_date_of(enrolment, moment)
            if due_date <= horizon:
                due.append(DueAssessment(enrolment, moment, due_date, due_date < today))
    moment_order = {moment: index for index, moment in enumerate(MOMENTS)}
    due.sort(
        key=lambda item: (
            item.due_date,
            item.participant.last_name,
            item.participant.first_name,
            moment_order[item.moment],
        )
    )
    return due


def overdue_actions(user, *, today) -> list[Action]:
    """The open actions of open enrolments whose due date is past, oldest first, in one
    query. Once the person has left the programme, the plan is closed with them."""
    return list(
        _followed_by(user, Action.objects.overdue(today), participant_path="enrolment__participant")
        .filter(enrolment__exit_date__isnull=True)
        .select_related("enrolment__participant", "enrolment__group")
        .order_by("due_date", "enrolment__participant__last_name", "id")
    )


def journey_chart(journey) -> str:
    """The radar of a journey: one series per moment that has at least one rating."""
    series = [
        Series(str(Moment(moment).label), [row.ratings[moment] for row in journey])
        for moment in MOMENTS
        if any(row.ratings[moment] is not None for row in journey)
    ]
    if not series:
        return ""
    return radar_svg(
        axes=[row.label for row in journey],
        series=series,
        title=_("Ratings per domain at each assessment"),
    )


def journey_context(enrolment) -> dict:
    """What ``assessments/_journey.html`` takes, in one query: ``{% include
    "assessments/_journey.html" with enrolment=… journey=… radar=… durations=… %}``."""
    journey, durations = journey_and_durations(enrolment)
    return {
        "enrolment": enrolment,
        "journey": journey,
        "radar": journey_chart(journey),
        "durations": durations,
    }


def last_saved_by(assessment):
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
