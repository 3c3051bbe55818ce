"""Planning sessions: a weekly series, a one-off session, cancelling and changing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.access import Capability, get_object_for, requires, user_can
from parcours.audit.versions import StaleVersion
from parcours.programme.forms import add_service_error
from parcours.workshops import planning
from parcours.workshops.forms import CancelForm, ChangeForm, SeriesForm, SessionForm
from parcours.workshops.models import Session

SESSIONS = Session.objects.select_related("workshop", "provider", "leader", "series")


def _warn_conflicts(request, sessions):
    for session in sessions:
        for conflict in planning.conflicts_for(session):
            messages.warning(
                request,
                _("%(session)s overlaps %(other)s (%(why)s).")
                % {"session": session, "other": conflict.other, "why": conflict.label},
            )


@requires(Capability.MANAGE_PROGRAMME)
def series_plan(request):
    organisation = request.user.organisation
    form = SeriesForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            series, created, skipped = planning.plan_series(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d session has been planned.",
                    "%(count)d sessions have been planned.",
                    len(created),
                )
                % {"count": len(created)},
            )
            for day, reason in skipped:
                messages.info(
                    request,
                    _("Skipped %(date)s: %(reason)s.")
                    % {"date": date_format(day, "SHORT_DATE_FORMAT"), "reason": reason},
                )
            _warn_conflicts(request, created)
            week = created[0].date if created else series.first_date
            return redirect(f"{reverse('workshops:week')}?date={week:%Y-%m-%d}")
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "title": _("Plan a weekly series"),
            "submit": _("Plan the sessions"),
            "back": "workshops:week",
        },
    )


@requires(Capability.MANAGE_PROGRAMME)
def session_create(request):
    organisation = request.user.organisation
    form = SessionForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            session = planning.create_session(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The session has been planned."))
            _warn_conflicts(request, [session])
            return redirect("workshops:session_detail", pk=session.pk)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "title": _("Plan one session"),
            "submit": _("Plan the session"),
            "back": "workshops:week",
        },
    )


@requires(Capability.VIEW_PROGRAMME)
def session_detail(request, pk):
    session = get_object_for(
        request, SESSIONS.prefetch_related("groups"), capability=Capability.VIEW_PROGRAMME, pk=pk
    )
    return render(
        request,
        "workshops/session_detail.html",
        {
            "session": session,
            "conflicts": planning.conflicts_for(session),
            "can_manage": user_can(request.user, Capability.MANAGE_PROGRAMME),
            "can_take_attendance": user_can(request.user, Capability.TAKE_ATTENDANCE),
        },
    )


@requires(Capability.MANAGE_PROGRAMME)
def session_cancel(request, pk):
    session = get_object_for(
        request, SESSIONS, capability=Capability.MANAGE_PROGRAMME, pk=pk, cancelled=False
    )
    form = CancelForm(request.POST or None, session=session)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            planning.cancel_session(
                session=session,
                by=request.user,
                reason=form.cleaned_data["cancel_reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The session has been cancelled."))
            return redirect("workshops:session_detail", pk=session.pk)
    return render(
        request,
        "workshops/session_form.html",
        {
            "form": form,
            "session": session,
            "title": _("Cancel the session"),
            "submit": _("Cancel the session"),
        },
        status=status,
    )


@requires(Capability.MANAGE_PROGRAMME)
def session_change(request, pk):
    session = get_object_for(request, SESSIONS, capability=Capability.MANAGE_PROGRAMME, pk=pk)
    form = ChangeForm(request.POST or None, session=session)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        following = values.pop("scope", ChangeForm.ONE) == ChangeForm.FOLLOWING
        try:
            changed = planning.change_session(
                session=session, by=request.user, following=following, **values
            )
        except ValidationError as error:
            add_service_error(form, error)
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d session has been changed.",
                    "%(count)d sessions have been changed.",
                    len(changed),
                )
                % {"count": len(changed)},
            )
            _warn_conflicts(request, changed)
            return redirect("workshops:session_detail", pk=session.pk)
    return render(
        request,
        "workshops/session_form.html",
        {
            "form": form,
            "session": session,
            "title": _("Change the session"),
            "submit": _("Save"),
        },
        status=status,
    )
