import factory

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User

TEST_PASSWORD = "a-long-test-password-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"CPAS {n}")
    slug = factory.Sequence(lambda n: f"cpas-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    organisation = factory.SubFactory(OrganisationFactory)
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.SOCIAL_WORKER
    password = factory.django.Password(TEST_PASSWORD)

    class Params:
        coordinator = factory.Trait(role=Role.COORDINATOR)
        social_worker = factory.Trait(role=Role.SOCIAL_WORKER)
        workshop_leader = factory.Trait(role=Role.WORKSHOP_LEADER)
        viewer = factory.Trait(role=Role.VIEWER)
