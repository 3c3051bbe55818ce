"""Writing attendance: every write goes through the audit trail."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.access import Capability, user_can
from parcours.accounts.models import User
from parcours.attendance.enums import Presence
from parcours.attendance.models import Attendance
from parcours.attendance.selectors import (
    is_expected,
    unmarked_count,
    unmarked_participants,
)
from parcours.audit.services import create_record, record_change, update_record
from parcours.participants.models import Participant
from parcours.workshops.models import Session


def _check_markable(session: Session, participant: Participant, status: str) -> None:
    if session.cancelled:
        raise ValidationError(_("This session was cancelled: it has no register."))
    if status not in Presence.values:
        raise ValidationError(_("Choose present, late, excused or absent."))
    if not is_expected(session, participant):
        raise ValidationError(
            _("%(name)s is not enrolled in a group of this session on that day.")
            % {"name": participant}
        )


@transaction.atomic
def _write_mark(*, session: Session, participant: Participant, status: str, by: User) -> Attendance:
    attendance = (
        Attendance.objects.select_for_update()
        .select_related("session", "participant")
        .filter(session=session, participant=participant)
        .first()
    )
    if attendance is not None:
        if attendance.status == status:
            return attendance
        return update_record(obj=attendance, by=by, status=status, marked_by=by)
    try:
        with transaction.atomic():
            return create_record(
                obj=Attendance(
                    session=session, participant=participant, status=status, marked_by=by
                ),
                by=by,
            )
    except (IntegrityError, ValidationError) as error:
        # Two taps at once (a retried mark): the other one created the row first.
        attendance = Attendance.objects.filter(session=session, participant=participant).first()
        if attendance is None:
            raise error from None
        return update_record(obj=attendance, by=by, status=status, marked_by=by)


def _locked(session: Session) -> Session:
    """The session as stored, its row locked until the end of the transaction, so that a
    mark and the validation of the register happen one after the other (PostgreSQL
    locks the row; SQLite's immediate transactions take the database's write lock)."""
    return Session.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def attendance_mark(
    *, session: Session, participant: Participant, status: str, by: User
) -> Attendance:
    """Mark one person at a session. Refused for a cancelled session, a person not
    expected there, or a register already validated (see ``attendance_correct``): the
    check is made under the session's lock, so a mark cannot slip in after the
    validation."""
    session = _locked(session)
    if session.register_validated_at is not None:
        raise ValidationError(
            _("The register has been validated: only the coordinator can still correct it.")
        )
    _check_markable(session, participant, status)
    return _write_mark(session=session, participant=participant, status=status, by=by)


@transaction.atomic
def attendance_correct(
    *, session: Session, participant: Participant, status: str, reason: str | None, by: User
) -> Attendance:
    """The coordinator's correction of a mark, with its reason written to the trail."""
    if not user_can(by, Capability.MANAGE_ORGANISATION):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the mark is corrected.")})
    session = _locked(session)
    _check_markable(session, participant, status)
    attendance = _write_mark(session=session, participant=participant, status=status, by=by)
    record_change(obj=attendance, by=by, changes={"reason": {"before": None, "after": reason}})
    return attendance


@transaction.atomic
def register_mark_unmarked_present(*, session: Session, by: User) -> int:
    """Mark present ("everyone present") each expected person who has no mark yet, in one
    transaction, through the same write as a single tap (its audit row, its run of
    absences). An existing mark is never overwritten. Returns how many were marked."""
    session = _locked(session)
    if session.register_validated_at is not None:
        raise ValidationError(
            _("The register has been validated: only the coordinator can still correct it.")
        )
    if session.cancelled:
        raise ValidationError(_("This session was cancelled: it has no register."))
    unmarked = list(unmarked_participants(session))
    for participant in unmarked:
        _write_mark(session=session, participant=participant, status=Presence.PRESENT, by=by)
    return len(unmarked)


@transaction.atomic
def register_validate(*, session: Session, by: User) -> Session:
    """Lock the register: every expected person must have a mark. The session's row is
    locked from the checks to the write: no mark comes in between."""
    stored = _locked(session)
    if stored.cancelled:
        raise ValidationError(_("This session was cancelled: it has no register."))
    if stored.register_validated_at is not None:
        raise ValidationError(_("The register has already been validated."))
    missing = unmarked_count(stored)
    if missing:
        raise ValidationError(
            ngettext(
                "%(count)s person has no mark yet: mark everyone before validating.",
                "%(count)s people have no mark yet: mark everyone before validating.",
                missing,
            )
            % {"count": missing}
        )
    update_record(obj=stored, by=by, register_validated_at=timezone.now(), register_validated_by=by)
    session.register_validated_at = stored.register_validated_at
    session.register_validated_by = stored.register_validated_by
    return session
