from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.accounts.models import Organisation
from parcours.attendance import marks, runs
from parcours.funding import summaries
from parcours.workshops.models import Session


class Command(BaseCommand):
    help = (
        "Compare the hours summary (and the sessions' stored lengths and has_marks flags, "
        "the people's runs of absences) with the sessions and their marks: print the "
        "differences and exit with status 1, "
        "or, with --fix, compute them again (docs/summaries.md)."
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
                    flags = marks.refresh_marked(Session.objects.filter(organisation_id=each.pk))
                    fixed_runs = len(runs.stale_runs(each.pk))
                    runs.refresh_organisation_runs(each.pk)
                self.stdout.write(
                    f"{each.slug}: {lengths} session lengths fixed, {rows} summary rows "
                    f"computed, {flags} has_marks flags fixed, {fixed_runs} runs of absences fixed"
                )
            stale, found = summaries.check(each.pk)
            flags_stale = marks.stale_marked(each.pk).count()
            runs_stale = len(runs.stale_runs(each.pk))
            if stale or found or flags_stale or runs_stale:
                different = True
                self.stderr.write(
                    f"{each.slug}: {stale} session lengths stale, {len(found)} summary rows "
                    f"differ from the sessions, {flags_stale} has_marks flags differ from the "
                    f"marks, "
                    f"{runs_stale} runs of absences differ from the marks"
                )
                for (month, workshop, kind, grant), stored, live in found[:50]:
                    self.stderr.write(
                        f"  {month:%Y-%m} workshop {workshop} {kind} grant {grant or '-'}: "
                        f"stored {stored}, sessions {live}"
                    )
            else:
                self.stdout.write(
                    f"{each.slug}: the hours summary, the has_marks flags and the runs of absences "
                    "match the sessions"
                )
        if different:
            raise SystemExit(1)
