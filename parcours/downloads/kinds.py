"""The files prepared in the background, in one table: for each kind, who may ask for
it, how the request is checked and kept (JSON parameters: ids, dates, words), the
existing builder that writes it, and the record its download is traced against.

Adding a kind is adding a row here: the views, the task and the pages follow. Every
check of ``clean`` is made again by ``authorise`` when the file is downloaded (the role,
the organisation, the grant may have changed in between).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.access import Capability, check
from parcours.audit.models import AuditPurpose
from parcours.funding.models import Grant
from parcours.reporting.closing import report_for_year
from parcours.reporting.exports import report_xlsx
from parcours.reporting.forms import ReportForm
from parcours.reporting.grant_pack import grant_pack, pack_filename
from parcours.reporting.pdf import report_pdf
from parcours.workbook.export import XLSX_CONTENT_TYPE, export_file_name, export_workbook
from parcours.workbook.forms import PeriodForm

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Built:
    """What a builder gives: the file, and the record its download is traced against."""

    content: bytes
    file_name: str
    content_type: str
    traced: Any


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise
    # Who may ask for it and download it (on top of ``authorise``).
    capability: Capability
    # Why the download is traced in the audit trail.
    purpose: AuditPurpose
    # The request's form data -> the JSON parameters (ValidationError when not valid,
    # Http404 for a record of another organisation).
    clean: Callable[[Any, Any], dict]
    # Checks again that the user may have the file of these parameters.
    authorise: Callable[[Any, dict], None]
    # Writes the file (in the requester's language), telling its progress.
    build: Callable[[Any, dict, Progress], Built]
    # Where the user asked from, to go back to.
    back: Callable[[dict], str]

    def ask(self, user, data) -> dict:
        check(user, self.capability)
        parameters = self.clean(user, data)
        self.authorise(user, parameters)
        return parameters

    def allows(self, user, parameters) -> None:
        """Raise PermissionDenied or Http404 unless the user may have this file."""
        check(user, self.capability)
        self.authorise(user, parameters)


def _errors(form) -> ValidationError:
    return ValidationError(
        [message for messages in form.errors.values() for message in messages]
        or [_("The download asked for is not valid.")]
    )


def _nothing_more(user, parameters) -> None:
    pass


# -- The programme workbook -----------------------------------------------------------------


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _workbook_clean(user, data) -> dict:
    form = PeriodForm(data)
    if not form.is_valid():
        raise _errors(form)
    first, last = form.cleaned_data.get("first"), form.cleaned_data.get("last")
    return {
        "first": first.isoformat() if first else "",
        "last": last.isoformat() if last else "",
    }


def _workbook_build(organisation, parameters, progress) -> Built:
    first, last = _date(parameters.get("first")), _date(parameters.get("last"))
    content = export_workbook(organisation, first=first, last=last, progress=progress)
    return Built(
        content,
        export_file_name(organisation, first=first, last=last),
        XLSX_CONTENT_TYPE,
        traced=organisation,
    )


# -- A grant's report pack ------------------------------------------------------------------


def _grant_of(user, parameters) -> Grant:
    """The grant, in the user's organisation, or 404."""
    try:
        pk = int(parameters.get("grant") or "")
    except (TypeError, ValueError):
        raise Http404 from None
    grant = (
        Grant.objects.select_related("funder", "organisation")
        .filter(organisation_id=user.organisation_id, pk=pk)
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def _pack_clean(user, data) -> dict:
    grant = _grant_of(user, data)
    # The pack is as of the day it is asked for: a retry gives the same pack.
    return {"grant": grant.pk, "as_of": timezone.localdate().isoformat()}


def _pack_authorise(user, parameters) -> None:
    _grant_of(user, parameters)


def _pack_build(organisation, parameters, progress) -> Built:
    grant = Grant.objects.select_related("funder", "organisation").get(
        organisation=organisation, pk=parameters["grant"]
    )
    as_of = _date(parameters["as_of"])
    return Built(
        grant_pack(grant, as_of=as_of, progress=progress),
        pack_filename(grant, as_of),
        "application/zip",
        traced=grant,
    )


def _pack_back(parameters) -> str:
    return reverse("funding:grant_detail", args=[parameters["grant"]])


# -- The yearly report, PDF and workbook ----------------------------------------------------

REPORT_FIELDS = ("year", "as_of", "process_type", "group", "funder", "grant")


def _report_form(organisation, parameters) -> ReportForm:
    data = {name: str(parameters[name]) for name in REPORT_FIELDS if parameters.get(name)}
    today = _date(parameters.get("today")) or timezone.localdate()
    return ReportForm(data, organisation=organisation, today=today)


def _report_clean(user, data) -> dict:
    # The page's own form: the same filters, another organisation's ids refused.
    data = {name: data.get(name, "") for name in REPORT_FIELDS}
    if not data["year"]:
        data["year"] = str(timezone.localdate().year)
    form = ReportForm(data, organisation=user.organisation, today=timezone.localdate())
    if not form.is_valid():
        if any(name in form.errors for name in ("group", "funder", "grant")):
            raise Http404  # not a record of the user's organisation
        raise _errors(form)
    parameters = {name: str(value) for name, value in form.params().items()}
    # The report as of the day it is asked for (an empty date means "today").
    parameters["today"] = form.today.isoformat()
    return parameters


def _report_authorise(user, parameters) -> None:
    if not _report_form(user.organisation, parameters).is_valid():
        raise Http404  # a group, funder or grant no longer of the organisation


def _report_builder(extension: str, content_type: str, write):
    def build(organisation, parameters, progress) -> Built:
        form = _report_form(organisation, parameters)
        if not form.is_valid():
            raise ValidationError(_("The report asked for is no longer valid."))
        progress(10, _("Computing the figures"))
        report = report_for_year(
            organisation,
            year=form.cleaned_data["year"],
            as_of=form.effective_as_of(),
            scope=form.scope(),
        )
        progress(50, _("Writing the file"))
        content = write(report, for_funder=form.scope().for_funder)
        # The frozen figures of a closed year are its closing record's; live ones the
        # organisation's (as the direct downloads trace them).
        return Built(
            content, form.file_name(extension), content_type, traced=report.closing or organisation
        )

    return build


def _report_back(parameters) -> str:
    query = {name: parameters[name] for name in REPORT_FIELDS if parameters.get(name)}
    return f"{reverse('reporting:report')}?{urlencode(query)}"


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            key="workbook",
            label=gettext_lazy("Programme workbook"),
            capability=Capability.MANAGE_ORGANISATION,
            purpose=AuditPurpose.EXPORT,
            clean=_workbook_clean,
            authorise=_nothing_more,
            build=_workbook_build,
            back=lambda parameters: reverse("workbook:home"),
        ),
        Kind(
            key="grant_pack",
            label=gettext_lazy("Report pack of a grant"),
            capability=Capability.MANAGE_ORGANISATION,
            purpose=AuditPurpose.DOWNLOAD,
            clean=_pack_clean,
            authorise=_pack_authorise,
            build=_pack_build,
            back=_pack_back,
        ),
        Kind(
            key="report_pdf",
            label=gettext_lazy("Yearly report (PDF)"),
            capability=Capability.VIEW_FIGURES,
            purpose=AuditPurpose.DOWNLOAD,
            clean=_report_clean,
            authorise=_report_authorise,
            build=_report_builder("pdf", "application/pdf", report_pdf),
            back=_report_back,
        ),
        Kind(
            key="report_xlsx",
            label=gettext_lazy("Yearly report (XLSX)"),
            capability=Capability.VIEW_FIGURES,
            purpose=AuditPurpose.DOWNLOAD,
            clean=_report_clean,
            authorise=_report_authorise,
            build=_report_builder("xlsx", XLSX_CONTENT_TYPE, report_xlsx),
            back=_report_back,
        ),
    )
}


def kind_of(key: str) -> Kind:
    """The kind, or 404."""
    kind = KINDS.get(key)
    if kind is None:
        raise Http404
    return kind
