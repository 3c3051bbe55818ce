"""Short signed tokens for the links that work without signing in: a member of staff's
unsubscribe link and a participant's opt-out link (short enough for an SMS).

A token is the record's number in base 36 and 12 characters of an HMAC of it (72 bits)
keyed by ``SECRET_KEY`` and a salt per use: it cannot be guessed or turned into another
person's, and it never expires (an old e-mail's link still works).
"""

import base64

from django.utils.crypto import constant_time_compare, salted_hmac

USER_SALT = "parcours.reminders.unsubscribe"
PARTICIPANT_SALT = "parcours.reminders.opt-out"


def _mac(salt: str, value: str) -> str:
    digest = salted_hmac(salt, value, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:9]).decode()


def _to_base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def make_token(salt: str, pk: int) -> str:
    ident = _to_base36(pk)
    return f"{ident}-{_mac(salt, ident)}"


def read_token(salt: str, token: str) -> int | None:
    """The record's number, or None for a token that was not made here."""
    ident, _sep, mac = token.partition("-")
    if not ident or len(ident) > 13 or not mac or not ident.isalnum():
        return None
    if not constant_time_compare(mac, _mac(salt, ident.lower())):
        return None
    return int(ident, 36)
