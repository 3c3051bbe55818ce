"""Printable attendance sheets (A4 PDF): a session's, a group's month; with the logos of
the funders their work is charged to, and no logo box when none is known."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from parcours.accounts.access import Capability, get_object_for, requires
from parcours.accounts.http import OrganisationRequest
from parcours.attendance.forms import month_asked
from parcours.attendance.grids import month_grid, register_rows
from parcours.attendance.selectors import visible_sessions
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.core.pdf import render_pdf
from parcours.funding.logos import printed_logos
from parcours.funding.selectors import funders_with_logo
from parcours.participants.selectors import NamesShown
from parcours.programme.selectors import visible_groups
from parcours.workshops.models import Session


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)  # type: ignore[assignment]  # None only without a file name
    return response


@requires(Capability.VIEW_PROGRAMME)
def session_sheet(request: OrganisationRequest, pk: int) -> HttpResponse:
    session = get_object_for(
        request,
        visible_sessions(request.user).select_related("workshop", "leader", "provider"),
        capability=Capability.VIEW_PROGRAMME,
        pk=pk,
    )
    context = {
        "session": session,
        "groups": list(session.groups.order_by("name")),
        "rows": register_rows(session),
        "organisation": request.user.organisation,
        "logos": printed_logos(funders_with_logo(Session.objects.filter(pk=session.pk))),
        "names": NamesShown(request.user),
    }
    content = render_pdf("attendance/sheet_session.html", context)
    record_opened(obj=session, by=request.user, purpose=AuditPurpose.PRINTING)
    return _pdf_response(content, f"presences-{session.date:%Y-%m-%d}-{session.pk}.pdf")


@requires(Capability.VIEW_PROGRAMME)
def group_month_sheet(request: OrganisationRequest, pk: int) -> HttpResponse:
    group = get_object_for(
        request, visible_groups(request.user), capability=Capability.VIEW_PROGRAMME, pk=pk
    )
    first = month_asked(request)
    grid = month_grid(group, first)
    sessions = Session.objects.filter(pk__in=[session.pk for session in grid["sessions"]])
    context = {
        "group": group,
        "grid": grid,
        "organisation": request.user.organisation,
        "logos": printed_logos(funders_with_logo(sessions)),
        # The programme's own sheet lists everybody; a funder's pack may leave people out.
        "left_out": "",
        "names": NamesShown(request.user),
    }
    content = render_pdf("attendance/sheet_month.html", context)
    record_opened(obj=group, by=request.user, purpose=AuditPurpose.PRINTING)
    return _pdf_response(content, f"presences-{group.pk}-{first:%Y-%m}.pdf")
