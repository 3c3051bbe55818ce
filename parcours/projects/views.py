"""The individual project of an enrolment: drawn up, printed, signed, amended, evaluated.

Every version stays readable and printable; the page shows the latest one and the
versions before it.
"""

from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.audit.versions import StaleVersion
from parcours.core.pdf import render_pdf
from parcours.programme.models import Enrolment
from parcours.projects import services
from parcours.projects.forms import (
    EvaluationForm,
    EvaluationIntervalForm,
    OtherPartyFormSet,
    ProjectForm,
    SignatureForm,
    other_parties_of,
)
from parcours.projects.models import EvaluationInterval, Project, ProjectVersion
from parcours.projects.selectors import (
    enrolment_for,
    evaluation_months,
    has_entry_assessment,
    objectives_from_plan,
    project_for,
    project_page_data,
    project_schedule,
)


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _shown_version(versions: Sequence[ProjectVersion], number: int | None) -> ProjectVersion:
    if number is None:
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise Http404


def _detail(
    request: OrganisationRequest,
    project: Project,
    *,
    number: int | None = None,
    sign_form: SignatureForm | None = None,
    evaluation_form: EvaluationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    data = project_page_data(project)
    versions, evaluations = data["versions"], data["evaluations"]
    shown = _shown_version(versions, number)
    latest = versions[-1]
    schedule = project_schedule(
        project, versions, evaluations, months=evaluation_months(project.organisation_id)
    )
    writable = not project.participant.anonymised_on
    if sign_form is None and shown is latest and not latest.is_signed:
        sign_form = SignatureForm(
            initial={"signed_on": timezone.localdate(), "version": latest.version}
        )
    if evaluation_form is None and schedule.first_signed_on and not schedule.ended:
        evaluation_form = EvaluationForm()
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "participant": project.participant,
            "enrolment": project.enrolment,
            "versions": versions,
            "version": shown,
            "latest": latest,
            "evaluations": evaluations,
            "schedule": schedule,
            "today": timezone.localdate(),
            "writable": writable,
            "sign_form": sign_form if writable and shown is latest else None,
            "evaluation_form": evaluation_form if writable else None,
            "can_set_interval": user_can(request.user, Capability.MANAGE_ORGANISATION),
        },
        status=status,
    )


@requires(Capability.VIEW_SOCIAL_DATA)
def project_detail(request: OrganisationRequest, enrolment_pk: int) -> HttpResponse:
    """The enrolment's project, or the invitation to draw it up."""
    enrolment = enrolment_for(request, enrolment_pk)
    project = Project.objects.filter(enrolment=enrolment).select_related("participant").first()
    if project is None:
        return render(
            request,
            "projects/project_none.html",
            {"enrolment": enrolment, "participant": enrolment.participant},
        )
    project.enrolment = enrolment
    record_opened(obj=project, by=request.user, purpose=AuditPurpose.CONSULTATION)
    return _detail(request, project)


@requires(Capability.VIEW_SOCIAL_DATA)
def version_detail(request: OrganisationRequest, pk: int, number: int) -> HttpResponse:
    project = project_for(request, pk)
    record_opened(obj=project, by=request.user, purpose=AuditPurpose.CONSULTATION)
    return _detail(request, project, number=number)


