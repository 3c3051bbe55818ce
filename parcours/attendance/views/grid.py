"""The monthly attendance grid of a group."""

from django.http import HttpResponse
from django.shortcuts import render

from parcours.accounts.access import Capability, get_object_for, requires
from parcours.accounts.http import OrganisationRequest
from parcours.attendance.forms import month_asked
from parcours.attendance.grids import month_grid
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.core.dates import add_months, next_month
from parcours.programme.models import Group
from parcours.programme.selectors import visible_groups


def group_for(request: OrganisationRequest, pk: int) -> Group:
    # get_object_for is untyped: the record of the queryset given.
    group: Group = get_object_for(
        request, visible_groups(request.user), capability=Capability.VIEW_PROGRAMME, pk=pk
    )
    return group


@requires(Capability.VIEW_PROGRAMME)
def group_month(request: OrganisationRequest, pk: int) -> HttpResponse:
    group = group_for(request, pk)
    first = month_asked(request)
    previous = add_months(first, -1)
    following = next_month(first)
    record_opened(obj=group, by=request.user, purpose=AuditPurpose.CONSULTATION)
    context = {
        "group": group,
        "grid": month_grid(group, first),
        "previous": previous,
        "following": following,
    }
    return render(request, "attendance/group_month.html", context)
