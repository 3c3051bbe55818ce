"""The nightly jobs, and the run that starts them (``manage.py run_schedule``).

``SCHEDULE`` is the one list of the jobs: a name (stable: it is stored), the function's
dotted path, how often, and the earliest hour of the day it runs: the computations at
night, the messages when people are awake. The command is meant to run every hour
(a timer or cron); each job runs in the first run at or after its hour. Each function is
called as ``function(organisation, today)`` and returns something JSON-serialisable (a
count, a small dict) kept on the run's row.
Adding a job is one line::

    Job("reports", "parcours.reporting.precompute.scheduled_precompute", DAILY, hour=2),

A function that takes only the organisation is wrapped in a small adapter of its own
app (the schedule never guesses a signature).

Each job is claimed once per (job, organisation, day) by inserting a ``ScheduleRun`` row
under a unique constraint: the second run of the day, or a second machine running the
schedule at the same time, finds the row and does nothing. A job that raises is recorded
failed with its reason and the others still run; it is not retried the same day by a
second run (``--retry-failed`` does that).
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from parcours.background.models import ScheduleRun

logger = logging.getLogger(__name__)

DAILY = "daily"
WEEKLY = "weekly"  # on Mondays


@dataclass(frozen=True)
class Job:
    name: str
    function: str  # dotted path of function(organisation, today)
    frequency: str = DAILY
    hour: int = 2  # local time; never before it on the job's day

    def due_on(self, day: datetime.date, *, now: datetime.datetime | None = None) -> bool:
        """Whether the job runs for ``day``; ``now`` (local time) holds back a job of
        today until its hour. A day asked for by name (``--date``) runs all its jobs."""
        if self.frequency == WEEKLY and day.weekday() != 0:
            return False
        return now is None or day < now.date() or now.hour >= self.hour


SCHEDULE: list[Job] = [
    Job("reports", "parcours.reporting.precompute.scheduled_precompute", DAILY, hour=2),
    Job("retention_queue", "parcours.privacy.jobs.refresh_retention_queue", DAILY, hour=2),
    Job("downloads_purge", "parcours.downloads.services.scheduled_purge", DAILY, hour=2),
    Job("digests", "parcours.reminders.services.scheduled_digests", DAILY, hour=7),
    Job("session_reminders", "parcours.reminders.services.scheduled_reminders", DAILY, hour=10),
]


@dataclass(frozen=True)
class Outcome:
    job: str
    organisation: str
    status: str  # done, failed, skipped (already claimed today)
    detail: str = ""


def _claim(job: Job, organisation, day) -> ScheduleRun | None:
    try:
        with transaction.atomic():
            return ScheduleRun.objects.create(job=job.name, organisation=organisation, day=day)
    except IntegrityError:
        return None


def _reclaim_failed(job: Job, organisation, day) -> ScheduleRun | None:
    moved = ScheduleRun.objects.filter(
        job=job.name, organisation=organisation, day=day, outcome=ScheduleRun.Outcome.FAILED
    ).update(outcome=ScheduleRun.Outcome.RUNNING, failure="", started_at=timezone.now())
    if not moved:
        return None
    return ScheduleRun.objects.get(job=job.name, organisation=organisation, day=day)


def run_schedule(day=None, *, jobs=None, retry_failed=False) -> list[Outcome]:
    """Run the jobs due on ``day`` for every organisation; without a day, those of today
    whose hour has come."""
    from parcours.accounts.models import Organisation

    now = None
    if day is None:
        now = timezone.localtime()
        day = now.date()
    jobs = SCHEDULE if jobs is None else jobs
    outcomes = []
    for organisation in Organisation.objects.order_by("pk"):
        for job in jobs:
            if not job.due_on(day, now=now):
                continue
            run = _claim(job, organisation, day)
            if run is None and retry_failed:
                run = _reclaim_failed(job, organisation, day)
            if run is None:
                outcomes.append(Outcome(job.name, organisation.slug, "skipped"))
                continue
            try:
                result = import_string(job.function)(organisation, day)
            except Exception as error:
                logger.exception("Scheduled job %s failed for %s", job.name, organisation.slug)
                reason = f"{type(error).__name__}: {error}"
                ScheduleRun.objects.filter(pk=run.pk).update(
                    outcome=ScheduleRun.Outcome.FAILED,
                    failure=reason,
                    finished_at=timezone.now(),
                )
                outcomes.append(Outcome(job.name, organisation.slug, "failed", reason))
            else:
                ScheduleRun.objects.filter(pk=run.pk).update(
                    outcome=ScheduleRun.Outcome.DONE,
                    result=result,
                    finished_at=timezone.now(),
                )
                outcomes.append(Outcome(job.name, organisation.slug, "done", str(result)))
    return outcomes
