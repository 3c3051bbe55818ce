"""Reads on groups and follow-ups, already narrowed to what the user may see."""

import datetime

from django.db.models import BooleanField, Case, Exists, OuterRef, QuerySet, Value, When

from parcours.accounts.access import Capability, scoped, user_can
from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.programme.models import Enrolment, ExitFollowUp, Group, GroupQuerySet


def visible_groups(user: User) -> GroupQuerySet:
    """Casework roles see the organisation's groups; a workshop leader sees the groups
    they are in charge of; nobody else sees any."""
    if not user_can(user, Capability.VIEW_PROGRAMME):
        return Group.objects.none()
    groups = scoped(Group.objects.all(), user)
    if user_can(user, Capability.MANAGE_PROGRAMME):
        return groups
    if user.role == Role.WORKSHOP_LEADER:
        # Exists rather than a join: counts annotated on the result stay right.
        in_charge = Group.staff.through.objects.filter(group=OuterRef("pk"), user=user)
        return groups.filter(Exists(in_charge))
    return Group.objects.none()


def follow_ups_due(
    user: User, *, today: datetime.date, horizon_days: int = 14
) -> QuerySet[ExitFollowUp]:
    """The follow-ups after exit not recorded yet that are due within ``horizon_days``
    or overdue, soonest first, each annotated with ``overdue``.

    A social worker sees those of the participants they follow; the coordinator sees the
    whole organisation's; the other roles none.
    """
    organisation_id = user.organisation_id
    # (A user of no CPAS has no capability of casework: said again for the type checker.)
    if not user_can(user, Capability.MANAGE_PARTICIPANTS) or organisation_id is None:
        return ExitFollowUp.objects.none()
    follow_ups = ExitFollowUp.objects.pending().filter(
        enrolment__group__organisation_id=organisation_id,
        due_on__lte=today + datetime.timedelta(days=horizon_days),
    )
    if user.role != Role.COORDINATOR:
        follow_ups = follow_ups.filter(enrolment__participant__social_worker=user)
    return (
        follow_ups.select_related("enrolment__participant", "enrolment__group")
        .annotate(
            overdue=Case(
                When(due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by(
            "due_on", "enrolment__participant__last_name", "enrolment__participant__first_name"
        )
    )


def groups_named(groups: GroupQuerySet, text: str) -> GroupQuerySet:
    """The ``groups`` whose name contains ``text``, whatever the case, the latest first:
    what a search-as-you-type field offers (``parcours.core.widgets``)."""
    if text:
        groups = groups.filter(name__icontains=text)
    return groups.order_by("-start_date", "name")


def groups_to_join(
    groups: GroupQuerySet, participant_id: int, *, today: datetime.date
) -> GroupQuerySet:
    """Among ``groups``, those the person can be enrolled in today: not ended
    (``Group.open_for_enrolment``), and not one they are or were in (one enrolment per
    group)."""
    already = Enrolment.objects.filter(group=OuterRef("pk"), participant_id=participant_id)
    return groups.open_for_enrolment(today).exclude(Exists(already))
