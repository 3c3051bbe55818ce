import datetime

import factory

from parcours.accounts.factories import OrganisationFactory
from parcours.programme.enums import ProcessType
from parcours.programme.models import Enrolment, Group


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Groupe {n}")
    process_type = ProcessType.REMOBILISATION
    start_date = datetime.date(2026, 1, 5)
    end_date = datetime.date(2026, 10, 30)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    group = factory.SubFactory(GroupFactory)
    participant = factory.SubFactory(
        "parcours.participants.factories.ParticipantFactory",
        organisation=factory.SelfAttribute("..group.organisation"),
    )
    start_date = factory.SelfAttribute("group.start_date")
