"""Issuing, revoking and checking the API's personal access tokens.

Issuing and revoking are written through the audit trail like any record; each use of
the API is a row of the trail too (``record_use``), about the token, not a person.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, check
from parcours.accounts.enums import Role
from parcours.api.models import SHOWN_LENGTH, TOKEN_PREFIX, AccessToken, hash_secret
from parcours.audit.models import AuditAction
from parcours.audit.services import create_record, record_event, update_record

# Writing "last used" on every request would cost a write each time; to the minute is
# what the coordinator's list needs.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
# A longer-lived token is a standing risk: it is issued again instead.
LONGEST_LIFE = datetime.timedelta(days=366)


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def issue_token(*, user, name: str, scope: str, expires_at: datetime.datetime, by):
    """Create a token for ``user`` and return it with its secret, which nothing keeps:
    the caller shows it once."""
    check(by, Capability.MANAGE_ORGANISATION)
    if user.organisation_id is None or user.organisation_id != by.organisation_id:
        raise ValidationError(_("A token is issued only to a user of your organisation."))
    if not user.is_active or user.role == Role.FEDERATION_ANALYST:
        raise ValidationError(_("This account cannot receive a token."))
    now = timezone.now()
    if expires_at <= now:
        raise ValidationError(_("The expiry date must be in the future."))
    if expires_at > now + LONGEST_LIFE:
        raise ValidationError(_("A token lasts a year at most."))
    secret = new_secret()
    token = AccessToken(
        organisation_id=by.organisation_id,
        user=user,
        name=name,
        scope=scope,
        shown_start=secret[:SHOWN_LENGTH],
        token_hash=hash_secret(secret),
        expires_at=expires_at,
        created_by=by,
    )
    create_record(obj=token, by=by)
    return token, secret


def revoke_token(*, token: AccessToken, by) -> AccessToken:
    """Stop the token at once; it stays listed, with who revoked it and when."""
    if token.revoked_at is not None:
        return token
    return update_record(obj=token, by=by, revoked_at=timezone.now(), revoked_by=by)


def token_for_secret(secret: str, *, now=None) -> AccessToken | None:
    """The token in force whose secret this is, with its user and organisation; None for
    an unknown, expired or revoked secret, or one whose user is closed or has moved."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.in_force(now)
        .select_related("user", "organisation")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.user.organisation_id != token.organisation_id:
        return None
    return token


def note_use(token: AccessToken, *, now=None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def record_use(
    *, organisation, user, token: AccessToken | None, method: str, path: str, status: int
) -> None:
    """One row of the audit trail for one request to the API: who, with which token
    (none for the browser's session), what was asked and what was answered. The path
    holds ids only, never a name."""
    record_event(
        organisation=organisation,
        by=user,
        action=AuditAction.VIEW if method in ("GET", "HEAD", "OPTIONS") else AuditAction.UPDATE,
        record_type="api.request",
        record_id=token.pk if token else "session",
        label=f"{method} {path}"[:255],
        changes={"method": method, "path": path[:500], "status": status},
    )
