"""Closing a year: its report is frozen as handed to the board and the funders."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.audit.services import create_record, update_record
from parcours.reporting.cache import cached
from parcours.reporting.figures import (
    DEFINITIONS_VERSION,
    WHOLE_PROGRAMME,
    Report,
    yearly_report,
)
from parcours.reporting.models import YearClosing


def closing_in_force(organisation, year):
    return YearClosing.objects.in_force().filter(organisation=organisation, year=year).first()


@transaction.atomic
def close_year(organisation, *, year: int, by) -> YearClosing:
    """Freeze the report of a finished ``year`` (as of its 31 December)."""
    end = datetime.date(year, 12, 31)
    if end >= timezone.localdate():
        raise ValidationError(_("A year can only be closed once it is over."))
    if closing_in_force(organisation, year):
        raise ValidationError(_("This year is already closed."))
    report = yearly_report(organisation, year=year, as_of=end)
    closing = YearClosing(
        organisation=organisation,
        year=year,
        report=report.as_json(),
        definitions_version=DEFINITIONS_VERSION,
        closed_by=by,
    )
    return create_record(obj=closing, by=by)


@transaction.atomic
def reopen_year(closing: YearClosing, *, by, reason: str) -> YearClosing:
    """Re-open a closed year: its figures follow the records again. The act is kept."""
    if closing.reopened_at is not None:
        raise ValidationError(_("This year is not closed."))
    if not reason.strip():
        raise ValidationError({"reopen_reason": _("Say why the year is re-opened.")})
    return update_record(
        obj=closing, by=by, reopened_at=timezone.now(), reopened_by=by, reopen_reason=reason.strip()
    )


def live_report(
    organisation, *, year, as_of=None, scope=WHOLE_PROGRAMME, refresh: bool = False
) -> Report:
    """The report computed from the records (kept until they change; ``refresh``
    computes it again whatever is kept, see ``parcours.reporting.precompute``)."""
    as_of = as_of or timezone.localdate()
    return cached(
        organisation,
        lambda: yearly_report(organisation, year=year, as_of=as_of, scope=scope),
        kind="year",
        params={"year": year, "as_of": as_of.isoformat()},
        scope=scope,
        refresh=refresh,
    )


def report_for_year(organisation, *, year, as_of=None, scope=WHOLE_PROGRAMME) -> Report:
    """The report a screen or a file shows: the frozen one for a closed year (whole
    programme, as of its end), otherwise computed from the records."""
    end = datetime.date(year, 12, 31)
    if scope.is_whole_programme and (as_of is None or as_of >= end):
        closing = closing_in_force(organisation, year)
        if closing:
            return Report.from_json(closing.report, closing=closing)
    return live_report(organisation, year=year, as_of=as_of, scope=scope)


def differences(frozen: Report, live: Report) -> list[str]:
    """The figures (dotted keys) a closed year's records now give differently."""
    changed = []

    def walk(before, after, prefix):
        if isinstance(before, dict) and isinstance(after, dict):
            for key in before.keys() | after.keys():
                walk(before.get(key), after.get(key), f"{prefix}{key}.")
        elif before != after:
            changed.append(prefix.rstrip("."))

    # A figure the definitions gained after the year was closed is not a change of records.
    walk(
        {k: v for k, v in frozen.figures.items() if k != "as_of"},
        {k: v for k, v in live.figures.items() if k != "as_of" and k in frozen.figures},
        "",
    )
    return sorted(changed)
