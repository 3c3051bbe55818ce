from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from parcours.accounts.access import Capability, requires, scoped
from parcours.accounts.http import OrganisationRequest
from parcours.audit.forms import AuditFilterForm
from parcours.audit.models import AuditEvent
from parcours.audit.sealing import open_events


@requires(Capability.VIEW_AUDIT)
def event_list(request: OrganisationRequest) -> HttpResponse:
    # Queries: the users for the filter, the page of events with their authors, the count,
    # the keys of the participants the page's events are about.
    form = AuditFilterForm(request.GET or None, organisation=request.user.organisation)
    events = form.filter(scoped(AuditEvent.objects.select_related("actor"), request.user))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    open_events(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
