"""The hours summary (``HoursSummary``, docs/summaries.md): the minutes of the sessions
held, pre-summed per organisation, month, workshop and provider kind, whole and per grant.

The yearly report sums a few thousand of these rows instead of hundreds of thousands of
sessions. It is kept by recomputing the months a write touches, inside the writing
transaction: the session writers announce their changes (``workshops.signals``), and the
saves of grants and charges refresh the months those cover (``connect``).
``differences`` (``manage.py check_summaries``) compares it with the sessions.

Here because it is the lowest app that knows both the sessions and their charges to
grants; the report above reads it.
"""

import datetime

from django.db import transaction
from django.db.models import F, FloatField, Sum
from django.db.models.functions import ExtractHour, ExtractMinute
from django.db.models.signals import post_delete, post_save, pre_save

from parcours.accounts.models import Organisation
from parcours.attendance.hours import (
    held_sessions,
    minutes_by_domain,
    minutes_by_quarter,
    summary_by_domain,
    summary_by_quarter,
)
from parcours.core.dates import month_of, next_month
from parcours.funding.allocation import charged_to, session_share
from parcours.funding.models import Grant, GroupCharge, HoursSummary, SessionCharge
from parcours.workshops import signals as workshop_signals
from parcours.workshops.models import Session

DAY = datetime.timedelta(days=1)
# Fractions of minutes (a grant's part) summed in another order differ in the last bits.
TOLERANCE = 1e-6


# -- Computing and keeping -----------------------------------------------------------------


def live_rows(organisation_id, first=None, last=None) -> dict:
    """The summary's rows computed from the sessions held from ``first`` to ``last``
    (every session when None): ``{(month, workshop_id, provider_kind, grant_id): minutes}``,
    one query for the whole sessions and one per grant of the period."""
    sessions = Session.objects.held().filter(organisation_id=organisation_id)
    grants = Grant.objects.filter(organisation_id=organisation_id)
    if first is not None:
        sessions = sessions.between(first, last)
        grants = grants.overlapping(first, last)
    rows = {}
    _add_by_month(rows, sessions, Sum("duration_minutes"), None)
    for grant in grants:
        charged = charged_to(sessions.between(grant.start_date, grant.end_date), [grant.pk])
        weighted = Sum(F("duration_minutes") * session_share([grant.pk]), output_field=FloatField())
        _add_by_month(rows, charged, weighted, grant.pk)
    return {key: minutes for key, minutes in rows.items() if minutes}


def _add_by_month(rows, sessions, total, grant_id) -> None:
    """Sum per day in the database (no date function per row, which SQLite runs in
    Python), then per month here."""
    grouped = (
        sessions.order_by()
        .values("date", "workshop_id", "provider_kind")
        .annotate(minutes=total)
        .values_list("date", "workshop_id", "provider_kind", "minutes")
    )
    for day, workshop_id, provider_kind, minutes in grouped:
        key = (month_of(day), workshop_id, provider_kind, grant_id)
        rows[key] = rows.get(key, 0.0) + (minutes or 0)


def _stored_rows(organisation_id, first=None, last=None):
    rows = HoursSummary.objects.filter(organisation_id=organisation_id)
    if first is not None:
        rows = rows.filter(month__gte=month_of(first), month__lte=last)
    return rows


def _span(dates):
    """The whole months from the first to the last of ``dates``: (first day, last day)."""
    return month_of(min(dates)), next_month(max(dates)) - DAY


@transaction.atomic
def refresh(organisation_id, dates=None) -> int:
    """Compute again the months from the first to the last of ``dates`` (every month when
    None) from the sessions. Returns the number of rows now stored for them (0 for no
    dates)."""
    if dates is not None and not dates:
        return 0
    # One refresh of an organisation at a time: two would each delete the rows, then
    # both insert theirs.
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    first, last = (None, None) if dates is None else _span(dates)
    rows = live_rows(organisation_id, first, last)
    _stored_rows(organisation_id, first, last).delete()
    HoursSummary.objects.bulk_create(
        [
            HoursSummary(
                organisation_id=organisation_id,
                month=month,
                workshop_id=workshop_id,
                provider_kind=provider_kind,
                grant_id=grant_id,
                minutes=minutes,
            )
            for (month, workshop_id, provider_kind, grant_id), minutes in rows.items()
        ],
        batch_size=1000,
    )
    return len(rows)


def sessions_changed(sender, organisation_id, dates, **kwargs):
    """Receiver of ``workshops.signals.sessions_changed``."""
    refresh(organisation_id, dates)


def _grant_before(sender, instance, raw=False, **kwargs):
    # The period the grant had: its charges stop counting on the days it leaves.
    instance._period_before = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._period_before = (
            Grant.objects.filter(pk=instance.pk).values_list("start_date", "end_date").first()
        )


def _grant_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_period_before", None)
    if raw or created or before == (instance.start_date, instance.end_date):
        return  # a new grant has no charges yet; other fields change no hours
    refresh(instance.organisation_id, {instance.start_date, instance.end_date, *(before or ())})


