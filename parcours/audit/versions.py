"""Refusing stale edits: each edit form carries the version of the record it was opened
with, and the update service moves the version in the same statement that checks it.

Of two people saving the same version, only the first one wins, on SQLite and PostgreSQL
alike; the second is shown what the first saved, with their own input kept.
"""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from parcours.audit.models import AuditAction, AuditEvent
from parcours.core.models import Versioned


class StaleVersion(Exception):
    """Someone else saved the record since the form was opened: nothing was written."""

    def __init__(self, current: Versioned) -> None:
        super().__init__(_("Someone else saved this record in the meantime."))
        self.current = current


def claim_version(obj: Versioned, version: int | None) -> None:
    """Move ``obj``'s stored version on by one if it is still ``version``, or raise
    ``StaleVersion`` with the stored record. ``version=None`` (a caller with no form, such
    as an import) moves it without checking, so that any form open on it becomes stale.

    Call it inside the update's transaction, before writing: its UPDATE also locks the
    row until the end of the transaction.
    """
    model = obj._meta.model
    rows = model._base_manager.filter(pk=obj.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise StaleVersion(model._base_manager.get(pk=obj.pk))
    obj.version = model._base_manager.values_list("version", flat=True).get(pk=obj.pk)


def _shown(record, name):
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    if hasattr(value, "all"):  # a many-to-many field
        return ", ".join(str(item) for item in value.all())
    if isinstance(value, datetime.time):
        return time_format(value, "TIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def stale_message(form, current):
    """The message of a refused stale form: who saved, and the values stored now of the
    fields the form shows."""
    last = (
        AuditEvent.objects.filter(
            record_type=current._meta.label_lower,
            record_id=str(current.pk),
            action=AuditAction.UPDATE,
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None and last.actor is not None:
        head = _(
            "%(name)s saved this record on %(when)s, while you were editing it. Nothing of "
            "yours has been saved, and nothing of theirs has been replaced."
        ) % {
            "name": last.actor,
            "when": date_format(timezone.localtime(last.created_at), "SHORT_DATETIME_FORMAT"),
        }
    else:
        head = _(
            "Someone else saved this record while you were editing it. Nothing of yours has "
            "been saved, and nothing of theirs has been replaced."
        )
    rows = format_html_join(
        "",
        "<dt>{}</dt><dd>{}</dd>",
        (
            (form.fields[name].label or name, _shown(current, name) or "\N{EN DASH}")
            for name in form.fields
            if name != "version" and _has_value(current, name)
        ),
    )
    return format_html(
        '<span class="stale">{}</span> <span>{}</span><dl class="facts">{}</dl><span>{}</span>',
        head,
        _("What is saved now:"),
        rows,
        _("Your input is kept in the form: compare, then save again to keep your version."),
    )


def _has_value(record, name) -> bool:
    try:
        record._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True
