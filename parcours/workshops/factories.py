import factory

from parcours.accounts.factories import OrganisationFactory
from parcours.workshops.enums import Axis
from parcours.workshops.models import Workshop


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Atelier {n}")
    axis = Axis.EDUCATIONAL
