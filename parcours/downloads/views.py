"""Asking for a file to be prepared, following its preparation, downloading it, trying
again, and the list of one's own downloads.

Every download belongs to the person who asked for it: nobody else sees it (404), even
in the same organisation. The kind's own rules (role, organisation, grant) are checked
when asking, when following, when downloading and when retrying.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parcours.accounts.access import Capability, check, requires
from parcours.accounts.http import OrganisationRequest
from parcours.downloads import services
from parcours.downloads.kinds import KINDS, kind_of
from parcours.downloads.models import Download

PER_PAGE = 20


def _download_of(request: OrganisationRequest, pk: int) -> Download:
    """The user's own download, or 404; 403 when their role no longer allows its kind."""
    download: Download = get_object_or_404(Download.objects.without_file().of(request.user), pk=pk)
    check(request.user, KINDS[download.kind].capability)
    return download


@requires(Capability.SIGNED_IN)
@require_POST
def prepare(request: OrganisationRequest, kind: str) -> HttpResponse:
    the_kind = kind_of(kind)
    # What the button sends, in its form or in the address it posts to (the report's
    # query string).
    data = request.GET.copy()
    data.update(request.POST)
    data.pop("csrfmiddlewaretoken", None)
    try:
        parameters = the_kind.ask(request.user, data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        try:
            back = the_kind.back(data.dict())
        except (KeyError, ValueError, NoReverseMatch):  # not even where it came from
            back = reverse("dashboard:home")
        return redirect(back)
    download = services.request_download(
        user=request.user, kind=kind, parameters=parameters, language=get_language()
    )
    return redirect("downloads:detail", pk=download.pk)


@requires(Capability.SIGNED_IN)
@require_GET
def detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    # Queries: the session, the user; the download (without its file).
    download = _download_of(request, pk)
    task = services.download_watch(download)
    kind = KINDS[download.kind]
    context = {"download": download, "task": task, "back": kind.back(download.parameters)}
    if request.htmx:
        return render(request, "downloads/_download.html", context)
    return render(request, "downloads/detail.html", context)


@requires(Capability.SIGNED_IN)
@require_GET
def file(request: OrganisationRequest, pk: int) -> HttpResponse:
    download = _download_of(request, pk)
    KINDS[download.kind].allows(request.user, download.parameters)
    if not download.available:
        if download.expired:
            messages.warning(
                request, _("This file is no longer kept. Prepare it again to download it.")
            )
        return redirect("downloads:detail", pk=download.pk)
    content = services.open_download(download, by=request.user)
    response = HttpResponse(content, content_type=download.content_type)
    response["Content-Disposition"] = content_disposition_header(True, download.file_name)
    return response


@requires(Capability.SIGNED_IN)
@require_POST
def retry(request: OrganisationRequest, pk: int) -> HttpResponse:
    download = _download_of(request, pk)
    KINDS[download.kind].allows(request.user, download.parameters)
    if not services.retry_download(download, language=get_language()):
        messages.warning(request, _("This download is being prepared or is ready already."))
    return redirect("downloads:detail", pk=download.pk)


@requires(Capability.SIGNED_IN)
@require_GET
def download_list(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; the count and one page of the user's downloads
    # (without their files).
    downloads = Download.objects.without_file().of(request.user).order_by("-created_at", "-id")
    page = Paginator(downloads, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "downloads/list.html",
        {"page": page, "kept_hours": int(services.kept_for().total_seconds() // 3600)},
    )
