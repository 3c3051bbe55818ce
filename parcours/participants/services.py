"""Writes on participant files, each in one transaction with its audit row."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.audit.services import create_record, record_children, update_record
from parcours.audit.versions import claim_version
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import (
    Consent,
    Intervention,
    InterventionDomain,
    LiteracyTest,
    Participant,
)
from parcours.participants.niss import clean_niss
from parcours.participants.photos import photo_delete


def checked_niss(niss: str | None, *, birth_date: datetime.date | None) -> str:
    """The national number as stored (its 11 digits, or empty), whoever writes it: the
    form, the workbook import (which writes in bulk, row by row problems) or an API.
    ``ValidationError`` on ``niss`` says what is wrong."""
    try:
        return clean_niss(niss or "", birth_date=birth_date)
    except ValidationError as error:
        raise ValidationError({"niss": error.error_list}) from error


def _checked_niss(participant: Participant) -> str:
    return checked_niss(participant.niss, birth_date=participant.birth_date)


@transaction.atomic
def participant_create(*, organisation: Organisation, by: User, **fields: Any) -> Participant:
    participant = Participant(organisation=organisation, **fields)
    participant.niss = _checked_niss(participant)
    participant.refresh_search_text()
    return create_record(obj=participant, by=by)


@transaction.atomic
def participant_update(
    *, participant: Participant, by: User, version: int | None = None, **fields: Any
) -> Participant:
    """Save the changed ``fields`` if ``version`` is still the stored one (``StaleVersion``
    otherwise, and nothing is written). An anonymised file is never written back into."""
    if participant.anonymised_on:
        raise ValidationError(_("This file has been anonymised: it can no longer be changed."))
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.niss = _checked_niss(participant)
    claim_version(participant, version)
    participant.refresh_search_text()
    return update_record(
        obj=participant,
        by=by,
        search_text=participant.search_text,
        **{**fields, "niss": participant.niss},
    )


@transaction.atomic
def consent_record(
    *, participant: Participant, purpose: str, given_on: datetime.date, by: User
) -> Consent:
    return create_record(
        obj=Consent(participant=participant, purpose=purpose, given_on=given_on, collected_by=by),
        by=by,
    )


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    withdrawn_on: datetime.date,
    by: User | None,
    version: int | None = None,
) -> Consent:
    claim_version(consent, version)
    consent = update_record(obj=consent, by=by, withdrawn_on=withdrawn_on)
    if consent.purpose == ConsentPurpose.PHOTOS:
        photo_delete(participant=consent.participant, by=by)
    return consent


@transaction.atomic
def intervention_create(
    *,
    participant: Participant,
    by: User,
    date: datetime.date,
    duration_minutes: int,
    kind: str,
    domains: Iterable[str],
    notes: str = "",
) -> Intervention:
    intervention = create_record(
        obj=Intervention(
            participant=participant,
            date=date,
            duration_minutes=duration_minutes,
            kind=kind,
            notes=notes,
            author=by,
        ),
        by=by,
    )
    _set_domains(intervention, domains, by=by)
    return intervention


@transaction.atomic
def intervention_update(
    *,
    intervention: Intervention,
    by: User,
    date: datetime.date,
    duration_minutes: int,
    kind: str,
    domains: Iterable[str],
    notes: str,
    version: int | None = None,
) -> Intervention:
    claim_version(intervention, version)
    update_record(
        obj=intervention,
        by=by,
        date=date,
        duration_minutes=duration_minutes,
        kind=kind,
        notes=notes,
    )
    _set_domains(intervention, domains, by=by)
    return intervention


def _set_domains(intervention: Intervention, domains: Iterable[str], *, by: User) -> None:
    """One row per domain worked on; the change is recorded on the intervention."""
    before = set(intervention.domains.values_list("domain", flat=True))
    after = set(domains)
    intervention.domains.exclude(domain__in=after).delete()
    InterventionDomain.objects.bulk_create(
        InterventionDomain(intervention=intervention, domain=domain) for domain in after - before
    )
    record_children(obj=intervention, by=by, name="domains", before=before, after=after)


@transaction.atomic
def literacy_test_record(
    *,
    participant: Participant,
    by: User,
    examiner: User | None,
    date: datetime.date,
    orientation: str,
    comment: str = "",
    duration_minutes: int | None = None,
    **levels: Any,
) -> LiteracyTest:
    return create_record(
        obj=LiteracyTest(
            participant=participant,
            examiner=examiner,
            date=date,
            duration_minutes=duration_minutes,
            orientation=orientation,
            comment=comment,
            **levels,
        ),
        by=by,
    )
