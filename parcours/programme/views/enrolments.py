"""Enrolling a person in a group, their exit or extension, the follow-up after exit."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.accounts.access import Capability, get_object_for, requires
from parcours.accounts.http import OrganisationRequest
from parcours.audit.versions import StaleVersion
from parcours.participants.models import Participant
from parcours.participants.selectors import visible_participants
from parcours.programme import services
from parcours.programme.forms import (
    EnrolmentExitForm,
    EnrolmentExtendForm,
    EnrolmentForm,
    FollowUpForm,
    ParticipantEnrolmentForm,
    add_service_error,
    outcome_detail_label,
)
from parcours.programme.models import Enrolment, ExitFollowUp, Group
from parcours.programme.selectors import visible_groups
from parcours.programme.services import EnrolmentWarnings


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _clip(day: datetime.date, start: datetime.date, end: datetime.date) -> datetime.date:
    return min(max(day, start), end)


def _enrolment_for(request: OrganisationRequest, pk: int) -> Enrolment:
    """An enrolment of the user's organisation, or 404 (enrolments have no organisation
    column of their own: their group has)."""
    enrolments = Enrolment.objects.select_related("participant", "group").filter(
        group__in=visible_groups(request.user)
    )
    return get_object_or_404(enrolments, pk=pk)


def _already_closed(
    request: OrganisationRequest, enrolment: Enrolment, exit_date: datetime.date
) -> HttpResponse:
    messages.warning(
        request,
        _("The enrolment of %(name)s in this group closed on %(date)s.")
        % {"name": enrolment.participant, "date": _short(exit_date)},
    )
    return redirect("programme:group_detail", pk=enrolment.group_id)


def _enrol(
    request: OrganisationRequest,
    form: BaseForm,
    *,
    participant: Participant,
    group: Group,
    start_date: datetime.date,
    success_url: str,
) -> tuple[HttpResponse | None, EnrolmentWarnings]:
    """What both enrolment pages do with a valid form: warn once (over capacity, another
    group at the same time), then enrol. The redirection on success, else the warnings
    (the form carries the service's refusal, if any)."""
    warnings = services.enrolment_warnings(
        participant=participant, group=group, start_date=start_date
    )
    if warnings and not form.cleaned_data["confirm_warnings"]:
        return None, warnings
    try:
        services.enrolment_create(
            participant=participant, group=group, start_date=start_date, by=request.user
        )
    except ValidationError as error:
        add_service_error(form, error)
        return None, warnings
    messages.success(
        request,
        _("%(name)s is enrolled in %(group)s from %(date)s.")
        % {"name": participant, "group": group, "date": _short(start_date)},
    )
    return redirect(success_url), warnings


def _ended(group: Group, today: datetime.date) -> str | None:
    """Why nobody can be enrolled in ``group`` today, if so."""
    try:
        services.check_open_for_enrolment(group, on=today)
    except ValidationError as error:
        return error.messages[0]
    return None


@requires(Capability.MANAGE_PROGRAMME)
def enrolment_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    group = get_object_for(
        request, visible_groups(request.user), capability=Capability.MANAGE_PROGRAMME, pk=pk
    )
    today = timezone.localdate()
    ended = _ended(group, today)
    form = EnrolmentForm(
        None if ended else request.POST or None,
        group=group,
        initial={"start_date": _clip(today, group.start_date, group.end_date)},
    )
    warnings: EnrolmentWarnings | None = None
    if request.method == "POST" and form.is_valid():
        participant = form.cleaned_data["participant"]
        done, warnings = _enrol(
            request,
            form,
            participant=participant,
            group=group,
            start_date=form.cleaned_data["start_date"],
            success_url=reverse("programme:group_detail", args=[group.pk]),
        )
        if done:
            return done
    return render(
        request,
        "programme/enrolment_form.html",
        {"form": form, "group": group, "warnings": warnings, "ended": ended},
    )


@requires(Capability.MANAGE_PROGRAMME)
def participant_enrol(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Enrolling a person from their file: the group is searched for."""
    participant = get_object_for(
        request,
        visible_participants(request.user).filter(anonymised_on__isnull=True),
        capability=Capability.MANAGE_PROGRAMME,
        pk=pk,
    )
    today = timezone.localdate()
    form = ParticipantEnrolmentForm(
        request.POST or None,
        participant=participant,
        groups=visible_groups(request.user),
        today=today,
    )
    warnings: EnrolmentWarnings | None = None
    if request.method == "POST" and form.is_valid():
        done, warnings = _enrol(
            request,
            form,
            participant=participant,
            group=form.cleaned_data["group"],
            start_date=form.cleaned_data["start_date"],
            success_url=reverse("participants:participant_detail", args=[participant.pk]),
        )
        if done:
            return done
    return render(
        request,
        "programme/participant_enrol_form.html",
        {
            "form": form,
            "participant": participant,
            "warnings": warnings,
            "group": form.cleaned_data.get("group") if warnings else None,
        },
    )


@requires(Capability.MANAGE_PROGRAMME)
def enrolment_exit(request: OrganisationRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_for(request, pk)
    if enrolment.exit_date is not None:
        return _already_closed(request, enrolment, enrolment.exit_date)
    today = timezone.localdate()
    form = EnrolmentExitForm(
        request.POST or None,
        enrolment=enrolment,
        initial={"exit_date": _clip(today, enrolment.start_date, enrolment.group.end_date)},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrolment_exit(
                enrolment=enrolment,
                exit_date=data["exit_date"],
                outcome=data["outcome"],
                detail=data["outcome_detail"],
                qualification_gained=data["qualification_gained"],
                by=request.user,
                version=data["version"],
            )
        except ValidationError as error:
            enrolment.refresh_from_db()  # the service set the values before refusing them
            add_service_error(form, error)
        except StaleVersion as stale:
            enrolment.refresh_from_db()
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(
                request,
                _("The exit of %(name)s is recorded. A follow-up is due on %(date)s.")
                % {"name": enrolment.participant, "date": _short(enrolment.follow_up.due_on)},
            )
            return redirect("programme:group_detail", pk=enrolment.group_id)
    return render(
        request,
        "programme/enrolment_exit_form.html",
        {"form": form, "enrolment": enrolment},
        status=status,
    )


@requires(Capability.MANAGE_PROGRAMME)
def enrolment_extend(request: OrganisationRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_for(request, pk)
    if enrolment.exit_date is not None:
        return _already_closed(request, enrolment, enrolment.exit_date)
    today = timezone.localdate()
    form = EnrolmentExtendForm(
        request.POST or None,
        enrolment=enrolment,
        groups=visible_groups(request.user),
        initial={"exit_date": _clip(today, enrolment.start_date, enrolment.group.end_date)},
    )
    warnings: EnrolmentWarnings | None = None
    next_group: Group | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        next_group, next_start = data["next_group"], data["next_start_date"]
        warnings = services.extension_warnings(
            enrolment=enrolment, next_group=next_group, next_start_date=next_start
        )
        if not warnings or data["confirm_warnings"]:
            try:
                services.enrolment_extend(
                    enrolment=enrolment,
                    exit_date=data["exit_date"],
                    next_group=next_group,
                    next_start_date=next_start,
                    by=request.user,
                    version=data["version"],
                )
            except ValidationError as error:
                enrolment.refresh_from_db()  # nothing was written: the extension is one act
                add_service_error(form, error)
            except StaleVersion as stale:
                enrolment.refresh_from_db()
                form.refuse_stale(stale.current)
                status = 409
            else:
                messages.success(
                    request,
                    _("%(name)s goes on in %(group)s from %(date)s.")
                    % {
                        "name": enrolment.participant,
                        "group": next_group,
                        "date": _short(next_start),
                    },
                )
                return redirect("programme:group_detail", pk=enrolment.group_id)
    return render(
        request,
        "programme/enrolment_extend_form.html",
        {"form": form, "enrolment": enrolment, "warnings": warnings, "next_group": next_group},
        status=status,
    )


@requires(Capability.MANAGE_PARTICIPANTS)
def follow_up_record(request: OrganisationRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        ExitFollowUp.objects.select_related(
            "enrolment__participant", "enrolment__group", "recorded_by"
        ).filter(enrolment__group__organisation_id=request.user.organisation_id),
        pk=pk,
    )
    enrolment = follow_up.enrolment
    # As recorded before: the bound form writes the submitted values onto the follow-up.
    previous = (
        {"on": follow_up.recorded_on, "by": follow_up.recorded_by}
        if follow_up.recorded_on
        else None
    )
    initial = {} if follow_up.recorded_on else {"recorded_on": timezone.localdate()}
    form = FollowUpForm(request.POST or None, instance=follow_up, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(follow_up=follow_up, by=request.user, **form.values())
        except ValidationError as error:
            add_service_error(form, error)
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(
                request,
                _("The follow-up of %(name)s is recorded.") % {"name": enrolment.participant},
            )
            return redirect("programme:group_detail", pk=enrolment.group_id)
    return render(
        request,
        "programme/follow_up_form.html",
        {
            "form": form,
            "follow_up": follow_up,
            "enrolment": enrolment,
            "detail_label": outcome_detail_label(enrolment.outcome_detail),
            "previous": previous,
        },
        status=status,
    )
