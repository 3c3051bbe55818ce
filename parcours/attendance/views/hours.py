"""Workshop hours of a period: the figure funders ask for, open to every role."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from parcours.accounts.access import Capability, requires
from parcours.accounts.http import OrganisationRequest
from parcours.attendance.forms import PeriodForm
from parcours.attendance.hours import workshop_hours, workshop_hours_by_month


@requires(Capability.VIEW_FIGURES)
def hours(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session and user, the period's totals, the same by month.
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial=PeriodForm.year_to_date(today))
    first, last = (
        (form.cleaned_data["first"], form.cleaned_data["last"])
        if form.is_bound and form.is_valid()
        else (datetime.date(today.year, 1, 1), today)
    )
    organisation = request.user.organisation
    return render(
        request,
        "attendance/hours.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "totals": workshop_hours(organisation, first=first, last=last),
            "months": workshop_hours_by_month(organisation, first=first, last=last),
        },
    )
