from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from parcours.accounts.access import Capability, public, requires
from parcours.core.dashboard import programme_overview


@requires(Capability.VIEW_DASHBOARD)
def dashboard(request):
    overview = programme_overview(request.user.organisation, today=timezone.localdate())
    return render(request, "core/dashboard.html", {"overview": overview})


@public
def health(request):
    """For the process supervisor: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
