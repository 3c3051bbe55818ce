"""Writes on organisations and their users, each with its audit row."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts.enums import Role
from parcours.accounts.models import Federation, Organisation, User
from parcours.audit.models import AuditAction
from parcours.audit.services import (
    Changes,
    create_record,
    diff,
    record_event,
    snapshot,
    update_record,
)


def _would_leave_no_coordinator(user: User, *, role: str, is_active: bool) -> bool:
    stored = User.objects.get(pk=user.pk)
    if stored.role != Role.COORDINATOR or not stored.is_active:
        return False
    if role == Role.COORDINATOR and is_active:
        return False
    others = (
        User.objects.in_organisation(user.organisation_id)
        .filter(role=Role.COORDINATOR, is_active=True)
        .exclude(pk=user.pk)
    )
    return not others.exists()


@transaction.atomic
def user_create(
    *,
    organisation: Organisation,
    by: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    language: str,
    password: str,
) -> User:
    user = User(
        organisation=organisation,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        language=language,
    )
    user.set_password(password)
    return create_record(obj=user, by=by)


@transaction.atomic
def user_update(
    *,
    user: User,
    by: User,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    language: str,
    is_active: bool,
) -> User:
    if _would_leave_no_coordinator(user, role=role, is_active=is_active):
        raise ValidationError(_("The organisation must keep at least one active coordinator."))
    return update_record(
        obj=user,
        by=by,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        language=language,
        is_active=is_active,
    )


def _update_account(*, user: User, by: User, **values: Any) -> User:
    """Write a change of ``user``'s own account in their organisation's trail. A
    federation analyst has no organisation, so no trail: their account changes (language,
    second factor) are saved as they are (docs/federation.md)."""
    if user.organisation_id is None:
        for name, value in values.items():
            setattr(user, name, value)
        user.full_clean()
        user.save(update_fields=list(values))
        return user
    return update_record(obj=user, by=by, **values)


def user_set_language(*, user: User, by: User, language: str) -> User:
    return _update_account(user=user, by=by, language=language)


def user_update_profile(
    *, user: User, first_name: str, last_name: str, email: str, language: str
) -> User:
    return update_record(
        obj=user,
        by=user,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Close the account: the person can no longer sign in, their history stays."""
    if _would_leave_no_coordinator(user, role=user.role, is_active=False):
        raise ValidationError(_("The organisation must keep at least one active coordinator."))
    return update_record(obj=user, by=by, is_active=False)


def organisation_settings_update(
    *,
    organisation: Organisation,
    by: User,
    self_assessment_in_report: bool,
    phone: str | None = None,
) -> Organisation:
    """Change the organisation's choices and its phone number (left as it is when not
    given); the trail keeps each change and who made it."""
    changes: dict[str, bool | str] = {"self_assessment_in_report": self_assessment_in_report}
    if phone is not None:
        changes["phone"] = phone
    return update_record(obj=organisation, by=by, **changes)


# Federation analysts. An analyst is of no CPAS, so their account has no trail of its
# own: each change of who may read the federation's figures is written in the trail of
# every member CPAS, whose figures they read (docs/federation.md).


def _in_members_trails(
    federation: Federation, *, by: User, action: AuditAction, analyst: User, changes: Changes
) -> None:
    for organisation in federation.organisations.order_by("pk"):
        record_event(
            organisation=organisation,
            by=by,
            action=action,
            record_type=User._meta.label_lower,
            record_id=analyst.pk,
            label=str(analyst),
            changes=changes,
        )


@transaction.atomic
def analyst_create(
    *,
    federation: Federation,
    by: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    password: str,
) -> User:
    analyst = User(
        federation=federation,
        organisation=None,
        role=Role.FEDERATION_ANALYST,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
    analyst.set_password(password)
    analyst.full_clean()
    analyst.save(force_insert=True)
    changes = diff({}, snapshot(analyst))
    _in_members_trails(
        federation, by=by, action=AuditAction.CREATE, analyst=analyst, changes=changes
    )
    return analyst


@transaction.atomic
def analyst_revoke(*, analyst: User, by: User) -> User:
    """Close the analyst's account: they no longer read the federation's figures."""
    if not analyst.is_active:
        return analyst
    federation = analyst.federation
    if federation is None:  # the pages list the analysts of a federation only
        raise ValueError(f"{analyst} reads no federation's figures: there is nothing to revoke.")
    analyst.is_active = False
    analyst.save(update_fields=["is_active"])
    changes = {"is_active": {"before": True, "after": False}}
    _in_members_trails(
        federation, by=by, action=AuditAction.UPDATE, analyst=analyst, changes=changes
    )
    return analyst


# Second factor. The devices are django-otp's; the account records whether one is set
# up, which puts the set-up and its reset in the account's history.

RECOVERY_CODE_COUNT = 10


def second_factor_setup_start(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: kept unconfirmed until it has given a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def second_factor_setup_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    """Keep ``device`` (which has just given a right code) as the person's only
    authenticator; return the new recovery codes, to be shown once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_renew(user=user)
    _update_account(user=user, by=user, second_factor_enrolled=True)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the person's recovery codes by new ones; each works once.

    The device stays (only its codes change): the session it may have verified stays
    verified.
    """
    device, _created = StaticDevice.objects.get_or_create(user=user, defaults={"name": "recovery"})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_reset(*, user: User, by: User) -> User:
    """Remove a colleague's authenticator and recovery codes (a lost phone): they set
    a new one up at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return update_record(obj=user, by=by, second_factor_enrolled=False)
