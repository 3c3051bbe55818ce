"""The coordinator's pages: the files due for anonymisation, the retention period, and
the erasure of one file on request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, requires, scoped
from parcours.accounts.http import OrganisationRequest
from parcours.participants.selectors import participant_for
from parcours.privacy.forms import ApprovalForm, ErasureForm, RetentionPolicyForm
from parcours.privacy.jobs import anonymisation_request, anonymisation_retry, anonymisation_watch
from parcours.privacy.models import AnonymisationJob, Processing
from parcours.privacy.selectors import files_due, retention_policy_for
from parcours.privacy.services import erase_file, retention_policy_set
from parcours.programme.models import Enrolment

PER_PAGE = 100
RECENT_PROCESSINGS = 10
RECENT_JOBS = 5


@requires(Capability.MANAGE_RETENTION)
def queue(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; the policy; the count and the page of files due
    # (their last activity in the same query); the latest processings with who approved;
    # the latest approvals run by the worker.
    organisation = request.user.organisation
    policy = retention_policy_for(organisation)
    inactive_before = policy.inactive_before(timezone.localdate())
    due = files_due(organisation, inactive_before=inactive_before)
    form = ApprovalForm(request.POST or None, files=due)
    if request.method == "POST" and form.is_valid():
        chosen = None if form.cleaned_data["all"] else [p.pk for p in form.cleaned_data["files"]]
        job = anonymisation_request(
            organisation=organisation, inactive_before=inactive_before, by=request.user, only=chosen
        )
        job.refresh_from_db()
        if job.status == AnonymisationJob.Status.DONE:  # run at once (no worker in use)
            messages.success(
                request,
                ngettext(
                    "%(count)s file anonymised.", "%(count)s files anonymised.", job.file_count
                )
                % {"count": job.file_count},
            )
        elif job.status == AnonymisationJob.Status.FAILED:
            messages.error(request, job.failure)
        else:
            messages.info(request, _("The anonymisation is under way: this page shows its result."))
        return redirect("privacy:queue")
    page = Paginator(due, PER_PAGE).get_page(request.GET.get("page"))
    recent = Processing.objects.filter(organisation=organisation).select_related("approved_by")
    approvals = list(AnonymisationJob.objects.filter(organisation=organisation)[:RECENT_JOBS])
    for approval in approvals:
        anonymisation_watch(approval)
    return render(
        request,
        "privacy/queue.html",
        {
            "form": form,
            "page": page,
            "policy": policy,
            "inactive_before": inactive_before,
            "recent": recent[:RECENT_PROCESSINGS],
            "approvals": approvals,
            "approvals_running": any(approval.running for approval in approvals),
        },
    )


@requires(Capability.MANAGE_RETENTION)
def retention_settings(request: OrganisationRequest) -> HttpResponse:
    organisation = request.user.organisation
    policy = retention_policy_for(organisation)
    form = RetentionPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        retention_policy_set(
            organisation=organisation, years=form.cleaned_data["years"], by=request.user
        )
        messages.success(request, _("The retention period is saved."))
        return redirect("privacy:queue")
    return render(request, "privacy/retention_form.html", {"form": form})


@requires(Capability.MANAGE_RETENTION)
def erase(request: OrganisationRequest, pk: int) -> HttpResponse:
    participant = participant_for(request, pk, capability=Capability.MANAGE_RETENTION)
    in_a_group = Enrolment.objects.open().filter(participant=participant).exists()
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erase_file(participant=participant, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The file is erased."))
            return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "participant": participant, "in_a_group": in_a_group},
    )


@requires(Capability.MANAGE_RETENTION)
@require_POST
def anonymisation_job_retry(request: OrganisationRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(scoped(AnonymisationJob.objects.all(), request.user), pk=pk)
    if anonymisation_retry(job=job):
        messages.info(request, _("The anonymisation is queued again."))
    else:
        messages.warning(request, _("This anonymisation has not failed: nothing to retry."))
    return redirect("privacy:queue")
