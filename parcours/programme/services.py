"""Writes on groups and enrolments: enrolling, exiting, extending, following up."""

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.audit.services import create_record, record_children, update_record
from parcours.audit.versions import claim_version
from parcours.core.dates import add_months
from parcours.programme.enums import OUTCOME_DETAILS, ExitOutcome
from parcours.programme.exits import ExitProblem, exit_problems
from parcours.programme.models import Enrolment, ExitFollowUp, Group

if TYPE_CHECKING:
    # For the annotations only: the participants' app builds on the programme's.
    from parcours.participants.models import Participant

FOLLOW_UP_AFTER_MONTHS = 6


def _set_staff(group: Group, staff: Iterable[User], *, by: User) -> None:
    """The staff are many-to-many rows: their change is recorded on the group."""
    members = list(staff)
    before = set(group.staff.values_list("pk", flat=True))
    group.staff.set(members)
    record_children(
        obj=group, by=by, name="staff", before=before, after={user.pk for user in members}
    )


@transaction.atomic
def group_create(
    *, organisation: Organisation, by: User, staff: Iterable[User] = (), **fields: Any
) -> Group:
    group = create_record(obj=Group(organisation=organisation, **fields), by=by)
    _set_staff(group, staff, by=by)
    return group


@transaction.atomic
def group_update(
    *,
    group: Group,
    by: User,
    staff: Iterable[User] | None = None,
    version: int | None = None,
    **fields: Any,
) -> Group:
    """Save the changed ``fields`` (and ``staff`` when given) if ``version`` is still the
    stored one (``StaleVersion`` otherwise, and nothing is written)."""
    claim_version(group, version)
    update_record(obj=group, by=by, **fields)
    if staff is not None:
        _set_staff(group, staff, by=by)
    return group


@dataclass(frozen=True)
class EnrolmentWarnings:
    """What deserves a second look before enrolling; neither blocks."""

    over_capacity: bool
    overlapping: list[Enrolment]  # the person's other enrolments that run at the same time

    def __bool__(self) -> bool:
        return self.over_capacity or bool(self.overlapping)


def enrolment_warnings(
    *, participant: "Participant", group: Group, start_date: datetime.date
) -> EnrolmentWarnings:
    open_in_group = group.enrolments.open().exclude(participant=participant).count()
    overlapping = [
        other
        for other in participant.enrolments.select_related("group").exclude(group=group)
        if other.exit_date is None or other.exit_date >= start_date
    ]
    return EnrolmentWarnings(over_capacity=open_in_group >= group.capacity, overlapping=overlapping)


def extension_warnings(
    *, enrolment: Enrolment, next_group: Group, next_start_date: datetime.date
) -> EnrolmentWarnings:
    """The warnings before an extension into ``next_group``: those of an enrolment there,
    except that the enrolment being closed does not count as overlapping the next one."""
    warnings = enrolment_warnings(
        participant=enrolment.participant, group=next_group, start_date=next_start_date
    )
    return dataclasses.replace(
        warnings, overlapping=[o for o in warnings.overlapping if o.pk != enrolment.pk]
    )


def check_open_for_enrolment(group: Group, *, on: datetime.date) -> None:
    """Refuse to enrol anybody in ``group`` on ``on`` once the group has ended: the pages
    ask on today, the service (and so the API) and the workbook import on the day the
    enrolment starts, which lets a finished programme be recorded as it happened."""
    if not group.open_for_enrolment(on):
        raise ValidationError(
            _("The group %(group)s ended on %(date)s: nobody can be enrolled in it any more.")
            % {"group": group.name, "date": date_format(group.end_date, "SHORT_DATE_FORMAT")},
            code="group_ended",
        )


@transaction.atomic
def enrolment_create(
    *, participant: "Participant", group: Group, start_date: datetime.date, by: User
) -> Enrolment:
    if participant.organisation_id != group.organisation_id:
        raise ValidationError(_("The group belongs to another organisation."))
    check_open_for_enrolment(group, on=start_date)
    return create_record(
        obj=Enrolment(participant=participant, group=group, start_date=start_date), by=by
    )


