"""Writing the audit trail.

Domain services write records through ``create_record``, ``update_record`` and
``delete_record``: each validates, writes and records the audit row in one transaction,
so a write without its trail cannot happen. ``record_opened`` notes that someone read a
record, and why. ``record_change`` and ``record_event`` write a row the three above do not
(a correction's reason, an import). Every row of the trail is written here: linked into
the organisation's hash chain (``parcours.audit.chain``) and, when it concerns a
participant, sealed with their key (``parcours.audit.sealing``), which ``forget_subject``
destroys.
"""

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from parcours.audit import chain, sealing
from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose, SubjectKey

if TYPE_CHECKING:
    # django-stubs reads this alias as AUTH_USER_MODEL (accounts.User): the trail sits
    # below accounts and does not import it.
    from django.contrib.auth.models import _User as Actor

# A field's value before and after a change, keyed by the field's attribute name.
type Changes = dict[str, dict[str, Any]]

# Never copied into the trail: secrets, and bookkeeping that changes on every sign-in.
UNAUDITED_FIELDS = {"password", "last_login"}


def snapshot(obj: Model) -> dict[str, Any]:
    """The audited field values of a record, as JSON-ready values keyed by attribute name."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in UNAUDITED_FIELDS or field.primary_key:
            continue
        # The value as stored (a country code, not a Country object), made JSON-ready below.
        values[field.attname] = field.get_prep_value(field.value_from_object(obj))
    ready: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return ready


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """For each field whose value differs, its value before and after (None when absent)."""
    names = list(before) + [name for name in after if name not in before]
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in names
        if before.get(name) != after.get(name)
    }


def _organisation_id(obj: Model) -> int:
    # Told by its label: the audit trail sits below accounts, whose services write to it.
    if obj._meta.label == "accounts.Organisation":
        return int(obj.pk)
    # Every other audited record has one: a field, or a property through its parent.
    organisation_id: int = obj.organisation_id  # type: ignore[attr-defined]
    return organisation_id


# No savepoint: a failed audit write must undo the whole write it belongs to anyway.
@transaction.atomic(savepoint=False)
def _write(
    *,
    organisation_id: int,
    by: "Actor | None",
    action: str,
    record_type: str,
    record_id: object,
    label: str,
    changes: Changes,
    subject_id: int | None = None,
    purpose: str = "",
    label_message: dict[str, Any] | None = None,
) -> AuditEvent:
    head = chain.lock_head(organisation_id)
    event = AuditEvent(
        organisation_id=organisation_id,
        actor=by,
        action=action,
        purpose=purpose,
        record_type=record_type,
        record_id=str(record_id),
        created_at=timezone.now(),
        subject_id=subject_id,
    )
    if subject_id is None:
        event.record_label, event.changes = label[:255], changes
        event.label_message = label_message
    else:
        # In clear only what names no one: the kind of record and its number.
        event.record_label, event.changes = f"{record_type} #{record_id}", {}
        key = sealing.key_for_writing(organisation_id=organisation_id, participant_id=subject_id)
        event.sealed = sealing.seal(
            key,
            label=label[:255],
            changes=changes,
            organisation_id=organisation_id,
            subject_id=subject_id,
            record_type=record_type,
            record_id=event.record_id,
        )
    return chain.append(event, head)


def _record(
    *, obj: Model, by: "Actor | None", action: str, changes: Changes, purpose: str = ""
) -> AuditEvent:
    return _write(
        organisation_id=_organisation_id(obj),
        by=by,
        action=action,
        record_type=obj._meta.label_lower,
        record_id=obj.pk,
        label=str(obj),
        changes=changes,
        subject_id=sealing.subject_of(obj),
        purpose=purpose,
    )


@transaction.atomic
def create_record[M: Model](*, obj: M, by: "Actor | None") -> M:
    """Validate and insert ``obj``, recording its initial values."""
    obj.full_clean()
    obj.save(force_insert=True)
    _record(obj=obj, by=by, action=AuditAction.CREATE, changes=diff({}, snapshot(obj)))
    return obj


@transaction.atomic
def update_record[M: Model](*, obj: M, by: "Actor | None", **values: Any) -> M:
    """Set ``values`` on ``obj``, validate and save; record what actually changed.

    The values before are read from the database: a bound ModelForm has already
    written the submitted values onto ``obj``.
    """
    before = snapshot(obj._meta.model._base_manager.get(pk=obj.pk))
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    changes = diff(before, snapshot(obj))
    if changes:
        _record(obj=obj, by=by, action=AuditAction.UPDATE, changes=changes)
    return obj


@transaction.atomic
def delete_record(*, obj: Model, by: "Actor | None") -> None:
    """Delete ``obj``, keeping its last values in the trail."""
    _record(obj=obj, by=by, action=AuditAction.DELETE, changes=diff(snapshot(obj), {}))
    obj.delete()


def record_opened(*, obj: Model, by: "Actor | None", purpose: AuditPurpose) -> AuditEvent:
    """Note that ``by`` opened the record, and why: every read of a file, an export or a
    download of personal data is traced. For a report of the whole organisation, ``obj``
    is the organisation (or the closing record of the year it shows)."""
    return _record(obj=obj, by=by, action=AuditAction.VIEW, changes={}, purpose=purpose)


def record_change(*, obj: Model, by: "Actor | None", changes: Changes) -> AuditEvent:
    """Write an update row for ``obj`` with ``changes`` the model does not hold (the
    reason given for a correction), sealed like any row about its participant."""
    return _record(obj=obj, by=by, action=AuditAction.UPDATE, changes=changes)


def record_event(
    *,
    organisation: Model,
    by: "Actor | None",
    action: AuditAction,
    record_type: str,
    record_id: object,
    label: str,
    changes: Changes,
    label_message: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write a row about something that is not one record (a whole workbook import). It
    is about no participant in particular: keep names out of ``label`` and ``changes``.
    ``label_message`` (``labels.message``) is the label as a code, worded in the reader's
    language; ``label`` then keeps the words of the writer's."""
    return _write(
        label_message=label_message,
        organisation_id=organisation.pk,
        by=by,
        action=action,
        record_type=record_type,
        record_id=record_id,
        label=label,
        changes=changes,
    )


@transaction.atomic
def forget_subject(*, participant_id: int, organisation_id: int) -> None:
    """Destroy the participant's audit key: every row about them becomes unreadable
    ("erased") while the rows, and so the chain, stay as they are. Idempotent, and safe
    before or after the anonymising writes of the same transaction: rows written about
    the person once the key is gone are sealed with a key kept nowhere."""
    # The chain head's lock orders this with the organisation's writers, which may be
    # creating this person's key.
    chain.lock_head(organisation_id)
    SubjectKey.objects.filter(
        organisation_id=organisation_id, participant_id=participant_id, erased_at=None
    ).update(key=None, erased_at=timezone.now())
    SubjectKey.objects.get_or_create(
        organisation_id=organisation_id,
        participant_id=participant_id,
        defaults={"key": None, "erased_at": timezone.now()},
    )


def record_children(
    *, obj: Model, by: "Actor | None", name: str, before: Iterable[Any], after: Iterable[Any]
) -> AuditEvent | None:
    """Record that the child rows ``name`` of ``obj`` (its domains, its groups) went from
    ``before`` to ``after``: they have no audit row of their own, and the parent's
    snapshot does not see them. Nothing is written when they did not change."""
    old, new = sorted(before), sorted(after)
    if old == new:
        return None
    return _record(
        obj=obj,
        by=by,
        action=AuditAction.UPDATE,
        changes={name: {"before": old, "after": new}},
    )
