import datetime

import factory

from parcours.accounts.factories import OrganisationFactory
from parcours.workshops.enums import Axis, ProviderKind
from parcours.workshops.models import Provider, Session, Workshop


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Atelier {n}")
    axis = Axis.EDUCATIONAL


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"ASBL Partenaire {n}")
    kind = ProviderKind.PARTNER


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    workshop = factory.SubFactory(
        WorkshopFactory, organisation=factory.SelfAttribute("..organisation")
    )
    date = datetime.date(2026, 3, 3)
    start_time = datetime.time(13, 30)
    end_time = datetime.time(16, 30)
    provider_kind = ProviderKind.TEAM

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)