def _charge_changed(sender, instance, raw=False, **kwargs):
    """A group's charge counts on the sessions of its grant's period, a session's on
    that session."""
    if raw:
        return
    grant = instance.grant
    if isinstance(instance, SessionCharge):
        refresh(grant.organisation_id, [instance.session.date])
    else:
        refresh(grant.organisation_id, [grant.start_date, grant.end_date])


def connect():
    """The writes the summary follows: the sessions (announced by their app), the grants'
    periods and the charges, whatever writes them (``apps``)."""
    uid = "hours-summary"
    workshop_signals.sessions_changed.connect(sessions_changed, dispatch_uid=uid)
    pre_save.connect(_grant_before, sender=Grant, dispatch_uid=uid)
    post_save.connect(_grant_saved, sender=Grant, dispatch_uid=uid)
    for model in (GroupCharge, SessionCharge):
        post_save.connect(_charge_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_charge_changed, sender=model, dispatch_uid=uid)


def differences(organisation_id) -> list[tuple]:
    """The rows where the summary differs from the sessions: ``(key, stored, live)``, a
    missing row being None."""
    stored = {}
    for row in _stored_rows(organisation_id).values(
        "month", "workshop_id", "provider_kind", "grant_id", "minutes"
    ):
        key = (row["month"], row["workshop_id"], row["provider_kind"], row["grant_id"])
        stored[key] = stored.get(key, 0) + row["minutes"]
    live = live_rows(organisation_id)
    found = []
    for key in sorted(stored.keys() | live.keys(), key=str):
        before, after = stored.get(key), live.get(key)
        if before is None or after is None or abs(before - after) > TOLERANCE:
            found.append((key, before, after))
    return found


def check(organisation_id) -> tuple[int, list[tuple]]:
    """``(sessions with a stale length, summary rows differing)``: ``(0, [])`` when the
    organisation's stored hours follow its sessions."""
    return stale_durations(organisation_id).count(), differences(organisation_id)


def stale_durations(organisation_id):
    """The sessions whose stored length is not that of their times (none, unless a raw
    write skipped ``Session``'s own writers)."""
    computed = (
        ExtractHour("end_time") * 60
        + ExtractMinute("end_time")
        - ExtractHour("start_time") * 60
        - ExtractMinute("start_time")
    )
    return Session.objects.filter(organisation_id=organisation_id).exclude(
        duration_minutes=computed
    )


def fix_durations(organisation_id) -> int:
    """Store the right length on the ``stale_durations``; returns how many."""
    stale = list(
        stale_durations(organisation_id).only(
            "pk", "organisation_id", "date", "start_time", "end_time"
        )
    )
    Session.objects.bulk_update(stale, ["start_time", "end_time"], batch_size=500)
    return len(stale)


# -- Reading ------------------------------------------------------------------------------


def _whole_months(first, last):
    """The whole months within ``first``-``last`` (None when there are none) and the
    stretches left at either end, read from the sessions."""
    start = first if first.day == 1 else next_month(first)
    end = last if last + DAY == next_month(last) else month_of(last) - DAY
    if start > end:
        return None, [(first, last)]
    edges = []
    if first < start:
        edges.append((first, start - DAY))
    if end < last:
        edges.append((end + DAY, last))
    return (start, end), edges


def _summary(organisation, months, grants):
    rows = HoursSummary.objects.filter(
        organisation=organisation, month__gte=months[0], month__lte=months[1]
    )
    return rows.filter(grant__isnull=True) if grants is None else rows.filter(grant__in=grants)


def _sessions(organisation, first, last, grants):
    sessions = held_sessions(organisation, first=first, last=last)
    return sessions if grants is None else charged_to(sessions, grants)


def _weight(grants):
    return None if grants is None else session_share(grants)


def quarter_minutes(organisation, *, first, last, grants=None) -> dict:
    """``attendance.hours.minutes_by_quarter`` of the sessions held from ``first`` to
    ``last`` (the part charged to ``grants`` when given): the whole months from the
    summary, the days of a month begun or not ended from the sessions."""
    months, edges = _whole_months(first, last)
    found = summary_by_quarter(_summary(organisation, months, grants)) if months else {}
    for start, end in edges:
        part = minutes_by_quarter(
            _sessions(organisation, start, end, grants), weight=_weight(grants)
        )
        for quarter, sums in part.items():
            into = found.setdefault(quarter, dict.fromkeys(sums, 0))
            for key, value in sums.items():
                into[key] += value
    return found


def domain_minutes(organisation, *, first, last, grants=None) -> dict:
    """``attendance.hours.minutes_by_domain`` likewise."""
    months, edges = _whole_months(first, last)
    found = summary_by_domain(_summary(organisation, months, grants)) if months else {}
    for start, end in edges:
        part = minutes_by_domain(
            _sessions(organisation, start, end, grants), weight=_weight(grants)
        )
        for domain, value in part.items():
            found[domain] = found.get(domain, 0) + value
    return found
