"""Writes on participant files, each in one transaction with its audit row."""

from django.db import transaction

from parcours.audit.services import create_record, update_record
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import (
    Consent,
    Intervention,
    InterventionDomain,
    LiteracyTest,
    Participant,
)
from parcours.participants.photos import photo_delete


@transaction.atomic
def participant_create(*, organisation, by, **fields) -> Participant:
    participant = Participant(organisation=organisation, **fields)
    participant.refresh_search_text()
    return create_record(obj=participant, by=by)


@transaction.atomic
def participant_update(*, participant, by, **fields) -> Participant:
    for name, value in fields.items():
        setattr(participant, name, value)
    participant.refresh_search_text()
    return update_record(obj=participant, by=by, search_text=participant.search_text, **fields)


@transaction.atomic
def consent_record(*, participant, purpose, given_on, by) -> Consent:
    return create_record(
        obj=Consent(participant=participant, purpose=purpose, given_on=given_on, collected_by=by),
        by=by,
    )


@transaction.atomic
def consent_withdraw(*, consent, withdrawn_on, by) -> Consent:
    consent = update_record(obj=consent, by=by, withdrawn_on=withdrawn_on)
    if consent.purpose == ConsentPurpose.PHOTOS:
        photo_delete(participant=consent.participant, by=by)
    return consent


@transaction.atomic
def intervention_create(
    *, participant, by, date, duration_minutes, kind, domains, notes=""
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
    _set_domains(intervention, domains)
    return intervention


@transaction.atomic
def intervention_update(
    *, intervention, by, date, duration_minutes, kind, domains, notes
) -> Intervention:
    update_record(
        obj=intervention,
        by=by,
        date=date,
        duration_minutes=duration_minutes,
        kind=kind,
        notes=notes,
    )
    _set_domains(intervention, domains)
    return intervention


def _set_domains(intervention, domains) -> None:
    intervention.domains.exclude(domain__in=domains).delete()
    existing = set(intervention.domains.values_list("domain", flat=True))
    InterventionDomain.objects.bulk_create(
        InterventionDomain(intervention=intervention, domain=domain)
        for domain in domains
        if domain not in existing
    )


@transaction.atomic
def literacy_test_record(*, participant, by, examiner, date, orientation, comment="", **levels):
    return create_record(
        obj=LiteracyTest(
            participant=participant,
            examiner=examiner,
            date=date,
            orientation=orientation,
            comment=comment,
            **levels,
        ),
        by=by,
    )
