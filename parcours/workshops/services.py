"""Writes on the workshop catalogue, the providers and the closing periods, each in one
transaction with its audit row. Planning sessions is in ``planning``."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from parcours.accounts.models import Organisation, User
from parcours.audit.services import create_record, delete_record, record_children, update_record
from parcours.audit.versions import claim_version
from parcours.workshops.models import ClosingPeriod, Provider, Workshop, WorkshopDomain


def _set_domains(workshop: Workshop, domains: Iterable[str], *, by: User) -> None:
    """Keep one row per domain served; the change is recorded on the workshop, whose
    hours the reports sum per domain."""
    before = set(workshop.domains.values_list("domain", flat=True))
    after = set(domains)
    workshop.domains.exclude(domain__in=after).delete()
    WorkshopDomain.objects.bulk_create(
        WorkshopDomain(workshop=workshop, domain=domain) for domain in after - before
    )
    record_children(obj=workshop, by=by, name="domains", before=before, after=after)


@transaction.atomic
def workshop_create(
    *, organisation: Organisation, by: User, domains: Iterable[str] = (), **fields: Any
) -> Workshop:
    workshop = create_record(obj=Workshop(organisation=organisation, **fields), by=by)
    _set_domains(workshop, domains, by=by)
    return workshop


@transaction.atomic
def workshop_update(
    *,
    workshop: Workshop,
    by: User,
    domains: Iterable[str] | None = None,
    version: int | None = None,
    **fields: Any,
) -> Workshop:
    """Save the changed ``fields`` (and ``domains`` when given) if ``version`` is still the
    stored one (``StaleVersion`` otherwise, and nothing is written)."""
    claim_version(workshop, version)
    update_record(obj=workshop, by=by, **fields)
    if domains is not None:
        _set_domains(workshop, domains, by=by)
    return workshop


def _set_leaders(provider: Provider, leaders: Iterable[User], *, by: User) -> None:
    """The team's leader accounts that belong to the provider (a partner's leaders see
    names only with the consent to sharing with partners): recorded on the provider."""
    before = set(provider.leaders.values_list("pk", flat=True))
    after = {leader.pk for leader in leaders}
    provider.leaders.set(after)
    record_children(obj=provider, by=by, name="leaders", before=before, after=after)


@transaction.atomic
def provider_create(
    *, organisation: Organisation, by: User, leaders: Iterable[User] = (), **fields: Any
) -> Provider:
    provider = create_record(obj=Provider(organisation=organisation, **fields), by=by)
    _set_leaders(provider, leaders, by=by)
    return provider


@transaction.atomic
def provider_update(
    *,
    provider: Provider,
    by: User,
    version: int | None = None,
    leaders: Iterable[User] | None = None,
    **fields: Any,
) -> Provider:
    claim_version(provider, version)
    update_record(obj=provider, by=by, **fields)
    if leaders is not None:
        _set_leaders(provider, leaders, by=by)
    return provider


@transaction.atomic
def closing_period_create(*, organisation: Organisation, by: User, **fields: Any) -> ClosingPeriod:
    return create_record(obj=ClosingPeriod(organisation=organisation, **fields), by=by)


@transaction.atomic
def closing_period_delete(*, period: ClosingPeriod, by: User) -> None:
    delete_record(obj=period, by=by)
