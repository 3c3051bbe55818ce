"""The national number is checked by the services themselves: the form, the workbook
import and any other caller get the same rule and the same messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parcours.audit.models import AuditEvent
from parcours.participants import services
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant

BORN = datetime.date(1985, 7, 30)


def _fields(**overrides):
    return {
        "reference": "ER-1",
        "last_name": "Diallo",
        "first_name": "Aïcha",
        "birth_date": BORN,
        "gender": "F",
        **overrides,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("niss", "message"),
    [
        ("85073003329", r"The last two digits \(check digits\) do not match"),
        ("8507300332", "A national register number has 11 digits"),
        ("85.07.30-033.28x", "A national register number has 11 digits"),
        ("85073103395", "The number gives the birth date 31/07/1985"),
    ],
)
def test_participant_create_refuses_a_wrong_national_number(
    organisation, social_worker, niss, message
):
    with translation.override("en"), pytest.raises(ValidationError, match=message) as raised:
        services.participant_create(
            organisation=organisation, by=social_worker, **_fields(niss=niss)
        )
    assert list(raised.value.message_dict) == ["niss"]
    assert not Participant.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_participant_create_stores_the_digits(organisation, social_worker):
    participant = services.participant_create(
        organisation=organisation, by=social_worker, **_fields(niss="85.07.30-033.28")
    )
    participant.refresh_from_db()
    assert participant.niss == "85073003328"


@pytest.mark.django_db
def test_participant_update_refuses_a_wrong_national_number(social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation, birth_date=BORN)
    with translation.override("en"), pytest.raises(ValidationError, match="check digits"):
        services.participant_update(participant=participant, by=social_worker, niss="85073003329")
    participant.refresh_from_db()
    assert participant.niss == ""
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_participant_update_checks_the_number_against_a_new_birth_date(social_worker):
    participant = ParticipantFactory(
        organisation=social_worker.organisation, birth_date=BORN, niss="85073003328"
    )
    with translation.override("en"), pytest.raises(ValidationError, match="birth date 30/07/1985"):
        services.participant_update(
            participant=participant, by=social_worker, birth_date=datetime.date(1985, 7, 31)
        )
