"""Writes on organisations and their users, each with its audit row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.audit.services import create_record, update_record


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
    *, organisation, by, username, first_name, last_name, email, role, language, password
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
def user_update(*, user, by, first_name, last_name, email, role, language, is_active) -> User:
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


def user_set_language(*, user, by, language) -> User:
    return update_record(obj=user, by=by, language=language)


def user_update_profile(*, user, first_name, last_name, email, language) -> User:
    return update_record(
        obj=user,
        by=user,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
