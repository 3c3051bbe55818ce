"""Reports kept for as long as the records behind them do not change.

Every write of the application goes through the audit trail (``parcours.audit.services``),
so the organisation's latest write event is a version of its records: a report computed
at that version is served again until the next write. Reading a file writes a "view"
event, which changes nothing and is not counted. The version is the event last in the
organisation's chain: writers number their events one at a time, holding the chain's head
until they commit (``parcours.audit.chain``), so the numbers follow the commits whatever
the clocks of the machines, and a report computed at a version holds every write up to
it. Bulk tools that write without the trail (the demo, the seed history, synthetic
programmes) are for empty or throwaway organisations; ``REPORT_CACHE_SECONDS`` bounds
how long a report computed for a page is kept in any case.

The reports are kept in Django's default cache, which every web worker and machine
shares (the database cache, or Redis: ``settings.CACHES``). Reports computed ahead after
a change (``parcours.reporting.precompute``) are kept longer.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from parcours.audit.models import AuditAction, AuditEvent
from parcours.reporting.figures import DEFINITIONS_VERSION, Report

REPORT_CACHE_SECONDS = 5 * 60
# Computed ahead, to be found ready the next morning; recomputed after every write.
PRECOMPUTED_REPORT_SECONDS = 24 * 60 * 60


def records_version(organisation) -> int:
    """The id of the organisation's latest write in the audit trail (0 when none)."""
    latest = (
        AuditEvent.objects.filter(organisation=organisation)
        .exclude(action=AuditAction.VIEW)
        .order_by("-sequence")
        .values_list("pk", flat=True)
        .first()
    )
    return latest or 0


def _scope_key(scope) -> str:
    return ",".join(f"{name}={value}" for name, value in sorted(scope.as_params().items()))


def report_key(organisation, *, version: int, kind: str, params: dict, scope) -> str:
    """The cache key of a report: what it is of, at which version of the records, in the
    active language."""
    return ":".join(
        [
            "report",
            DEFINITIONS_VERSION,
            str(organisation.pk),
            str(version),
            kind,
            ",".join(f"{name}={value}" for name, value in sorted(params.items())),
            _scope_key(scope),
            get_language() or "",
        ]
    )


def cached(
    organisation, compute, *, kind: str, params: dict, scope, refresh: bool = False
) -> Report:
    """The report ``compute()`` returns, from the cache when the records have not
    changed since it was computed (same organisation, parameters, scope and language).

    ``refresh`` computes it whatever the cache holds and keeps it for a day
    (``PRECOMPUTED_REPORT_SECONDS``): the report computed ahead.
    """
    key = report_key(
        organisation, version=records_version(organisation), kind=kind, params=params, scope=scope
    )
    if not refresh:
        data = cache.get(key)
        if data is not None:
            return Report.from_json(data)
    report = compute()
    cache.set(
        key, report.as_json(), PRECOMPUTED_REPORT_SECONDS if refresh else REPORT_CACHE_SECONDS
    )
    return report
