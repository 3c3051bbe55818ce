"""The yearly report: the page, its downloads, the people behind a count, and closing
and re-opening a year.

Every figure shown comes from ``report_tables`` (the same tables the files are written
from), so the page, the PDF, the workbook, the CSV and the JSON cannot disagree.
"""

import datetime
import json
from collections.abc import Callable
from typing import Any, Protocol

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.funding.models import Grant
from parcours.reporting import charts
from parcours.reporting.closing import (
    close_year as close_year_service,
)
from parcours.reporting.closing import (
    closing_in_force,
    differences,
    live_report,
    report_for_year,
)
from parcours.reporting.closing import (
    reopen_year as reopen_year_service,
)
from parcours.reporting.display import XLSX_TYPE, display_table, format_cell
from parcours.reporting.esf_files import (
    EsfReport,
    esf_report_of_year,
    esf_table,
    participants_csv,
    participants_xlsx,
)
from parcours.reporting.exports import report_csv, report_xlsx
from parcours.reporting.figures import Period, Report
from parcours.reporting.forms import ReopenForm, ReportForm
from parcours.reporting.models import YearClosing
from parcours.reporting.pdf import report_pdf
from parcours.reporting.people import (
    drilldown_keys,
    left_out_message,
    listed_and_left_out,
    people_behind,
)
from parcours.reporting.tables import report_tables

PEOPLE_PER_PAGE = 50

# What each part of the figures is called when a closed year's records changed.
FIGURE_LABELS = {
    "participants": gettext_lazy("Participants of the year"),
    "characteristics": gettext_lazy("Main characteristics of the participants"),
    "results": gettext_lazy("Results"),
    "improvement_pct": gettext_lazy("Improvement by domain"),
    "improvement_n": gettext_lazy("Improvement by domain: rated at both moments"),
    "deteriorated_pct": gettext_lazy("Improvement by domain: went down"),
    "self_assessed": gettext_lazy("Self-assessed progression by domain"),
    "hours": gettext_lazy("Workshop hours"),
    "evolution": gettext_lazy("Evolution"),
    "projects": gettext_lazy("Individual projects"),
    "organisation": gettext_lazy("Organisation"),
    "year": gettext_lazy("Year"),
}


# A file of the ESF+ indicators, written from the request and its report form.
EsfWriter = Callable[[OrganisationRequest, ReportForm], bytes]


class ReportWriter(Protocol):
    """A file of the report: its figures, small counts hidden when it goes to a funder."""

    def __call__(self, report: Report, *, for_funder: bool) -> str | bytes: ...


# -- The request: year, date and scope ------------------------------------------------------


def _report_form(request: OrganisationRequest) -> ReportForm:
    today = timezone.localdate()
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = str(today.year)
    form = ReportForm(data, organisation=request.user.organisation, today=today)
    form.is_valid()
    return form


def _params(form: ReportForm) -> dict[str, Any]:
    """The query-string parameters that rebuild the report (for links and downloads)."""
    return form.params()


def _report(request: OrganisationRequest, form: ReportForm) -> Report:
    return report_for_year(
        request.user.organisation,
        year=form.cleaned_data["year"],
        as_of=form.effective_as_of(),
        scope=form.scope(),
    )


def _denominators(report: Report) -> dict[str, str]:
    """The denominator and the cases left out of each table, in a sentence."""
    figures, counts = report.figures, report.counts
    notes = {
        "characteristics": _(
            "Denominator: %(n)s participants of the year. Unknown answers stay in it (last column)."
        )
        % {"n": charts.format_number(figures["participants"])},
        "results": _("Denominator: %(n)s exits of the year.")
        % {"n": charts.format_number(figures["results"]["exits"])},
        "dropout_reasons": _("Out of %(n)s dropouts.")
        % {"n": charts.format_number(counts["outcomes"].get("dropout", 0))},
        "improvement": _(
            "%(n)s completed exits; each domain's denominator is its column “Rated at both "
            "moments”, the others are left out of it."
        )
        % {"n": charts.format_number(counts["completed_exits"])},
        "work_share": _no_duration_note(report.work_share["total"]),
    }
    if "self_assessed" in figures:
        notes["self_assessed"] = _(
            "%(n)s completed exits; each domain's denominator is its column “Answered at "
            "both moments”, the others are left out of it."
        ) % {"n": charts.format_number(counts["completed_exits"])}
    return notes


