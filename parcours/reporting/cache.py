"""Reports kept for as long as the records behind them do not change.

Every write of the application goes through the audit trail (``parcours.audit.services``),
so the organisation's latest write event is a version of its records: a report computed
at that version is served again until the next write. Reading a file writes a "view"
event, which changes nothing and is not counted. Bulk tools that write without the trail
(the demo, the seed history, synthetic programmes) are for empty or throwaway
organisations. Two writes committed in the opposite order of their events could leave
the newer one unseen for a while; ``REPORT_CACHE_SECONDS`` bounds how long a report is
kept in any case.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from parcours.audit.models import AuditAction, AuditEvent
from parcours.reporting.figures import DEFINITIONS_VERSION, Report

REPORT_CACHE_SECONDS = 5 * 60


def records_version(organisation) -> int:
    """The id of the organisation's latest write in the audit trail (0 when none)."""
    latest = (
        AuditEvent.objects.filter(organisation=organisation)
        .exclude(action=AuditAction.VIEW)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest or 0


def _scope_key(scope) -> str:
    return ",".join(f"{name}={value}" for name, value in sorted(scope.as_params().items()))


def cached(organisation, compute, *, kind: str, params: dict, scope) -> Report:
    """The report ``compute()`` returns, from the cache when the records have not
    changed since it was computed (same organisation, parameters, scope and language)."""
    key = ":".join(
        [
            "report",
            DEFINITIONS_VERSION,
            str(organisation.pk),
            str(records_version(organisation)),
            kind,
            ",".join(f"{name}={value}" for name, value in sorted(params.items())),
            _scope_key(scope),
            get_language() or "",
        ]
    )
    data = cache.get(key)
    if data is not None:
        return Report.from_json(data)
    report = compute()
    cache.set(key, report.as_json(), REPORT_CACHE_SECONDS)
    return report
