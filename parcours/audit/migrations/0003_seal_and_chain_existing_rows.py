"""Seal what the existing rows say about participants, then chain every row in order.

Runs before the triggers exist (0004). A row about a participant whose record and links
are gone, and whose person cannot be told from its changes, is sealed with a key kept
nowhere: better erased than left in clear.
"""

from django.db import migrations

from parcours.audit import chain, sealing

_BATCH = 500


def _lookup(path):
    # The last link is an attname ("participant_id"); a lookup names the field.
    return "__".join((*path[:-1], path[-1].removesuffix("_id")))


def _subject(apps, event):
    """(concerns a participant, their id or None when it cannot be told)."""
    try:
        model = apps.get_model(event.record_type)
    except (LookupError, ValueError):
        return False, None
    path = sealing.find_path(model)
    if path is None:
        return False, None
    try:
        record_id = int(event.record_id)
    except ValueError:
        return True, None
    if path == ("pk",):
        return True, record_id
    found = (
        model._base_manager.filter(pk=record_id).values_list(_lookup(path), flat=True).first()
    )
    if found is not None:
        return True, found
    first = model._meta.get_field(path[0])
    change = event.changes.get(first.attname) or {}
    linked = change.get("before") or change.get("after")
    if linked is None or len(path) == 1:
        return True, linked
    related = first.related_model
    rest = path[1:]
    if rest == ("pk",):
        return True, linked
    return True, related._base_manager.filter(pk=linked).values_list(_lookup(rest), flat=True).first()


def _seal(apps, event, keys):
    if event.sealed:
        return
    personal, subject_id = _subject(apps, event)
    if not personal:
        return
    label, changes = event.record_label, event.changes
    if subject_id is None:
        key = sealing.new_key()
    else:
        key_of = (event.organisation_id, subject_id)
        if key_of not in keys:
            keys[key_of] = sealing.new_key()
        key = keys[key_of]
    event.subject_id = subject_id
    event.record_label = f"{event.record_type} #{event.record_id}"
    event.changes = {}
    event.sealed = sealing.seal(
        key,
        label=label,
        changes=changes,
        organisation_id=event.organisation_id,
        subject_id=subject_id,
        record_type=event.record_type,
        record_id=event.record_id,
    )


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    SubjectKey = apps.get_model("audit", "SubjectKey")
    ChainHead = apps.get_model("audit", "ChainHead")
    fields = ["subject_id", "record_label", "changes", "sealed", "sequence", "previous_hash", "hash"]
    organisations = AuditEvent.objects.values_list("organisation_id", flat=True).distinct()
    for organisation_id in sorted(set(organisations)):
        keys = {}
        sequence, previous = 0, chain.GENESIS
        batch = []
        for event in AuditEvent.objects.filter(organisation_id=organisation_id).order_by("id"):
            _seal(apps, event, keys)
            sequence += 1
            event.sequence, event.previous_hash = sequence, previous
            event.hash = previous = chain.compute_hash(event)
            batch.append(event)
            if len(batch) == _BATCH:
                AuditEvent.objects.bulk_update(batch, fields)
                batch = []
        AuditEvent.objects.bulk_update(batch, fields)
        SubjectKey.objects.bulk_create(
            SubjectKey(organisation_id=organisation, participant_id=participant, key=key)
            for (organisation, participant), key in keys.items()
        )
        ChainHead.objects.create(organisation_id=organisation_id, sequence=sequence, hash=previous)


def backwards(apps, schema_editor):
    # Opening the sealed rows again would put names back in clear: going back leaves them
    # sealed and drops only what the chain adds.
    apps.get_model("audit", "ChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_and_sealing"),
        ("participants", "0003_participant_countries"),
        ("programme", "0003_exit_follow_up"),
        ("assessments", "0001_initial"),
        ("attendance", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