def _no_duration_note(total: dict[str, Any]) -> str:
    """Says the individual hours are a floor when some records have no duration (a year
    closed before durations were counted has no such count: nothing to say)."""
    missing = total.get("individual_no_duration")
    if not missing:
        return ""
    return ngettext(
        "%(n)s of the %(items)s individual records has no duration recorded: the individual "
        "hours are a floor.",
        "%(n)s of the %(items)s individual records have no duration recorded: the "
        "individual hours are a floor.",
        missing,
    ) % {
        "n": charts.format_number(missing),
        "items": charts.format_number(total["individual_items"]),
    }


def _walk(figures: dict[str, Any], dotted: str) -> object:
    value: object = figures
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _changes(frozen: Report, live: Report) -> list[dict[str, object]]:
    changes: list[dict[str, object]] = []
    for dotted in differences(frozen, live):
        head, _sep, rest = dotted.partition(".")
        before, after = _walk(frozen.figures, dotted), _walk(live.figures, dotted)
        scalar = not isinstance(before, dict | list) and not isinstance(after, dict | list)
        changes.append(
            {
                "label": FIGURE_LABELS.get(head, head),
                "detail": rest,
                "before": format_cell(before, "number") if scalar else "",
                "after": format_cell(after, "number") if scalar else "",
            }
        )
    return changes


# -- The page -----------------------------------------------------------------------------------


