"""Creates that may be sent again safely: a program that did not get the answer (a
timeout, a cut connection) sends the same request with the same ``Idempotency-Key`` and
gets the first answer again instead of a second record."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from parcours.api.errors import ApiProblem
from parcours.api.models import IdempotentCreate


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def idempotent_create(request, key: str | None, create):
    """``(status, body)`` of ``create()``, or of the first request sent with ``key``.

    The record and the stored answer are written in one transaction: of two requests
    with the same key at once, the second fails on the key's unique constraint, its
    record is undone, and it is told to ask again (409)."""
    if not key:
        return create()
    fingerprint = _fingerprint(request)
    done = IdempotentCreate.objects.filter(user=request.user, key=key).first()
    if done is not None:
        if done.fingerprint != fingerprint:
            raise ApiProblem(
                422,
                "idempotency-key-reused",
                _("This Idempotency-Key was sent before with another request."),
            )
        return done.status, done.body
    try:
        with transaction.atomic():
            status, body = create()
            IdempotentCreate.objects.create(
                user=request.user, key=key, fingerprint=fingerprint, status=status, body=body
            )
    except IntegrityError:
        raise ApiProblem(
            409,
            "idempotency-key-in-use",
            _("A request with this Idempotency-Key is under way: ask again in a moment."),
        ) from None
    return status, body
