"""The yearly report, read only: the figures of the report page's JSON download, asked
for with the same parameters and checked by the same form."""

import json
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from parcours.accounts.access import Capability, check
from parcours.api import schemas
from parcours.api.errors import ApiProblem
from parcours.api.resources import MAX_ID, IsoDate, reads
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.programme.enums import ProcessType
from parcours.reporting.closing import report_for_year
from parcours.reporting.forms import FIRST_YEAR, ReportForm

reports = Router(tags=["reports"])


def valid_report_form(request, values: dict, *, today) -> ReportForm:
    """The report page's form filled with the query's values (None: not given); refused
    (422) with its messages, each at its parameter."""
    data = {name: str(value) for name, value in values.items() if value is not None}
    form = ReportForm(data, organisation=request.user.organisation, today=today)
    if not form.is_valid():
        raise ApiProblem(
            422,
            "invalid-parameters",
            _("The report asked for is not valid."),
            errors=[
                {"location": f"query.{name}", "message": message}
                for name, messages in form.errors.items()
                for message in messages
            ],
        )
    return form


@reports.get("/reports/yearly", response=reads(schemas.YearlyReport))
def yearly_report(
    request,
    year: Annotated[
        int, Query(ge=FIRST_YEAR, le=9999, description="The calendar year of the figures.")
    ],
    as_of: Annotated[IsoDate | None, Query(description="Only what happened by that date.")] = None,
    process_type: ProcessType | None = None,
    group: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    funder: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    grant: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
):
    """Every role of the organisation reads the figures, as on the report page; a closed
    year gives its frozen figures."""
    check(request.user, Capability.VIEW_FIGURES)
    values = {
        "year": year,
        "as_of": as_of,
        "process_type": process_type,
        "group": group,
        "funder": funder,
        "grant": grant,
    }
    form = valid_report_form(request, values, today=timezone.localdate())
    report = report_for_year(
        request.user.organisation,
        year=form.cleaned_data["year"],
        as_of=form.effective_as_of(),
        scope=form.scope(),
    )
    record_opened(
        obj=report.closing or request.user.organisation,
        by=request.user,
        purpose=AuditPurpose.DOWNLOAD,
    )
    return {
        "year": form.cleaned_data["year"],
        "as_of": form.effective_as_of(),
        "closed": report.closing is not None,
        # The figures as the JSON download writes them (dates and decimals as text), then
        # what the page shows beside them: the counts behind the percentages, the hours
        # of workshops per domain, the individual and collective work by quarter.
        **{
            part: json.loads(json.dumps(value, cls=DjangoJSONEncoder))
            for part, value in (
                ("figures", report.figures),
                ("counts", report.counts),
                ("domain_hours", report.domain_hours),
                ("work_share", report.work_share),
            )
        },
    }
