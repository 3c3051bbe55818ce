"""Anonymise the files whose last activity came before a date (parcours.privacy.services).

Without --yes it only says what it would do. It prints file references, never names:
its output may end up in a terminal's history or a log."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.accounts.models import Organisation
from parcours.privacy.selectors import files_due, retention_policy_for
from parcours.privacy.services import anonymise_inactive


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Anonymise the files whose last activity came before a date."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--inactive-before",
            dest="inactive_before",
            required=True,
            help="YYYY-MM-DD: the files whose last activity came before this day.",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Anonymise them (otherwise only list them)."
        )

    def handle(self, *args, organisation, inactive_before, yes, **options):
        try:
            org = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist as error:
            raise CommandError(f"Unknown organisation {organisation!r}.") from error
        day = _date(inactive_before)
        policy = retention_policy_for(org)
        # A typo in the year must not anonymise the files the CPAS still has to keep.
        latest = policy.inactive_before(timezone.localdate())
        if day > latest:
            raise CommandError(
                f"{day.isoformat()} is within the retention period of {policy.years} years: "
                f"give {latest.isoformat()} or an earlier day."
            )
        if not yes:
            due = list(
                files_due(org, inactive_before=day).values_list("reference", "last_activity")
            )
            for reference, last_activity in due:
                self.stdout.write(f"{reference}\tlast activity {last_activity.isoformat()}")
            self.stdout.write(
                f"{len(due)} files would be anonymised; nothing was changed (add --yes to do it)."
            )
            return
        processing = anonymise_inactive(organisation=org, inactive_before=day, by=None)
        self.stdout.write(f"{processing.file_count if processing else 0} files anonymised.")