def _form_page(
    request: OrganisationRequest,
    *,
    enrolment: Enrolment,
    form: ProjectForm,
    parties: BaseFormSet,
    project: Project | None = None,
    amending: bool = False,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "projects/project_form.html",
        {
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "project": project,
            "form": form,
            "parties": parties,
            "amending": amending,
        },
        status=status,
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def project_create(request: OrganisationRequest, enrolment_pk: int) -> HttpResponse:
    enrolment = enrolment_for(request, enrolment_pk, capability=Capability.MANAGE_PARTICIPANTS)
    existing = Project.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return redirect("projects:project_edit", pk=existing.pk)
    organisation = request.user.organisation
    if request.method == "POST":
        form = ProjectForm(request.POST, organisation=organisation, amendment=False)
        parties = OtherPartyFormSet(request.POST, prefix="party")
        if form.is_valid() and parties.is_valid():
            try:
                services.project_create(
                    enrolment=enrolment,
                    by=request.user,
                    other_parties=other_parties_of(parties),
                    **form.values(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("The project is drawn up: print it and have it signed.")
                )
                return redirect("projects:project_detail", enrolment_pk=enrolment.pk)
        return _form_page(request, enrolment=enrolment, form=form, parties=parties)
    months = evaluation_months(organisation)
    initial = {
        "objectives": objectives_from_plan(enrolment),
        "participant_commitments": _(
            "Take part in the workshops of the group %(group)s, carry out the actions of the "
            "plan that are mine, and come to the evaluations of the project."
        )
        % {"group": enrolment.group},
        "cpas_commitments": _(
            "Follow the participant individually, support the actions of the plan, and "
            "evaluate the project with them every %(months)s months."
        )
        % {"months": months},
        "social_worker": enrolment.participant.social_worker_id or request.user.pk,
    }
    form = ProjectForm(initial=initial, organisation=organisation, amendment=False)
    if not has_entry_assessment(enrolment):
        messages.warning(
            request,
            _("There is no entry assessment yet: the objectives are drawn from the plan only."),
        )
    return _form_page(
        request, enrolment=enrolment, form=form, parties=OtherPartyFormSet(prefix="party")
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def project_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Change the draft, or, once the latest version is signed, write the amendment."""
    project = project_for(request, pk, capability=Capability.MANAGE_PARTICIPANTS)
    current = services.latest_version(project)
    if current is None:  # a project is created with its first version
        raise Http404
    amending = current.is_signed
    amendment = amending or current.is_amendment
    organisation = request.user.organisation
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, organisation=organisation, amendment=amendment)
        parties = OtherPartyFormSet(request.POST, prefix="party")
        if form.is_valid() and parties.is_valid():
            try:
                saved = services.project_change(
                    project=project,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    other_parties=other_parties_of(parties),
                    amendment_reason=form.cleaned_data.get("amendment_reason", ""),
                    **form.values(),
                )
            except StaleVersion as stale:
                data = request.POST.copy()  # the form's data
                data["version"] = str(stale.current.version)
                form = ProjectForm(data, organisation=organisation, amendment=amendment)
                form.is_valid()
                form.add_error(
                    None,
                    _("Someone else saved this project in the meantime: compare, then save again."),
                )
                status = 409
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if amending:
                    messages.success(
                        request,
                        _("Amendment %(number)s is written: print it and have it signed.")
                        % {"number": saved.amendment_number},
                    )
                else:
                    messages.success(request, _("The project has been saved."))
                return redirect("projects:project_detail", enrolment_pk=project.enrolment_id)
    else:
        initial = {
            "objectives": current.objectives,
            "participant_commitments": current.participant_commitments,
            "cpas_commitments": current.cpas_commitments,
            "social_worker": current.social_worker_id,
            "version": None if amending else current.version,
        }
        if not amending:
            initial["amendment_reason"] = current.amendment_reason
        form = ProjectForm(initial=initial, organisation=organisation, amendment=amendment)
        parties = OtherPartyFormSet(
            prefix="party",
            initial=[
                {"name": party.name, "role": party.role, "commitments": party.commitments}
                for party in current.other_parties.all()
            ],
        )
    return _form_page(
        request,
        enrolment=project.enrolment,
        form=form,
        parties=parties,
        project=project,
        amending=amending,
        status=status,
    )


@requires(Capability.MANAGE_PARTICIPANTS)
@require_POST
def version_sign(request: OrganisationRequest, pk: int, number: int) -> HttpResponse:
    project = project_for(request, pk, capability=Capability.MANAGE_PARTICIPANTS)
    version = project.versions.filter(number=number).first()
    if version is None:
        raise Http404
    form = SignatureForm(request.POST)
    if form.is_valid():
        try:
            services.version_sign(
                version=version,
                signed_on=form.cleaned_data["signed_on"],
                place=form.cleaned_data["signed_at_place"],
                by=request.user,
                form_version=form.cleaned_data["version"],
            )
        except StaleVersion:
            form.add_error(None, _("Someone else changed this version in the meantime."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The signature is recorded."))
            return redirect("projects:project_detail", enrolment_pk=project.enrolment_id)
    return _detail(request, project, number=number, sign_form=form, status=400)


@requires(Capability.MANAGE_PARTICIPANTS)
@require_POST
def evaluation_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    project = project_for(request, pk, capability=Capability.MANAGE_PARTICIPANTS)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_record(
                project=project,
                date=form.cleaned_data["date"],
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The evaluation is recorded."))
            return redirect("projects:project_detail", enrolment_pk=project.enrolment_id)
    return _detail(request, project, evaluation_form=form, status=400)


@requires(Capability.VIEW_SOCIAL_DATA)
def version_pdf(request: OrganisationRequest, pk: int, number: int) -> HttpResponse:
    """The version as a document to sign (or as it was signed)."""
    project = project_for(request, pk)
    data = project_page_data(project)
    version = _shown_version(data["versions"], number)
    content = render_pdf(
        "projects/project_pdf.html",
        {
            "project": project,
            "participant": project.participant,
            "enrolment": project.enrolment,
            "version": version,
            "parties": list(version.other_parties.all()),
            "organisation": request.user.organisation,
        },
    )
    record_opened(obj=project, by=request.user, purpose=AuditPurpose.PRINTING)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]  # None only without a file name
        False, f"piis-{project.participant.reference}-v{version.number}.pdf"
    )
    return response


@requires(Capability.MANAGE_ORGANISATION)
def interval_edit(request: OrganisationRequest) -> HttpResponse:
    organisation = request.user.organisation
    interval = EvaluationInterval.objects.filter(organisation=organisation).first()
    form = EvaluationIntervalForm(
        request.POST or None, instance=interval or EvaluationInterval(organisation=organisation)
    )
    if request.method == "POST" and form.is_valid():
        services.evaluation_interval_set(
            organisation=organisation, months=form.cleaned_data["months"], by=request.user
        )
        messages.success(request, _("The evaluation interval has been saved."))
        return redirect("projects:interval_edit")
    return render(request, "projects/interval_form.html", {"form": form})
