"""The coordinator's page for the programme workbook: import (upload, preview, confirm,
progress), export of everything or of a period, and the empty template."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parcours.accounts.access import Capability, get_object_for, requires, scoped
from parcours.accounts.http import OrganisationRequest
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.workbook import jobs
from parcours.workbook.enums import JobStatus
from parcours.workbook.export import (
    XLSX_CONTENT_TYPE,
    export_file_name,
    export_workbook,
    template_workbook,
)
from parcours.workbook.forms import PeriodForm, UploadForm
from parcours.workbook.models import ImportJob
from parcours.workbook.reading import max_bytes

RECENT_JOBS = 10


def _download(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@requires(Capability.MANAGE_ORGANISATION)
def home(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; the recent imports with who sent them.
    upload = UploadForm()
    if request.method == "POST":
        upload = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            job = jobs.job_submit(
                organisation=request.user.organisation,
                by=request.user,
                file_name=file.name,
                content=file.read(),
                language=get_language(),
            )
            return redirect("workbook:job", pk=job.pk)
    recent = (
        scoped(ImportJob.objects.without_file(), request.user)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:RECENT_JOBS]
    )
    context = {
        "upload": upload,
        "period": PeriodForm(),
        "jobs": list(recent),
        "limit_mb": round(max_bytes() / 1024 / 1024),
    }
    return render(request, "workbook/home.html", context)


@requires(Capability.MANAGE_ORGANISATION)
@require_GET
def export(request: OrganisationRequest) -> HttpResponse:
    period = PeriodForm(request.GET or None)
    if request.GET and not period.is_valid():
        for error in period.errors.get("__all__", []) or [_("Check the dates of the period.")]:
            messages.error(request, str(error))  # an ErrorList gives its messages
        return redirect("workbook:home")
    first = period.cleaned_data.get("first") if request.GET else None
    last = period.cleaned_data.get("last") if request.GET else None
    organisation = request.user.organisation
    content = export_workbook(organisation, first=first, last=last)
    record_opened(obj=organisation, by=request.user, purpose=AuditPurpose.EXPORT)
    return _download(content, export_file_name(organisation, first=first, last=last))


@requires(Capability.MANAGE_ORGANISATION)
@require_GET
def template(request: OrganisationRequest) -> HttpResponse:
    # In the language of the page: its sheets, headers, help and lists.
    name = pgettext("file name of the empty workbook", "parcours-template")
    return _download(template_workbook(get_language()), f"{name}.xlsx")


@requires(Capability.MANAGE_ORGANISATION)
@require_GET
def job_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    # Queries: the session, the user; the job with its sender.
    job = get_object_for(
        request,
        ImportJob.objects.without_file().select_related("created_by"),
        capability=Capability.MANAGE_ORGANISATION,
        pk=pk,
    )
    # And, while it runs, its task and the worker's heartbeat.
    task = jobs.job_watch(job)
    if task.stalled or job.stalled:
        job = ImportJob.objects.without_file().select_related("created_by").get(pk=job.pk)
    context = {"job": job, "task": task, "JobStatus": JobStatus}
    if request.htmx:
        return render(request, "workbook/_job.html", context)
    return render(request, "workbook/job.html", context)


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def job_confirm(request: OrganisationRequest, pk: int) -> HttpResponse:
    job = get_object_for(
        request,
        ImportJob.objects.without_file(),
        capability=Capability.MANAGE_ORGANISATION,
        pk=pk,
    )
    if not jobs.job_confirm(job=job):
        messages.warning(request, _("This import is not waiting for confirmation."))
    return redirect("workbook:job", pk=job.pk)


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def job_retry(request: OrganisationRequest, pk: int) -> HttpResponse:
    job = get_object_for(
        request,
        ImportJob.objects.without_file(),
        capability=Capability.MANAGE_ORGANISATION,
        pk=pk,
    )
    if not jobs.job_retry(job=job):
        messages.warning(request, _("This import cannot be retried: send the file again."))
    return redirect("workbook:job", pk=job.pk)
