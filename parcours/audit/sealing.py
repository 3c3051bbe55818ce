"""Crypto-shredding: what the trail says about a participant is sealed with their key.

Each participant has a random AES-GCM key of their own (``SubjectKey``). A row about
them keeps a neutral label (record type and id) in clear; its real label (str(obj) is the
person's name) and changes are sealed together. Destroying the key erases the person
from the trail without changing a row, so the hash chain, computed over the sealed
values, still verifies.
"""

import base64
import json
import os
from collections import deque
from collections.abc import Iterable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from parcours.audit.models import AuditEvent, SubjectKey

PARTICIPANT = "participants.participant"
# Records are linked to their participant through at most this many foreign keys
# (a domain rating: its assessment, the assessment's enrolment, the enrolment's person).
_MAX_DEPTH = 3
# Links that lead to staff or to the organisation, never to a participant.
_NOT_TOWARDS_A_PARTICIPANT = {"accounts"}

_paths: dict[str, tuple[str, ...] | None] = {}


def subject_path(model: type[Model]) -> tuple[str, ...] | None:
    """The foreign keys from ``model`` to the participant it belongs to, the last one as
    its attname (``("enrolment", "participant_id")``); ``("pk",)`` for a participant; None
    for a record that belongs to no one. Found once a model from the relations, so that
    a new model about participants is sealed without being listed anywhere."""
    label = model._meta.label_lower
    if label not in _paths:
        _paths[label] = find_path(model)
    return _paths[label]


def find_path(model: type[Model]) -> tuple[str, ...] | None:
    if model._meta.label_lower == PARTICIPANT:
        return ("pk",)
    queue = deque([(model, ())])
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not field.is_relation or field.related_model is None:
                continue
            related = field.related_model
            if related._meta.label_lower == PARTICIPANT:
                return (*path, field.attname)
            if related._meta.app_label in _NOT_TOWARDS_A_PARTICIPANT:
                continue
            if len(path) + 1 < _MAX_DEPTH:
                queue.append((related, (*path, field.name)))
    return None


def subject_of(obj: Model) -> int | None:
    """The id of the participant ``obj`` belongs to (related rows already loaded are
    used as they are: usually no query)."""
    # __class__, not type(): request.user is a lazy object standing for the user.
    path = subject_path(obj.__class__)
    if path is None:
        return None
    value = obj
    for name in path:
        value = getattr(value, name)
        if value is None:
            return None
    return value


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def key_for_writing(*, organisation_id: int, participant_id: int) -> bytes:
    """The participant's key, created at their first row. For an erased person a fresh
    key that is kept nowhere: what is written about them after erasure is unreadable."""
    row = (
        SubjectKey.objects.filter(organisation_id=organisation_id, participant_id=participant_id)
        .values_list("key", "erased_at")
        .first()
    )
    if row is None:
        key = new_key()
        SubjectKey.objects.create(
            organisation_id=organisation_id, participant_id=participant_id, key=key
        )
        return key
    key, erased_at = row
    return new_key() if erased_at is not None or key is None else bytes(key)


def _aad(
    *, organisation_id: int, subject_id: int | None, record_type: str, record_id: str
) -> bytes:
    # Binds the sealed content to its row: it cannot be copied onto another record.
    return f"{organisation_id}:{subject_id}:{record_type}:{record_id}".encode()


def seal(key: bytes, *, label: str, changes: dict[str, Any], **row: Any) -> str:
    nonce = os.urandom(12)
    plain = json.dumps({"label": label, "changes": changes}, cls=DjangoJSONEncoder).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, _aad(**row))
    return base64.b64encode(nonce + sealed).decode("ascii")


def unseal(key: bytes, sealed: str, **row: Any) -> dict[str, Any]:
    raw = base64.b64decode(sealed)
    return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], _aad(**row)))


ERASED = {"label": "", "changes": {}, "erased": True}


def open_events(events: Iterable[AuditEvent]) -> None:
    """Unseal the events with one query for the keys of their participants: each gets
    ``_opened`` ({"label", "changes", "erased"}), erased when its key is gone."""
    sealed = [event for event in events if event.sealed]
    for event in events:
        if not event.sealed:
            event._opened = {"label": event.record_label, "changes": event.changes, "erased": False}
    if not sealed:
        return
    keys = {
        (organisation_id, participant_id): bytes(key)
        for organisation_id, participant_id, key in SubjectKey.objects.filter(
            organisation_id__in={event.organisation_id for event in sealed},
            participant_id__in={event.subject_id for event in sealed if event.subject_id},
            key__isnull=False,
        ).values_list("organisation_id", "participant_id", "key")
    }
    for event in sealed:
        key = keys.get((event.organisation_id, event.subject_id))
        if key is None:
            event._opened = ERASED
            continue
        try:
            opened = unseal(
                key,
                event.sealed,
                organisation_id=event.organisation_id,
                subject_id=event.subject_id,
                record_type=event.record_type,
                record_id=event.record_id,
            )
        except InvalidTag:
            # Written after the person was erased, with a key kept nowhere.
            event._opened = ERASED
            continue
        event._opened = {**opened, "erased": False}
