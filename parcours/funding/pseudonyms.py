"""Pseudonyms of the report packs: HMAC codes keyed by the organisation's own secret."""

import base64
import hashlib
import hmac
import secrets

from django.db import IntegrityError, transaction

from parcours.funding.models import PseudonymKey


def pseudonym_key(organisation_id) -> str:
    """The organisation's pseudonym secret, made on first use."""
    key = PseudonymKey.objects.filter(organisation_id=organisation_id).first()
    if key is not None:
        return key.secret
    try:
        # A savepoint: two packs made at once for a new organisation both try to
        # create the key; the second one reads the first one's.
        with transaction.atomic():
            key = PseudonymKey.objects.create(
                organisation_id=organisation_id, secret=secrets.token_hex(32)
            )
    except IntegrityError:
        key = PseudonymKey.objects.get(organisation_id=organisation_id)
    return key.secret


def pseudonymiser(grant):
    """A function giving each participant id its stable code within the grant's packs
    (``P-`` and 16 base-32 characters, 80 bits: no two people of a programme share one).
    The same person gets the same code in every pack of the grant and another code for
    another grant; without the organisation's key the code cannot be turned back into
    the person. One query for the key, whatever the number of people."""
    key = pseudonym_key(grant.organisation_id).encode()

    def code(participant_id) -> str:
        message = f"grant:{grant.pk}:participant:{participant_id}".encode()
        digest = hmac.new(key, message, hashlib.sha256).digest()
        return "P-" + base64.b32encode(digest[:10]).decode()

    return code


def pseudonym(grant, participant_id) -> str:
    return pseudonymiser(grant)(participant_id)
