from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Organisation
from parcours.audit import chain


class Command(BaseCommand):
    help = (
        "Check that the audit trail's hash chain is unbroken: print where it breaks "
        "(altered, deleted or reordered rows) and exit with status 1, or the number of rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", metavar="SLUG", help="Only this organisation.")

    def handle(self, *args, organisation=None, **options):
        organisations = Organisation.objects.order_by("slug")
        if organisation is not None:
            organisations = organisations.filter(slug=organisation)
            if not organisations.exists():
                raise CommandError(f"No organisation {organisation!r}.")
        broken = False
        for each in organisations:
            count, breaks = chain.verify(each.pk)
            if breaks:
                broken = True
                self.stderr.write(f"{each.slug}: the audit trail is broken ({count} rows)")
                for where in breaks:
                    self.stderr.write(f"  {where}")
            else:
                self.stdout.write(f"{each.slug}: {count} rows, chain sound")
        if broken:
            raise SystemExit(1)
