"""The register of a session: marking on a tablet, validating, correcting."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, get_object_for, requires, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.attendance import services
from parcours.attendance.enums import Presence
from parcours.attendance.forms import CorrectionForm, RegisterFilterForm, searchable_workshops
from parcours.attendance.grids import register_rows
from parcours.attendance.models import Attendance
from parcours.attendance.selectors import (
    expected_participants,
    register_counts,
    registers_matching,
    unmarked_count,
    visible_sessions,
)
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.core.widgets import search_results, search_term
from parcours.participants.selectors import NamesShown
from parcours.workshops.models import Session


def _session_for(
    request: OrganisationRequest, pk: int, capability: Capability = Capability.TAKE_ATTENDANCE
) -> Session:
    # get_object_for is untyped: the record of the queryset given.
    session: Session = get_object_for(
        request,
        visible_sessions(request.user).select_related(
            "workshop", "leader", "provider", "register_validated_by"
        ),
        capability=capability,
        pk=pk,
    )
    return session


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _row_context(
    request: OrganisationRequest, session: Session, row: dict[str, Any] | None, error: str = ""
) -> dict[str, Any]:
    return {
        "session": session,
        "row": row,
        "locked": session.register_validated_at is not None,
        "can_correct": user_can(request.user, Capability.MANAGE_ORGANISATION),
        "choices": Presence.choices,
        "error": error,
    }


REGISTERS_PER_PAGE = 50


@requires(Capability.TAKE_ATTENDANCE)
def register_list(request: OrganisationRequest) -> HttpResponse:
    """The sessions the user takes registers of, filtered by period (by default the last
    two weeks and the next week), group, workshop and register's state, a page at a time
    (a coordinator of a large programme has thousands): by default the page where
    today's sessions start. The filters answer with the list alone (htmx) and stay in
    the address."""
    # Queries: the session and user; the group and workshop filtered on (when asked);
    # the count of the sessions after today (no page asked for); the count and one page
    # of sessions with their workshop; their groups.
    today = timezone.localdate()
    form = RegisterFilterForm(request.GET, user=request.user, today=today)
    sessions = registers_matching(request.user, **form.filters())
    paginator = Paginator(sessions, REGISTERS_PER_PAGE)
    number: int | str | None = request.GET.get("page")
    if number is None:
        number = sessions.filter(date__gt=today).count() // REGISTERS_PER_PAGE + 1
    page = paginator.get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    for name in ("first", "last"):
        # The period shown stays in the pages' links, the default one included.
        query.setdefault(name, form.data[name])
    context = {
        "form": form,
        "sessions": page,
        "page": page,
        "today": today,
        "query": query.urlencode(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "attendance/_register_results.html" if partial else "attendance/register_list.html"
    response = render(request, template, context)
    # The same address answers the partial or the whole page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@requires(Capability.TAKE_ATTENDANCE)
def workshop_search(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; at most SEARCH_LIMIT + 1 workshops.
    workshops = searchable_workshops(request.user)
    term = search_term(request)
    if term:
        workshops = workshops.filter(name__icontains=term)
    return search_results(request, workshops.order_by("name", "pk"))


def _mark_everyone_present(request: OrganisationRequest, session: Session) -> None:
    try:
        count = services.register_mark_unmarked_present(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            ngettext("%(count)s person marked present.", "%(count)s people marked present.", count)
            % {"count": count},
        )


@requires(Capability.TAKE_ATTENDANCE)
def register(request: OrganisationRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    if request.method == "POST":
        # Without JavaScript the whole register is posted at once.
        errors: list[str] = []
        saved = 0
        names = NamesShown(request.user)
        for row in register_rows(session):
            person = row["participant"]
            status = request.POST.get(f"status-{person.pk}", "")
            current = row["attendance"].status if row["attendance"] else ""
            if not status or status == current:
                continue
            try:
                services.attendance_mark(
                    session=session, participant=person, status=status, by=request.user
                )
                saved += 1
            except ValidationError as error:
                errors.append(f"{names.name(person)}: {_error_text(error)}")
        for message in errors:
            messages.error(request, message)
        if saved:
            messages.success(
                request,
                ngettext("%(count)s mark saved.", "%(count)s marks saved.", saved)
                % {"count": saved},
            )
        if request.POST.get("everyone_present"):
            # After the marks chosen on the page: only those left without one.
            _mark_everyone_present(request, session)
        return redirect("attendance:register", pk=session.pk)
    record_opened(obj=session, by=request.user, purpose=AuditPurpose.CONSULTATION)
    rows = register_rows(session)
    context = _row_context(request, session, None) | {
        "rows": rows,
        "unmarked": sum(1 for row in rows if not row["status"]),
    }
    return render(request, "attendance/register.html", context)


@requires(Capability.TAKE_ATTENDANCE)
@require_POST
def mark(request: OrganisationRequest, pk: int, participant_pk: int) -> HttpResponse:
    """One tap: save one mark, answer with the updated row (htmx) or go back."""
    session = _session_for(request, pk)
    participant = get_object_or_404(expected_participants(session), pk=participant_pk)
    error = ""
    try:
        services.attendance_mark(
            session=session,
            participant=participant,
            status=request.POST.get("status", ""),
            by=request.user,
        )
    except ValidationError as exc:
        error = _error_text(exc)
    if not request.htmx:
        if error:
            messages.error(request, f"{NamesShown(request.user).name(participant)}: {error}")
        return redirect("attendance:register", pk=session.pk)
    attendance = Attendance.objects.filter(session=session, participant=participant).first()
    row = {
        "participant": participant,
        "attendance": attendance,
        "status": attendance.status if attendance else "",
    }
    context = _row_context(request, session, row, error=error)
    html = render_to_string("attendance/_register_row.html", context, request=request)
    if not context["locked"] and not session.cancelled:
        # The count of the people left to mark follows each tap (out of band).
        html += render_to_string(
            "attendance/_register_actions.html",
            context | {"oob": True, "unmarked": unmarked_count(session)},
            request=request,
        )
    return HttpResponse(html)


@requires(Capability.TAKE_ATTENDANCE)
def validate(request: OrganisationRequest, pk: int) -> HttpResponse:
    """The summary of the register (GET), then its validation once confirmed (POST)."""
    session = _session_for(request, pk)
    if request.method != "POST":
        if session.register_validated_at is not None or session.cancelled:
            return redirect("attendance:register", pk=session.pk)
        context = {"session": session, "counts": register_counts(session)}
        return render(request, "attendance/validate_confirm.html", context)
    try:
        services.register_validate(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The register is validated."))
    return redirect("attendance:register", pk=session.pk)


@requires(Capability.MANAGE_ORGANISATION)
def correct(request: OrganisationRequest, pk: int, participant_pk: int) -> HttpResponse:
    session = _session_for(request, pk, capability=Capability.MANAGE_ORGANISATION)
    participant = get_object_or_404(expected_participants(session), pk=participant_pk)
    current = Attendance.objects.filter(session=session, participant=participant).first()
    form = CorrectionForm(
        request.POST or None, initial={"status": current.status if current else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_correct(
                session=session,
                participant=participant,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The mark of %(name)s is corrected.") % {"name": participant}
            )
            return redirect("attendance:register", pk=session.pk)
    context = {"session": session, "participant": participant, "current": current, "form": form}
    return render(request, "attendance/correct_form.html", context)
