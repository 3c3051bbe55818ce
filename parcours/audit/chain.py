"""The hash chain that makes the trail tamper-evident.

Each row of an organisation carries its number in the organisation's trail and the hash
of the row before it; its own hash is SHA-256 over a canonical serialisation of its stored
fields (the sealed values, not the clear ones: the chain still verifies once a person's
key is destroyed). Changing a row breaks its hash, deleting one leaves a gap in the
numbers, moving one breaks the links around it. Writers lock the organisation's
``ChainHead`` row in turn (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions already let one writer at a time), so two concurrent writes cannot follow
the same row.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from parcours.audit.models import AuditEvent, ChainHead
from parcours.core.plurals import plural

GENESIS = "0" * 64


def canonical(event: AuditEvent) -> bytes:
    """The stored fields of ``event`` in a fixed order and form (ids, not objects)."""
    created_at = event.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    fields = {
        "organisation": event.organisation_id,
        "sequence": event.sequence,
        "previous_hash": event.previous_hash,
        "created_at": created_at,
        "actor": event.actor_id,
        "action": event.action,
        "purpose": event.purpose,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "record_label": event.record_label,
        "changes": event.changes,
        "subject": event.subject_id,
        "sealed": event.sealed,
    }
    # Only rows written since it exists carry it: the older rows' hashes stay as they were
    # (and the migrations that chain rows see models without the field).
    label_message = getattr(event, "label_message", None)
    if label_message is not None:
        fields["label_message"] = label_message
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def lock_head(organisation_id: int) -> ChainHead:
    """The organisation's chain head, locked until the transaction ends."""
    head, _created = ChainHead.objects.select_for_update().get_or_create(
        organisation_id=organisation_id, defaults={"hash": GENESIS}
    )
    return head


def append(event: AuditEvent, head: ChainHead) -> AuditEvent:
    """Link ``event`` after ``head`` (locked by ``lock_head``), insert it, move the head."""
    event.sequence = head.sequence + 1
    event.previous_hash = head.hash
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.sequence, head.hash = event.sequence, event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


@dataclass(frozen=True)
class Break:
    """Where the chain breaks: the row (None past the last one) and what is wrong."""

    event_id: int | None
    created_at: datetime.datetime | None
    problem: str

    def __str__(self):
        if self.event_id is None:
            return f"after the last row: {self.problem}"
        return (
            f"row {self.event_id} ({self.created_at.isoformat(timespec='seconds')}): {self.problem}"
        )


def verify(organisation_id: int) -> tuple[int, list[Break]]:
    """Walk the organisation's trail in chain order: how many rows, and every break."""
    breaks = []
    count = 0
    expected_sequence, expected_previous, last_id = 1, GENESIS, 0
    events = (
        AuditEvent.objects.filter(organisation_id=organisation_id)
        .order_by("sequence", "id")
        .iterator(chunk_size=2000)
    )
    for event in events:
        count += 1

        def found(problem, event=event):
            breaks.append(Break(event.pk, event.created_at, problem))

        if event.pk < last_id:
            found(f"reordered: it comes after row {last_id} in the chain but was written before it")
        if event.sequence > expected_sequence:
            missing = event.sequence - expected_sequence
            found(
                f"deleted rows: {plural(missing, 'row', 'rows')} missing before this one "
                "(gap in the numbers)"
            )
        elif event.sequence < expected_sequence:
            found(f"reordered: number {event.sequence} repeated or out of order")
        elif event.previous_hash != expected_previous:
            found("does not follow the previous row: the previous row was altered or moved")
        if compute_hash(event) != event.hash:
            found("altered: its stored content does not match its hash")
        expected_sequence = event.sequence + 1
        expected_previous = event.hash
        last_id = max(last_id, event.pk)
    head = ChainHead.objects.filter(organisation_id=organisation_id).first()
    if head is not None and head.sequence >= expected_sequence:
        missing = head.sequence - expected_sequence + 1
        gone = plural(missing, "row is", "rows are")
        breaks.append(Break(None, None, f"deleted rows: the last {gone} missing"))
    elif head is not None and count and head.hash != expected_previous:
        breaks.append(Break(None, None, "altered: the last row does not match the chain head"))
    return count, breaks
