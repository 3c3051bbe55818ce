"""What the session writers announce, for the records kept from the sessions elsewhere
(the hours summary of ``parcours.funding.summaries``) without this app importing them.

Every write of a session through the ORM is announced: a save or a delete (model
signals, connected in ``apps``), a change of its groups, and the bulk writes of
``SessionQuerySet``. Writers of many sessions wrap them in ``batch`` so the receivers
hear once; a writer of raw rows (the synthetic generator, a bulk insert of the groups'
links) announces itself.
"""

import contextlib
import contextvars

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import Signal

from parcours.workshops.models import Session

# Sent inside the writing transaction once sessions were created, changed or deleted:
# ``organisation_id``; ``dates``, the set of dates before and after the change (None for
# every session of the organisation); ``sessions``, the set of the sessions' ids (None
# when the writer does not name them: then read the dates).
sessions_changed = Signal()

_pending = contextvars.ContextVar("sessions_changed_pending", default=None)
EVERY_DATE = None


def announce_sessions_changed(organisation_id, dates=EVERY_DATE, sessions=None) -> None:
    """Tell the receivers that sessions of the organisation (the ids ``sessions``, when
    the writer knows them) changed on ``dates`` (now, or at the end of the ``batch``
    under way)."""
    dates = EVERY_DATE if dates is EVERY_DATE else {day for day in dates if day is not None}
    if dates is not EVERY_DATE and not dates:
        return
    sessions = None if sessions is None else {pk for pk in sessions if pk is not None}
    pending = _pending.get()
    if pending is None:
        sessions_changed.send(
            sender=None, organisation_id=organisation_id, dates=dates, sessions=sessions
        )
        return
    if organisation_id not in pending:
        pending[organisation_id] = (dates, sessions)
        return
    known_dates, known_sessions = pending[organisation_id]
    pending[organisation_id] = (
        EVERY_DATE if EVERY_DATE in (known_dates, dates) else known_dates | dates,
        None if known_sessions is None or sessions is None else known_sessions | sessions,
    )


@contextlib.contextmanager
def batch():
    """Gather the announcements made inside, and send them once at the end (per
    organisation, the span of their dates). Nested batches join the outer one."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({})
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    for organisation_id, (dates, sessions) in pending.items():
        announce_sessions_changed(organisation_id, dates, sessions)


# -- The model signals -----------------------------------------------------------------


# What a session's hours depend on, and the order of its marks (its start, for the runs
# of absences of ``parcours.attendance``): a save that changes none of them (a register
# validated, a room) is not announced.
COUNTED = (
    "organisation_id",
    "workshop_id",
    "date",
    "duration_minutes",
    "cancelled",
    "provider_kind",
    "start_time",
)


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # What the session had, so a move refreshes the month it left as well.
    instance._counted_before = None
    if raw or instance.pk is None or instance._state.adding:
        return
    if update_fields is not None:
        named = set(update_fields) | {f"{name}_id" for name in update_fields}
        if not named & set(COUNTED):
            return
    instance._counted_before = (
        sender._base_manager.filter(pk=instance.pk).values_list(*COUNTED).first()
    )


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_counted_before", None)
    if created:
        announce_sessions_changed(instance.organisation_id, [instance.date], [instance.pk])
        return
    if before is None or before == tuple(getattr(instance, name) for name in COUNTED):
        return
    announce_sessions_changed(instance.organisation_id, [instance.date], [instance.pk])
    announce_sessions_changed(before[0], [before[2]], [instance.pk])


def _deleted(sender, instance, **kwargs):
    announce_sessions_changed(instance.organisation_id, [instance.date], [instance.pk])


def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A session's groups share its hours between their grants."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            announce_sessions_changed(instance.organisation_id, [instance.date], [instance.pk])
        return
    # From a group's side (``group.sessions.add/remove/clear``): the sessions concerned,
    # read before a clear and announced after it.
    if action in ("post_add", "post_remove"):
        _announce_days(Session.objects.filter(pk__in=pk_set))
    elif action == "pre_clear":
        days = Session.objects.filter(groups=instance).order_by()
        instance._cleared_days = list(days.values_list("organisation_id", "date", "pk"))
    elif action == "post_clear":
        for organisation_id, day, pk in getattr(instance, "_cleared_days", ()):
            announce_sessions_changed(organisation_id, [day], [pk])


def _announce_days(sessions):
    for organisation_id, day, pk in sessions.order_by().values_list(
        "organisation_id", "date", "pk"
    ):
        announce_sessions_changed(organisation_id, [day], [pk])


def connect():
    uid = "sessions-changed"
    pre_save.connect(_before_save, sender=Session, dispatch_uid=uid)
    post_save.connect(_saved, sender=Session, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=Session, dispatch_uid=uid)
    m2m_changed.connect(_groups_changed, sender=Session.groups.through, dispatch_uid=uid)
