"""The yearly reports of the open years, computed ahead.

The report page computes its figures on the first view after a change: at 10,000 people
that is the slow page of the application. Instead, once a change of records is committed
(any write event of the audit trail), a task computes again the reports the page will ask
for: the yearly report of each open year (the current one, and the previous one until it
is closed) that has activity, for the whole programme, as of the date the page uses, in
each language the organisation's people use. The keys are those of the page
(``closing.live_report``), so the next view finds them in the shared cache. The nightly
schedule does the same for every organisation, so that the new day's report is ready.

A burst of writes (a register being taken, an import) gives one task: the first write
sets a flag in the cache (``add``, which only one caller wins) and queues the task, a
minute later where the backend can defer; the flag is cleared when the task starts, so a
write committed during the computation queues the next one.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.tasks import task
from django.utils import timezone, translation

from parcours.accounts.models import Organisation, User
from parcours.audit.models import AuditAction, AuditEvent
from parcours.reporting.closing import closing_in_force, live_report
from parcours.reporting.figures import WHOLE_PROGRAMME, Period, active_enrolments
from parcours.workshops.models import Session

# The task waits this long after the first write of a burst, where the backend can defer.
PRECOMPUTE_DELAY_SECONDS = 60
# A queued task not started within this time (no worker running) lets the next write
# queue another.
PENDING_SECONDS = 15 * 60


def _has_activity(organisation, year: int, as_of: datetime.date) -> bool:
    """Whether anyone was enrolled, or a session held, in the year up to ``as_of``."""
    period = Period.of_year(year, as_of)
    if period.is_empty:
        return False
    return (
        active_enrolments(organisation, period).exists()
        or Session.objects.held()
        .filter(organisation=organisation, date__range=(period.first, period.last))
        .exists()
    )


def open_years(organisation, *, today: datetime.date) -> list[tuple[int, datetime.date]]:
    """The years whose report follows the records, with the date the report page shows
    them as of (today for the current year, 31 December for the previous one): the
    current year and the previous one, unless closed or without activity."""
    years = []
    for year in (today.year, today.year - 1):
        as_of = today if year == today.year else datetime.date(year, 12, 31)
        if closing_in_force(organisation, year) is None and _has_activity(
            organisation, year, as_of
        ):
            years.append((year, as_of))
    return years


def report_languages(organisation) -> list[str]:
    """The languages the organisation's active people see the screens in, French always."""
    available = [code for code, _name in settings.LANGUAGES]
    used = set(
        User.objects.filter(organisation=organisation, is_active=True).values_list(
            "language", flat=True
        )
    )
    used.add(settings.LANGUAGE_CODE)
    return [code for code in available if code in used]


def precompute_open_years(organisation, *, today: datetime.date | None = None) -> list:
    """Compute again, and keep in the cache, the report of each open year with activity in
    each language in use, for the whole programme. Returns the (year, language) pairs."""
    today = today or timezone.localdate()
    done = []
    for year, as_of in open_years(organisation, today=today):
        for language in report_languages(organisation):
            with translation.override(language):
                live_report(
                    organisation, year=year, as_of=as_of, scope=WHOLE_PROGRAMME, refresh=True
                )
            done.append((year, language))
    return done


def scheduled_precompute(organisation, today: datetime.date) -> dict:
    """The nightly job (parcours.background.schedule): how many reports were computed."""
    return {"reports": len(precompute_open_years(organisation, today=today))}


def _pending_key(organisation_id: int) -> str:
    return f"report-precompute:pending:{organisation_id}"


@task
def precompute_reports(organisation_id: int) -> int:
    """The task queued after a change: the open years' reports of one organisation.
    Returns how many reports it computed."""
    # Cleared first: a write committed from now on needs a computation after this one.
    cache.delete(_pending_key(organisation_id))
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return len(precompute_open_years(organisation))


def request_precompute(organisation_id: int):
    """Queue ``precompute_reports`` for the organisation unless one is already waiting.
    Returns the task's result, or None when one was waiting."""
    key = _pending_key(organisation_id)
    if not cache.add(key, True, PENDING_SECONDS):
        return None
    the_task = precompute_reports
    if the_task.get_backend().supports_defer:
        run_after = timezone.now() + datetime.timedelta(seconds=PRECOMPUTE_DELAY_SECONDS)
        the_task = the_task.using(run_after=run_after)
    try:
        return the_task.enqueue(organisation_id)
    except Exception:
        cache.delete(key)  # the next write tries again
        raise


class _AfterCommit:
    """The on-commit callback of one organisation (one per transaction, see below)."""

    def __init__(self, organisation_id: int):
        self.organisation_id = organisation_id

    def __call__(self):
        request_precompute(self.organisation_id)


def _queued_in_transaction(connection, organisation_id: int) -> bool:
    # A callback still registered is as sure to run as one registered now: a savepoint
    # rolled back takes its callbacks with it, and any savepoint still open holds this
    # write too. An import's thousands of events register one.
    return any(
        isinstance(callback, _AfterCommit) and callback.organisation_id == organisation_id
        for _savepoints, callback, _robust in connection.run_on_commit
    )


def records_changed(sender, instance, created, raw=False, using=None, **kwargs):
    """``post_save`` of an audit event: once its transaction commits, queue the
    organisation's pre-computation (``settings.REPORT_PRECOMPUTE``)."""
    if raw or not created or instance.action == AuditAction.VIEW:
        return
    if not settings.REPORT_PRECOMPUTE:
        return
    connection = transaction.get_connection(using)
    if _queued_in_transaction(connection, instance.organisation_id):
        return
    # Robust: the write is committed; a queue that does not answer is logged, not raised.
    transaction.on_commit(_AfterCommit(instance.organisation_id), using=using, robust=True)


def connect():
    post_save.connect(records_changed, sender=AuditEvent, dispatch_uid="report-precompute")
