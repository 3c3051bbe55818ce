"""Planning sessions: a weekly series, a one-off session, cancelling and changing."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.access import Capability, get_object_for, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.audit.versions import StaleVersion
from parcours.core.widgets import search_results, search_term
from parcours.programme.forms import add_service_error, group_label
from parcours.programme.selectors import groups_named, visible_groups
from parcours.workshops import planning
from parcours.workshops.forms import (
    CancelForm,
    ChangeForm,
    ClashConfirmation,
    SeriesForm,
    SessionForm,
)
from parcours.workshops.models import Session
from parcours.workshops.planning import Conflict

SESSIONS = Session.objects.select_related("workshop", "provider", "leader", "series")


def _clashes_to_confirm(
    request: OrganisationRequest, form: ClashConfirmation, clashes: list[Conflict]
) -> dict[str, object] | None:
    """The clashes to show before saving, and the key of the "save anyway" button; None
    when there are none or the user confirmed exactly these values and clashes."""
    if not clashes or form.clashes_confirmed(clashes, user=request.user):
        return None
    return {"clashes": clashes, "key": form.clash_key(clashes, user=request.user)}


@requires(Capability.MANAGE_PROGRAMME)
def group_search(request: OrganisationRequest) -> HttpResponse:
    """The groups a session or a series may take: those the user sees that run on the
    session's ``date`` (or overlap ``first_date``-``last_date``), not ended otherwise."""
    # Queries: the session, the user; at most SEARCH_LIMIT + 1 groups.
    first = _day(request.GET.get("date")) or _day(request.GET.get("first_date"))
    last = _day(request.GET.get("date")) or _day(request.GET.get("last_date")) or first
    first = first or last or timezone.localdate()
    groups = visible_groups(request.user).filter(end_date__gte=first)
    if last:
        groups = groups.filter(start_date__lte=last)
    return search_results(request, groups_named(groups, search_term(request)), label=group_label)


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


@requires(Capability.MANAGE_PROGRAMME)
def series_plan(request: OrganisationRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = SeriesForm(request.POST or None, organisation=organisation)
    confirm = None
    if request.method == "POST" and form.is_valid():
        confirm = _clashes_to_confirm(
            request, form, planning.series_clashes(organisation=organisation, **form.cleaned_data)
        )
        if confirm is None:
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
            "confirm": confirm,
        },
    )


@requires(Capability.MANAGE_PROGRAMME)
def session_create(request: OrganisationRequest) -> HttpResponse:
    organisation = request.user.organisation
    form = SessionForm(request.POST or None, organisation=organisation)
    confirm = None
    if request.method == "POST" and form.is_valid():
        confirm = _clashes_to_confirm(
            request, form, planning.session_clashes(organisation=organisation, **form.cleaned_data)
        )
        if confirm is None:
            try:
                session = planning.create_session(
                    organisation=organisation, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The session has been planned."))
                return redirect("workshops:session_detail", pk=session.pk)
    return render(
        request,
        "workshops/form.html",
        {
            "form": form,
            "title": _("Plan one session"),
            "submit": _("Plan the session"),
            "back": "workshops:week",
            "confirm": confirm,
        },
    )


@requires(Capability.VIEW_PROGRAMME)
def session_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
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
def session_cancel(request: OrganisationRequest, pk: int) -> HttpResponse:
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
def session_change(request: OrganisationRequest, pk: int) -> HttpResponse:
    session = get_object_for(request, SESSIONS, capability=Capability.MANAGE_PROGRAMME, pk=pk)
    form = ChangeForm(request.POST or None, session=session)
    status = 200
    confirm = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        following = values.pop("scope", ChangeForm.ONE) == ChangeForm.FOLLOWING
        confirm = _clashes_to_confirm(
            request,
            form,
            planning.change_clashes(session=session, following=following, **values),
        )
        if confirm is None:
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
                return redirect("workshops:session_detail", pk=session.pk)
    return render(
        request,
        "workshops/session_form.html",
        {
            "form": form,
            "session": session,
            "title": _("Change the session"),
            "submit": _("Save"),
            "confirm": confirm,
        },
        status=status,
    )
