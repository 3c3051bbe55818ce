"""The federation analyst's pages: the federation's figures, on screen and as a CSV or
XLSX file.

Only ``parcours.reporting.federation`` is read: summed and compared reports with the
small cells suppressed, never a row nor a name. Every opening is written in the trail of
each member CPAS whose figures it read, as a report read (by the worker, queued here).
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, requires
from parcours.accounts.http import AuthenticatedRequest
from parcours.accounts.models import Federation
from parcours.audit.models import AuditPurpose
from parcours.background.jobs import enqueue_after_commit
from parcours.core.exports import spreadsheet_csv
from parcours.reporting.display import XLSX_TYPE, display_table, format_cell
from parcours.reporting.federation import (
    FederationReport,
    SideTable,
    federation_report,
    record_federation_read,
)
from parcours.reporting.federation_exports import federation_xlsx
from parcours.reporting.federation_forms import FederationReportForm


def _federation(request: AuthenticatedRequest) -> Federation:
    """The analyst's federation: the capability is only held with one (``user_can``)."""
    federation = request.user.federation
    if federation is None:
        raise PermissionDenied
    return federation


def _form(request: AuthenticatedRequest) -> FederationReportForm:
    members = list(_federation(request).organisations.order_by("name"))
    form = FederationReportForm(request.GET, members=members, today=timezone.localdate())
    form.is_valid()
    return form


def _report(request: AuthenticatedRequest, form: FederationReportForm) -> FederationReport:
    report: FederationReport = federation_report(
        _federation(request),
        year=form.cleaned_data["year"],
        as_of=form.as_of(),
        site=form.chosen_site(),
    )
    return report


def _record_read(
    request: AuthenticatedRequest, report: FederationReport, purpose: AuditPurpose
) -> None:
    # Each member's trail says who read its figures (the total reads every member),
    # written by the worker: one queued task, whatever the number of CPAS.
    members = [member.pk for member in report.members]
    enqueue_after_commit(record_federation_read, request.user.pk, members, str(purpose))


def _side_table(table: SideTable, sites: list[str]) -> dict[str, object]:
    return {
        "key": table.key,
        "title": table.title,
        "sites": sites,
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "measure": row.measure,
                "cells": [format_cell(value, row.kind) for value in row.cells],
            }
            for row in table.rows
        ],
    }


@requires(Capability.VIEW_FEDERATION_FIGURES)
def federation(request: AuthenticatedRequest) -> HttpResponse:
    # Queries: the session and user, the federation and its members (twice: the form's
    # choices, then with their versions), the closings in force, one cache read for
    # every member's report (and the reports not kept yet), the task writing the trail
    # rows: a fixed number whatever the number of CPAS, when their reports are kept.
    form = _form(request)
    context: dict[str, object] = {
        "form": form,
        "report": None,
        "federation": _federation(request),
    }
    if not form.is_valid():
        return render(request, "reporting/federation.html", context, status=400)
    report = _report(request, form)
    _record_read(request, report, AuditPurpose.REPORT)
    sites = [_("Federation")] + [member.name for member in report.shown]
    context.update(
        {
            "report": report,
            "year": report.year,
            "as_of": report.as_of,
            "tables": [display_table(table, people_url=None, params={}) for table in report.total],
            "side_by_side": [_side_table(table, sites) for table in report.side_by_side],
            "csv_url": f"{reverse('reporting:federation_csv')}?{urlencode(form.cleaned_data)}",
            "xlsx_url": f"{reverse('reporting:federation_xlsx')}?{urlencode(form.cleaned_data)}",
        }
    )
    return render(request, "reporting/federation.html", context)


def _download(
    request: AuthenticatedRequest,
    extension: str,
    content_type: str,
    write: Callable[[FederationReport], str | bytes],
) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return HttpResponse(
            _("The report asked for is not valid."), status=400, content_type="text/plain"
        )
    report = _report(request, form)
    _record_read(request, report, AuditPurpose.DOWNLOAD)
    response = HttpResponse(write(report), content_type=content_type)
    name = f"federation-{_federation(request).slug}-{report.year}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(Capability.VIEW_FEDERATION_FIGURES)
def federation_csv(request: AuthenticatedRequest) -> HttpResponse:
    return _download(request, "csv", "text/csv; charset=utf-8", _csv)


@requires(Capability.VIEW_FEDERATION_FIGURES)
def federation_xlsx_view(request: AuthenticatedRequest) -> HttpResponse:
    return _download(request, "xlsx", XLSX_TYPE, federation_xlsx)


def _csv(report: FederationReport) -> str:
    """The tables side by side, one line per figure: the same suppressed cells as the
    page (``< 5``, masked), the figures in the page's format."""
    header = [_("Table"), _("Figure"), _("Measure"), _("Federation")] + [
        member.name for member in report.shown
    ]
    rows = [
        [table.title, row.label, row.measure]
        + [format_cell(value, row.kind) for value in row.cells]
        for table in report.side_by_side
        for row in table.rows
    ]
    return spreadsheet_csv(header, rows)
