"""Writing the audit trail.

Domain services write records through ``create_record``, ``update_record`` and
``delete_record``: each validates, writes and records the audit row in one transaction,
so a write without its trail cannot happen. ``record_opened`` notes that someone read a
record (a participant's file).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from parcours.accounts.models import Organisation
from parcours.audit.models import AuditAction, AuditEvent

# Never copied into the trail: secrets, and bookkeeping that changes on every sign-in.
UNAUDITED_FIELDS = {"password", "last_login"}


def snapshot(obj) -> dict:
    """The audited field values of a record, as JSON-ready values keyed by attribute name."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in UNAUDITED_FIELDS or field.primary_key:
            continue
        # The value as stored (a country code, not a Country object), made JSON-ready below.
        values[field.attname] = field.get_prep_value(field.value_from_object(obj))
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def diff(before: dict, after: dict) -> dict:
    """For each field whose value differs, its value before and after (None when absent)."""
    names = list(before) + [name for name in after if name not in before]
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in names
        if before.get(name) != after.get(name)
    }


def _organisation_id(obj) -> int:
    if isinstance(obj, Organisation):
        return obj.pk
    return obj.organisation_id


def _record(*, obj, by, action, changes) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation_id=_organisation_id(obj),
        actor=by,
        action=action,
        record_type=obj._meta.label_lower,
        record_id=str(obj.pk),
        record_label=str(obj)[:255],
        changes=changes,
    )


@transaction.atomic
def create_record(*, obj, by):
    """Validate and insert ``obj``, recording its initial values."""
    obj.full_clean()
    obj.save(force_insert=True)
    _record(obj=obj, by=by, action=AuditAction.CREATE, changes=diff({}, snapshot(obj)))
    return obj


@transaction.atomic
def update_record(*, obj, by, **values):
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
def delete_record(*, obj, by):
    """Delete ``obj``, keeping its last values in the trail."""
    _record(obj=obj, by=by, action=AuditAction.DELETE, changes=diff(snapshot(obj), {}))
    obj.delete()


def record_opened(*, obj, by) -> AuditEvent:
    """Note that ``by`` opened the record (reads of personal files are traced)."""
    return _record(obj=obj, by=by, action=AuditAction.VIEW, changes={})


def record_children(*, obj, by, name: str, before, after) -> AuditEvent | None:
    """Record that the child rows ``name`` of ``obj`` (its domains, its groups) went from
    ``before`` to ``after``: they have no audit row of their own, and the parent's
    snapshot does not see them. Nothing is written when they did not change."""
    before, after = sorted(before), sorted(after)
    if before == after:
        return None
    return _record(
        obj=obj,
        by=by,
        action=AuditAction.UPDATE,
        changes={name: {"before": before, "after": after}},
    )
