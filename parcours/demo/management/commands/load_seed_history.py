from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.accounts.models import Organisation
from parcours.audit.services import create_record
from parcours.demo.seed_history import SeedHistoryError, build_seed_history
from parcours.participants.models import Participant


class Command(BaseCommand):
    help = (
        "Loads the programme's history 2012 to 1 June 2017 behind the seed presentation's "
        "2016 figures (fictitious people) into an organisation without participants."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--name", help="The name of the organisation if it is created (default: the slug)."
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The seed history is fictitious: it is refused in production mode (DEBUG=0)."
            )
        organisation, created = self._organisation(options["organisation"], options["name"])
        if Participant.objects.filter(organisation=organisation).exists():
            raise CommandError(
                f"The organisation “{organisation.slug}” already has participants: "
                "the history is only loaded into an organisation without any."
            )
        try:
            counts = build_seed_history(organisation)
        except SeedHistoryError as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(f"Organisation “{organisation.slug}” created.")
        for label, count in counts.items():
            self.stdout.write(f"  {count:>5} {label}")
        self.stdout.write(self.style.SUCCESS(f"History loaded into “{organisation.slug}”."))

    def _organisation(self, slug, name):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is not None:
            return organisation, False
        return create_record(obj=Organisation(name=name or slug, slug=slug), by=None), True
