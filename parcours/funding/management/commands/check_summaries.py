from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.accounts.models import Organisation
from parcours.funding import summaries


class Command(BaseCommand):
    help = (
        "Compare the hours summary (and the sessions' stored lengths) with the sessions: "
        "print the differences and exit with status 1, or, with --fix, compute them "
        "again (docs/summaries.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", metavar="SLUG", help="Only this organisation.")
        parser.add_argument("--fix", action="store_true", help="Compute the differences again.")

    def handle(self, *args, organisation=None, fix=False, **options):
        organisations = Organisation.objects.order_by("slug")
        if organisation is not None:
            organisations = organisations.filter(slug=organisation)
            if not organisations.exists():
                raise CommandError(f"No organisation {organisation!r}.")
        different = False
        for each in organisations:
            if fix:
                with transaction.atomic():
                    lengths = summaries.fix_durations(each.pk)
                    rows = summaries.refresh(each.pk)
                self.stdout.write(
                    f"{each.slug}: {lengths} session lengths fixed, {rows} summary rows computed"
                )
            stale, found = summaries.check(each.pk)
            if stale or found:
                different = True
                self.stderr.write(
                    f"{each.slug}: {stale} session lengths stale, {len(found)} summary rows "
                    "differ from the sessions"
                )
                for (month, workshop, kind, grant), stored, live in found[:50]:
                    self.stderr.write(
                        f"  {month:%Y-%m} workshop {workshop} {kind} grant {grant or '-'}: "
                        f"stored {stored}, sessions {live}"
                    )
            else:
                self.stdout.write(f"{each.slug}: the hours summary matches the sessions")
        if different:
            raise SystemExit(1)
