"""Who may do what: the one place where access is decided.

Every view declares the capability it needs with ``@requires(Capability.X)`` or says it
is public with ``@public``; ``AccessPolicyMiddleware`` refuses any view that declares
nothing, so a forgotten check denies instead of leaking. Objects are fetched through
``get_object_for``, which scopes the lookup to the user's organisation: a record of
another organisation does not exist for the user (404), a role without the capability
is refused (403).
"""

from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from parcours.accounts.enums import Role
from parcours.accounts.http import AuthenticatedRequest
from parcours.accounts.models import Federation, User


class Capability(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    # The person's own sign-in: password and second factor. Also a federation analyst's.
    OWN_ACCOUNT = "own_account"
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_FIGURES = "view_figures"
    VIEW_PROGRAMME = "view_programme"
    VIEW_PARTICIPANTS = "view_participants"
    VIEW_SOCIAL_DATA = "view_social_data"
    MANAGE_PARTICIPANTS = "manage_participants"
    MANAGE_PROGRAMME = "manage_programme"
    TAKE_ATTENDANCE = "take_attendance"
    MANAGE_ORGANISATION = "manage_organisation"
    VIEW_AUDIT = "view_audit"
    MANAGE_RETENTION = "manage_retention"
    # The anonymous figures of the member CPAS of the user's federation.
    VIEW_FEDERATION_FIGURES = "view_federation_figures"
    # The member CPAS and the analysts of the federation the user's CPAS is a member of
    # (any federation for a superuser): see them, add and revoke analysts.
    MANAGE_FEDERATION = "manage_federation"


_EVERY_ROLE = {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.WORKSHOP_LEADER, Role.VIEWER}
_STAFF = {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.WORKSHOP_LEADER}
_CASEWORK = {Role.COORDINATOR, Role.SOCIAL_WORKER}

ROLES_WITH = {
    Capability.SIGNED_IN: _EVERY_ROLE,
    Capability.OWN_ACCOUNT: _EVERY_ROLE | {Role.FEDERATION_ANALYST},
    Capability.VIEW_DASHBOARD: _EVERY_ROLE,
    Capability.VIEW_FIGURES: _EVERY_ROLE,
    Capability.VIEW_PROGRAMME: _STAFF,
    # Leaders see names, groups and attendance; the social data stays with casework.
    Capability.VIEW_PARTICIPANTS: _STAFF,
    Capability.VIEW_SOCIAL_DATA: _CASEWORK,
    Capability.MANAGE_PARTICIPANTS: _CASEWORK,
    Capability.MANAGE_PROGRAMME: _CASEWORK,
    Capability.TAKE_ATTENDANCE: {Role.COORDINATOR, Role.WORKSHOP_LEADER},
    Capability.MANAGE_ORGANISATION: {Role.COORDINATOR},
    Capability.VIEW_AUDIT: {Role.COORDINATOR},
    # Anonymising at the end of the retention period and erasing on request.
    Capability.MANAGE_RETENTION: {Role.COORDINATOR},
    Capability.VIEW_FEDERATION_FIGURES: {Role.FEDERATION_ANALYST},
    Capability.MANAGE_FEDERATION: {Role.COORDINATOR},
}

# Capabilities held through a federation rather than an organisation.
FEDERATION_CAPABILITIES = {Capability.VIEW_FEDERATION_FIGURES}


def user_can(user: User | AnonymousUser, capability: Capability) -> bool:
    if capability is Capability.PUBLIC:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    # The operator's account: which federation is theirs is decided by the view.
    if capability is Capability.MANAGE_FEDERATION and user.is_superuser:
        return True
    # A federation analyst has no organisation, so no organisation's page is theirs,
    # whatever the table says; the federation's figures need a federation.
    if capability in FEDERATION_CAPABILITIES:
        attached = user.federation_id
    elif capability is Capability.OWN_ACCOUNT:
        attached = user.organisation_id or user.federation_id
    else:
        attached = user.organisation_id
    if attached is None:
        return False
    return user.role in ROLES_WITH[capability]


def check(user: User | AnonymousUser, capability: Capability) -> None:
    """Raise PermissionDenied unless the user has the capability."""
    if not user_can(user, capability):
        raise PermissionDenied


def requires(capability: Capability):
    """Declare and enforce the capability a view needs."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            check(request.user, capability)
            return view(request, *args, **kwargs)

        wrapped.access_capability = capability
        return wrapped

    return decorator


def public(view):
    """Declare a view open to anonymous visitors (sign-in, password reset)."""
    view = login_not_required(view)
    view.access_capability = Capability.PUBLIC
    return view


def before_second_factor(view):
    """Declare a view open to a person who has given their password but not yet their
    second factor (the second-factor step and its set-up)."""
    view.opens_before_second_factor = True
    return view


def opens_before_second_factor(view) -> bool:
    return getattr(view, "opens_before_second_factor", False)


def declared_capability(view) -> Capability | None:
    return getattr(view, "access_capability", None)


def scoped[Q: QuerySet[Any]](queryset: Q, user: User) -> Q:
    """Narrow a queryset of organisation-owned records to the user's organisation."""
    if user.organisation_id is None:
        return queryset.none()
    return queryset.filter(organisation_id=user.organisation_id)


def get_object_for[M: Model](
    request: AuthenticatedRequest, queryset: QuerySet[M], *, capability: Capability, **lookup: Any
) -> M:
    """The record matching ``lookup`` in the user's organisation, or 404; 403 by role."""
    check(request.user, capability)
    return get_object_or_404(scoped(queryset, request.user), **lookup)


def managed_federation(request, slug: str):
    """The federation ``slug`` if the user may manage it, else 404 (403 by role): any for a
    superuser, else only the one their CPAS is a member of."""
    check(request.user, Capability.MANAGE_FEDERATION)
    federations = Federation.objects.all()
    if not request.user.is_superuser:
        federations = federations.filter(organisations=request.user.organisation_id)
    return get_object_or_404(federations, slug=slug)
