import datetime

import factory

from parcours.accounts.factories import OrganisationFactory
from parcours.participants.enums import Gender
from parcours.participants.models import Participant


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
