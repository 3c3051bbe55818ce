"""Send the staff digests and the session reminders due on a day, by hand (the nightly
schedule does the same). Running it twice the same day sends nothing more."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.accounts.models import Organisation
from parcours.reminders.services import send_due_digests, send_session_reminders


class Command(BaseCommand):
    help = "Send the staff digests and the participants' session reminders due today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation", help="The organisation's slug (every organisation without it)."
        )
        parser.add_argument("--date", help="YYYY-MM-DD: the day to run for (today without it).")

    def handle(self, *args, organisation=None, date=None, **options):
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"{date!r} is not a date (YYYY-MM-DD).") from error
        else:
            today = timezone.localdate()
        organisations = Organisation.objects.order_by("slug")
        if organisation:
            organisations = organisations.filter(slug=organisation)
            if not organisations.exists():
                raise CommandError(f"Unknown organisation {organisation!r}.")
        for org in organisations:
            digests = send_due_digests(org, today)
            reminders = send_session_reminders(org, today)
            self.stdout.write(
                f"{org.slug} {today.isoformat()}: digests {digests}; reminders {reminders}"
            )