def _check_exit(enrolment: Enrolment, exit_date: datetime.date, outcome: str, detail: str) -> None:
    problems = exit_problems(
        start_date=enrolment.start_date, exit_date=exit_date, outcome=outcome, detail=detail
    )
    if not problems:
        return
    problem = problems[0]
    if problem is ExitProblem.EXIT_BEFORE_START:
        message = _("The exit cannot come before the start of the enrolment (%(date)s).") % {
            "date": date_format(enrolment.start_date, "SHORT_DATE_FORMAT")
        }
    elif problem is ExitProblem.EXIT_WITHOUT_OUTCOME:
        message = _("An exit needs its outcome.")
    elif problem is ExitProblem.OUTCOME_WITHOUT_EXIT:
        message = _("An outcome needs its exit date.")
    elif OUTCOME_DETAILS[ExitOutcome(outcome)] is None:
        message = _("This outcome takes no detail.")
    else:
        message = _("Choose the detail of this outcome.")
    raise ValidationError({problem.field: message})


@transaction.atomic
def enrolment_exit(
    *,
    enrolment: Enrolment,
    exit_date: datetime.date,
    outcome: str,
    detail: str = "",
    qualification_gained: str = "",
    by: User,
    version: int | None = None,
) -> Enrolment:
    """Close the enrolment with its outcome; the follow-up six months later becomes due."""
    if enrolment.exit_date is not None:
        raise ValidationError(_("This enrolment is already closed."))
    if outcome == ExitOutcome.EXTENSION:
        raise ValidationError(_("An extension goes on in another group: use the extension."))
    _check_exit(enrolment, exit_date, outcome, detail)
    claim_version(enrolment, version)
    update_record(
        obj=enrolment,
        by=by,
        exit_date=exit_date,
        outcome=outcome,
        outcome_detail=detail,
        qualification_gained=qualification_gained,
    )
    create_record(
        obj=ExitFollowUp(enrolment=enrolment, due_on=add_months(exit_date, FOLLOW_UP_AFTER_MONTHS)),
        by=by,
    )
    return enrolment


@transaction.atomic
def enrolment_extend(
    *,
    enrolment: Enrolment,
    exit_date: datetime.date,
    next_group: Group,
    next_start_date: datetime.date,
    by: User,
    version: int | None = None,
) -> Enrolment:
    """One act: close the enrolment as an extension and open the next one in another group."""
    if enrolment.exit_date is not None:
        raise ValidationError(_("This enrolment is already closed."))
    if next_group.pk == enrolment.group_id:
        raise ValidationError({"next_group": _("An extension goes on in another group.")})
    if next_start_date < exit_date:
        raise ValidationError(
            {"next_start_date": _("The next group cannot start before the exit.")}
        )
    claim_version(enrolment, version)
    update_record(
        obj=enrolment,
        by=by,
        exit_date=exit_date,
        outcome=ExitOutcome.EXTENSION,
        outcome_detail="",
    )
    return enrolment_create(
        participant=enrolment.participant, group=next_group, start_date=next_start_date, by=by
    )


@transaction.atomic
def follow_up_record(
    *,
    follow_up: ExitFollowUp,
    situation: str,
    recorded_on: datetime.date,
    note: str,
    by: User,
    better_situation: str = "",
    version: int | None = None,
) -> ExitFollowUp:
    """Record what became of the person, if ``version`` is still the stored one
    (``StaleVersion`` otherwise: a colleague recorded it meanwhile, nothing is written)."""
    claim_version(follow_up, version)
    return update_record(
        obj=follow_up,
        by=by,
        situation=situation,
        better_situation=better_situation,
        recorded_on=recorded_on,
        recorded_by=by,
        note=note,
    )