@requires(Capability.VIEW_FIGURES)
def report(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session and user; the group and funder asked for (when asked); the
    # closing in force; the report's aggregates (a fixed number, one per year of the
    # evolution); for a closed year whose records changed, the live report once more;
    # the group and funder choices of the form.
    form = _report_form(request)
    context: dict[str, Any] = {"form": form, "report": None, "year": None}
    if not form.is_valid():
        return render(request, "reporting/report.html", context, status=400)
    organisation = request.user.organisation
    year = form.cleaned_data["year"]
    params = _params(form)
    the_report = _report(request, form)
    can_drill = user_can(request.user, Capability.VIEW_SOCIAL_DATA)
    people_url = reverse("reporting:people") if can_drill else None
    tables = {
        table.key: display_table(table, people_url=people_url, params=params)
        for table in report_tables(the_report)
    }
    closing = the_report.closing  # the frozen figures are shown
    # A closed year seen narrowed, or as of an earlier date, is still said to be closed.
    closing_of_year = closing or closing_in_force(organisation, year)
    changes: list[dict[str, object]] = []
    if closing is not None:
        live = live_report(organisation, year=year, as_of=datetime.date(year, 12, 31))
        changes = _changes(the_report, live)
    today = timezone.localdate()
    query = urlencode(params)
    if form.cleaned_data.get("grant"):
        the_esf = _esf(request, form)
        context["esf_table"] = display_table(
            esf_table(the_esf), people_url=people_url, params=params
        )
        context["esf_downloads"] = _esf_downloads(query, with_participants=can_drill)
    context.update(
        {
            "year": year,
            "as_of": datetime.date.fromisoformat(the_report.figures["as_of"]),
            "report": the_report,
            "figures": the_report.figures,
            "tables": tables,
            "denominators": _denominators(the_report),
            "charts": {
                "evolution": charts.evolution_chart(the_report),
                "outcomes": charts.outcomes_chart(the_report),
                "improvement": charts.improvement_chart(the_report),
            },
            "closing": closing,
            "closing_of_year": closing_of_year,
            "changes": changes,
            "can_drill": can_drill,
            "can_close": user_can(request.user, Capability.MANAGE_ORGANISATION),
            "year_is_over": year < today.year,
            "query": query,
            # The PDF and the workbook are prepared in the background (parcours.downloads):
            # their buttons post to an address carrying the report's parameters (the
            # query); the CSV and JSON come at once.
            "prepared_downloads": [("PDF", "report_pdf"), ("XLSX", "report_xlsx")],
            "downloads": [
                (label, f"{reverse(name)}?{query}")
                for name, label in (
                    ("reporting:report_csv", "CSV"),
                    ("reporting:report_json", "JSON"),
                )
            ],
        }
    )
    return render(request, "reporting/report.html", context)


# -- The ESF+ common indicators -----------------------------------------------------------------


def _esf(request: OrganisationRequest, form: ReportForm) -> EsfReport:
    """The indicators of the year as of the report's date, in the report's scope; the
    special categories only for the roles that see social data."""
    return esf_report_of_year(
        request.user.organisation,
        form.cleaned_data["year"],
        form.effective_as_of(),
        form.scope(),
        special_categories=user_can(request.user, Capability.VIEW_SOCIAL_DATA),
    )


def _esf_downloads(query: str, *, with_participants: bool) -> list[tuple[str, str]]:
    names = [("reporting:esf_pdf", "PDF"), ("reporting:esf_xlsx", "XLSX")]
    if with_participants:
        names += [
            ("reporting:esf_participants_xlsx", _("Participants (XLSX)")),
            ("reporting:esf_participants_csv", _("Participants (CSV)")),
        ]
    return [(label, f"{reverse(name)}?{query}") for name, label in names]


def _esf_download(
    request: OrganisationRequest, extension: str, content_type: str, write: EsfWriter
) -> HttpResponse:
    form = _report_form(request)
    if not form.is_valid() or not form.cleaned_data.get("grant"):
        return HttpResponse(
            _("Choose a grant of the organisation for its ESF+ indicators."),
            status=400,
            content_type="text/plain",
        )
    content = write(request, form)
    record_opened(obj=form.cleaned_data["grant"], by=request.user, purpose=AuditPurpose.DOWNLOAD)
    grant = slugify(form.cleaned_data["grant"].name)[:60]
    filename = f"fse-{form.cleaned_data['year']}-{grant}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@requires(Capability.VIEW_FIGURES)
def esf_xlsx_view(request: OrganisationRequest) -> HttpResponse:
    return _esf_download(request, "xlsx", XLSX_TYPE, lambda r, f: _esf(r, f).as_xlsx())


@requires(Capability.VIEW_FIGURES)
def esf_pdf_view(request: OrganisationRequest) -> HttpResponse:
    return _esf_download(request, "pdf", "application/pdf", lambda r, f: _esf(r, f).as_pdf())


def _participant_file(write: Callable[[Grant, Period], bytes]) -> EsfWriter:
    def content(request: OrganisationRequest, form: ReportForm) -> bytes:
        year = form.cleaned_data["year"]
        return write(form.cleaned_data["grant"], Period.of_year(year, form.effective_as_of()))

    return content


@requires(Capability.VIEW_SOCIAL_DATA)
def esf_participants_xlsx_view(request: OrganisationRequest) -> HttpResponse:
    return _esf_download(request, "xlsx", XLSX_TYPE, _participant_file(participants_xlsx))


@requires(Capability.VIEW_SOCIAL_DATA)
def esf_participants_csv_view(request: OrganisationRequest) -> HttpResponse:
    return _esf_download(
        request, "csv", "text/csv; charset=utf-8", _participant_file(participants_csv)
    )


# -- Downloads ----------------------------------------------------------------------------------


def _filename(form: ReportForm, extension: str) -> str:
    return form.file_name(extension)


def _download(
    request: OrganisationRequest, extension: str, content_type: str, write: ReportWriter
) -> HttpResponse:
    form = _report_form(request)
    if not form.is_valid():
        return HttpResponse(
            _("The report asked for is not valid."), status=400, content_type="text/plain"
        )
    the_report = _report(request, form)
    content = write(the_report, for_funder=form.scope().for_funder)
    # The frozen figures of a closed year are its closing record's; live ones the
    # organisation's.
    record_opened(
        obj=the_report.closing or request.user.organisation,
        by=request.user,
        purpose=AuditPurpose.DOWNLOAD,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, extension)}"'
    return response


