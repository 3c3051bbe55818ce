import datetime

import factory

from parcours.accounts.factories import OrganisationFactory
from parcours.participants.enums import (
    Answer,
    ConsentPurpose,
    Gender,
    InterventionKind,
    LabourMarketStatus,
    LiteracyLevel,
    Orientation,
)
from parcours.participants.models import Consent, Intervention, LiteracyTest, Participant
from parcours.participants.search import normalise


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"P-{n:05d}")
    last_name = factory.Faker("last_name", locale="fr_BE")
    first_name = factory.Faker("first_name", locale="fr_BE")
    gender = Gender.FEMALE
    birth_date = datetime.date(1980, 5, 17)
    birth_country = "BE"
    search_text = factory.LazyAttribute(
        lambda p: normalise(f"{p.last_name} {p.first_name} {p.reference}")
    )

    class Params:
        # Every question of the ESF+ indicators answered "no", inactive on entering; a
        # test then sets the answers it is about.
        esf_answered = factory.Trait(
            labour_market_status=LabourMarketStatus.INACTIVE,
            housing_exclusion=Answer.NO,
            rural_area=Answer.NO,
            disability=Answer.NO,
            foreign_background=Answer.NO,
            minority=Answer.NO,
        )


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    purpose = ConsentPurpose.FOLLOW_UP
    given_on = datetime.date(2026, 1, 12)
    collected_by = factory.SubFactory(
        "parcours.accounts.factories.UserFactory",
        organisation=factory.SelfAttribute("..participant.organisation"),
    )


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    participant = factory.SubFactory(ParticipantFactory)
    date = datetime.date(2026, 2, 3)
    duration_minutes = 45
    kind = InterventionKind.INTERVIEW
    notes = "Entretien de suivi."
    author = factory.SubFactory(
        "parcours.accounts.factories.UserFactory",
        organisation=factory.SelfAttribute("..participant.organisation"),
    )


class LiteracyTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiteracyTest

    participant = factory.SubFactory(ParticipantFactory)
    date = datetime.date(2026, 1, 20)
    examiner = factory.SubFactory(
        "parcours.accounts.factories.UserFactory",
        organisation=factory.SelfAttribute("..participant.organisation"),
    )
    oral_comprehension = LiteracyLevel.A1
    oral_expression = LiteracyLevel.A1_1
    reading = LiteracyLevel.ALPHA_2
    writing = LiteracyLevel.ALPHA_1
    orientation = Orientation.LITERACY
