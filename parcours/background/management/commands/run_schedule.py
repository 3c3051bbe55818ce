"""Run the scheduled jobs for every organisation (parcours.background.schedule).

Idempotent: each job runs once per organisation and day, however often this command
runs; meant to run every hour, each job waiting for its hour. From cron
(docs/background.md): ``5 * * * * cd /srv/parcours && .venv/bin/python manage.py
run_schedule``. Exits with status 1 when a job failed (cron mails it)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from parcours.background import schedule
from parcours.core.plurals import plural


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Run the scheduled jobs whose hour has come, for every organisation, once a day each."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_date, help="YYYY-MM-DD: the day to run (today).")
        parser.add_argument("--job", action="append", help="Only this job (repeatable).")
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Run again the jobs that failed earlier the same day.",
        )

    def handle(self, *args, date, job, retry_failed, **options):
        jobs = schedule.SCHEDULE
        if job:
            unknown = set(job) - {entry.name for entry in jobs}
            if unknown:
                raise CommandError(f"Unknown job: {', '.join(sorted(unknown))}.")
            jobs = [entry for entry in jobs if entry.name in job]
        outcomes = schedule.run_schedule(date, jobs=jobs, retry_failed=retry_failed)
        for outcome in outcomes:
            line = f"{outcome.job}\t{outcome.organisation}\t{outcome.status}"
            self.stdout.write(f"{line}\t{outcome.detail}" if outcome.detail else line)
        failed = [outcome for outcome in outcomes if outcome.status == "failed"]
        if failed:
            raise CommandError(
                f"{plural(len(failed), 'scheduled job', 'scheduled jobs')} failed.", returncode=1
            )