@requires(Capability.VIEW_FIGURES)
def report_csv_view(request: OrganisationRequest) -> HttpResponse:
    return _download(request, "csv", "text/csv; charset=utf-8", report_csv)


@requires(Capability.VIEW_FIGURES)
def report_xlsx_view(request: OrganisationRequest) -> HttpResponse:
    return _download(
        request,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        report_xlsx,
    )


@requires(Capability.VIEW_FIGURES)
def report_pdf_view(request: OrganisationRequest) -> HttpResponse:
    return _download(request, "pdf", "application/pdf", report_pdf)


@requires(Capability.VIEW_FIGURES)
def report_json_view(request: OrganisationRequest) -> HttpResponse:
    return _download(
        request,
        "json",
        "application/json",
        _figures_json,
    )


def _figures_json(report: Report, *, for_funder: bool) -> str:
    # The JSON is the figures' own shape (statistics.md) for the programme's tools and
    # checks, every count as it is, like the page: what goes to a funder is the PDF,
    # XLSX or CSV, or the grant's pack, which hide small counts.
    return json.dumps(report.figures, ensure_ascii=False, indent=2)


# -- The people behind a count ------------------------------------------------------------------


@requires(Capability.VIEW_SOCIAL_DATA)
def people(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session and user; the group and funder asked for (when asked); the
    # count of the people left out for their withdrawn consent; the count of the list and
    # one page of it (participants, or exits with their participant and group).
    key = request.GET.get("key") or "participants"
    drilldown = drilldown_keys().get(key)
    if drilldown is None:
        raise Http404(_("No such count in the report."))
    form = _report_form(request)
    if not form.is_valid():
        return render(
            request,
            "reporting/people.html",
            {
                "form": form,
                "drilldown": drilldown,
                "page": None,
                "year": "",
                "back": "",
                "left_out": "",
            },
            status=400,
        )
    year = form.cleaned_data["year"]
    as_of = form.effective_as_of()
    scope = form.scope()
    rows = people_behind(request.user.organisation, key, Period.of_year(year, as_of), scope)
    if rows is None:
        raise Http404(_("No such count in the report."))
    rows, left_out = listed_and_left_out(rows, lists_exits=drilldown.lists_exits)
    if drilldown.lists_exits:
        rows = rows.order_by("participant__last_name", "participant__first_name", "exit_date")
    else:
        rows = rows.order_by("last_name", "first_name", "pk")
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    # The people behind a count are read for the report: the row names the organisation.
    record_opened(obj=request.user.organisation, by=request.user, purpose=AuditPurpose.REPORT)
    params = _params(form)
    return render(
        request,
        "reporting/people.html",
        {
            "form": form,
            "drilldown": drilldown,
            "page": page,
            "year": year,
            "as_of": as_of,
            "scope_label": str(scope),
            "left_out": left_out_message(left_out),
            "back": f"{reverse('reporting:report')}?{urlencode(params)}",
            "query": urlencode({"key": key, **params}),
            "closed": scope.is_whole_programme
            and as_of >= datetime.date(year, 12, 31)
            and closing_in_force(request.user.organisation, year) is not None,
        },
    )


# -- Closing and re-opening a year -----------------------------------------------------------------


def _report_url(year: int) -> str:
    return f"{reverse('reporting:report')}?{urlencode({'year': year})}"


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def close_year(request: OrganisationRequest) -> HttpResponse:
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, _("Choose the year to close."))
        return redirect("reporting:report")
    try:
        close_year_service(request.user.organisation, year=year, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Year %(year)s is closed: its figures are kept as they are now.") % {"year": year},
        )
    return redirect(_report_url(year))


@requires(Capability.MANAGE_ORGANISATION)
def reopen_year(request: OrganisationRequest, year: int) -> HttpResponse:
    closing = get_object_or_404(
        YearClosing.objects.in_force().select_related("closed_by"),
        organisation=request.user.organisation,
        year=year,
    )
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen_year_service(closing, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Year %(year)s is re-opened: its figures follow the records again.")
                % {"year": year},
            )
            return redirect(_report_url(year))
    return render(
        request,
        "reporting/reopen.html",
        {"form": form, "closing": closing, "year": year, "back": _report_url(year)},
    )
