import datetime

import pytest
from django.urls import reverse

from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant

CREATE_URL = reverse("participants:participant_create")


def _intake(social_worker, **overrides):
    return {
        "reference": "ER-2026-001",
        "last_name": "Diallo",
        "first_name": "Aïcha",
        "gender": "F",
        "birth_date": "1985-07-30",
        "birth_country": "GN",
        "nationality": "GN",
        "niss": "85.07.30-033.28",
        "qualification_level": "primary",
        "qualification_recognised": "no",
        "inactive_since": "03/2014",
        "french_level": "weak",
        "language_course": "literacy",
        "referred_by": "social_service",
        "social_worker": social_worker.pk,
        "cpas_proof_kind": "integration_income",
        "cpas_proof_date": "2026-01-15",
        **overrides,
    }


@pytest.mark.django_db
def test_social_worker_takes_a_person_in(client, social_worker):
    client.force_login(social_worker)

    response = client.post(CREATE_URL, _intake(social_worker))

    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:participant_detail", args=[participant.pk])
    assert participant.organisation == social_worker.organisation
    assert participant.niss == "85073003328"
    assert participant.birth_country == "GN"
    assert participant.inactive_since == datetime.date(2014, 3, 1)
    assert participant.inactive_since_month_only is True
    assert participant.search_text == "diallo aicha er 2026 001 85073003328"
    event = AuditEvent.objects.get(record_type="participants.participant")
    assert (event.action, event.actor) == (AuditAction.CREATE, social_worker)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"niss": "85.07.30-033.27"}, "niss", "ne correspondent pas"),
        ({"niss": "85.07.31-033.28"}, "niss", ""),
        ({"birth_date": "2099-01-01"}, "birth_date", "futur"),
        ({"gender": "Z"}, "gender", ""),
        ({"qualification_level": "phd"}, "qualification_level", ""),
        ({"language_course": "latin"}, "language_course", ""),
        ({"birth_country": "XX"}, "birth_country", ""),
        ({"inactive_since": "mars"}, "inactive_since", ""),
        ({"cpas_proof_date": ""}, "cpas_proof_date", ""),
        ({"reference": ""}, "reference", ""),
    ],
)
def test_invalid_input_gets_a_message_and_writes_nothing(
    client, social_worker, overrides, field, message
):
    client.force_login(social_worker)

    response = client.post(CREATE_URL, _intake(social_worker, **overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Participant.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_reference_already_used_in_the_organisation(client, social_worker):
    ParticipantFactory(organisation=social_worker.organisation, reference="ER-2026-001")
    client.force_login(social_worker)

    response = client.post(CREATE_URL, _intake(social_worker, niss=""))

    assert response.status_code == 200
    assert "reference" in response.context["form"].errors
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_the_same_reference_in_another_organisation_is_fine(client, social_worker, outsider):
    ParticipantFactory(organisation=outsider.organisation, reference="ER-2026-001")
    client.force_login(social_worker)
    client.post(CREATE_URL, _intake(social_worker))
    assert Participant.objects.filter(organisation=social_worker.organisation).count() == 1


@pytest.mark.django_db
def test_likely_duplicate_is_flagged_before_creating(client, social_worker):
    existing = ParticipantFactory(
        organisation=social_worker.organisation,
        last_name="DIALLO",
        first_name="Aicha",
        birth_date=datetime.date(1985, 7, 30),
    )
    client.force_login(social_worker)

    response = client.post(CREATE_URL, _intake(social_worker, niss=""))

    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert Participant.objects.count() == 1

    confirmed = client.post(CREATE_URL, _intake(social_worker, niss="", confirm_duplicate="on"))

    assert confirmed.status_code == 302
    assert Participant.objects.count() == 2


@pytest.mark.django_db
def test_same_national_number_is_a_likely_duplicate(client, social_worker):
    ParticipantFactory(
        organisation=social_worker.organisation, niss="85073003328", last_name="Autre"
    )
    client.force_login(social_worker)
    response = client.post(CREATE_URL, _intake(social_worker))
    assert len(response.context["duplicates"]) == 1
    # Even when confirmed, the number stays unique in the organisation.
    response = client.post(CREATE_URL, _intake(social_worker, confirm_duplicate="on"))
    assert response.status_code == 200
    assert Participant.objects.count() == 1


@pytest.mark.django_db
def test_profile_update_is_audited_with_what_changed(client, social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation, reference="ER-1")
    client.force_login(social_worker)
    payload = _intake(
        social_worker,
        reference="ER-1",
        last_name=participant.last_name,
        first_name=participant.first_name,
        birth_date=participant.birth_date.isoformat(),
        niss="",
    )

    response = client.post(
        reverse("participants:participant_update", args=[participant.pk]), payload
    )

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.french_level == "weak"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.plain_changes["french_level"] == {"before": "", "after": "weak"}


@pytest.mark.django_db
def test_consent_is_recorded_then_withdrawn(client, social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    client.force_login(social_worker)

    client.post(
        reverse("participants:consent_create", args=[participant.pk]),
        {"purpose": "photos", "given_on": "2026-02-01"},
    )
    consent = participant.consents.get()
    assert (consent.purpose, consent.collected_by) == ("photos", social_worker)

    client.post(reverse("participants:consent_withdraw", args=[participant.pk, consent.pk]))
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    assert AuditEvent.objects.filter(record_type="participants.consent").count() == 2


@pytest.mark.django_db
def test_a_second_consent_in_force_for_the_same_purpose_is_refused(client, social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    client.force_login(social_worker)
    url = reverse("participants:consent_create", args=[participant.pk])
    client.post(url, {"purpose": "photos", "given_on": "2026-02-01"})

    response = client.post(url, {"purpose": "photos", "given_on": "2026-02-02"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert participant.consents.count() == 1
