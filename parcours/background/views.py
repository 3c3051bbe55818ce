from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from parcours.accounts.access import public
from parcours.background.health import health as health_report


@public
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For a monitor or a load balancer: the database, the cache and the worker; no
    login, no data (parcours.background.health)."""
    report, status = health_report()
    return JsonResponse(report, status=status)
