import factory

from parcours.accounts.factories import OrganisationFactory
from parcours.workbook.enums import JobStatus
from parcours.workbook.models import ImportJob


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    organisation = factory.SubFactory(OrganisationFactory)
    file_name = "programme.xlsx"
    file_size = 1234
    content = b""
    language = "fr"
    status = JobStatus.READY
    counts = factory.LazyFunction(
        lambda: {"participants": {"created": 2, "updated": 1, "unchanged": 0}}
    )
