"""Funders, grants, what is charged to them, the grants' report packs, and the PAS
grants' expense ledgers and yearly justifications."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, overload

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parcours.accounts.access import (
    Capability,
    check,
    get_object_for,
    requires,
    scoped,
    user_can,
)
from parcours.accounts.http import OrganisationRequest
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.audit.versions import StaleVersion
from parcours.core.forms import _is_possible_id, model_values
from parcours.core.widgets import search_results, search_term
from parcours.downloads.models import Download
from parcours.funding import services
from parcours.funding.enums import FunderKind, PasPart
from parcours.funding.expenses import expense_delete as delete_expense
from parcours.funding.expenses import expense_save, pas_budget_save, subsidy_year
from parcours.funding.forms import (
    ExpenseForm,
    FunderForm,
    GrantForm,
    GroupChargeForm,
    PasBudgetForm,
    SessionChargeForm,
    ShareForm,
    chargeable_sessions,
    session_label,
)
from parcours.funding.models import Expense, Funder, Grant, GroupCharge, PasBudget, SessionCharge
from parcours.funding.selectors import (
    charged_hours_by_grant,
    charged_hours_by_month,
    sessions_named,
)
from parcours.funding.services import charge_group, charge_session, remove_charge, save_grant
from parcours.reporting.pas_report import PasReport, grant_pas_report


def _form_page(
    request: OrganisationRequest,
    form: BaseForm,
    *,
    title: str,
    submit: str,
    back: str,
    back_args: tuple[int, ...] = (),
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "funding/form.html",
        {"form": form, "title": title, "submit": submit, "back": back, "back_args": back_args},
        status=status,
    )


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return error.messages


def _add_errors(form: BaseForm, error: ValidationError, field: str | None = None) -> None:
    for message in _messages_of(error):
        form.add_error(field, message)


def _add_field_errors(form: BaseForm, error: ValidationError) -> None:
    """The service's messages on the form's fields they name, the others above it."""
    if not hasattr(error, "error_dict"):
        _add_errors(form, error)
        return
    for name, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


# -- Funders ---------------------------------------------------------------------------------


@requires(Capability.MANAGE_ORGANISATION)
def funder_list(request: OrganisationRequest) -> HttpResponse:
    return render(
        request,
        "funding/funder_list.html",
        {"funders": scoped(Funder.objects.all(), request.user)},
    )


@requires(Capability.MANAGE_ORGANISATION)
def funder_create(request: OrganisationRequest) -> HttpResponse:
    form = FunderForm(
        request.POST or None, request.FILES or None, organisation=request.user.organisation
    )
    if request.method == "POST" and form.is_valid():
        services.funder_create(
            organisation=request.user.organisation, by=request.user, **model_values(form)
        )
        messages.success(request, _("The funder has been added."))
        return redirect("funding:funder_list")
    return _form_page(
        request, form, title=_("New funder"), submit=_("Add"), back="funding:funder_list"
    )


@requires(Capability.MANAGE_ORGANISATION)
def funder_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    funder = get_object_for(
        request, Funder.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    form = FunderForm(
        request.POST or None,
        request.FILES or None,
        instance=funder,
        organisation=request.user.organisation,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.funder_update(funder=funder, by=request.user, **model_values(form))
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The funder has been saved."))
            return redirect("funding:funder_list")
    return _form_page(
        request,
        form,
        title=_("Edit the funder %(name)s") % {"name": funder},
        submit=_("Save"),
        back="funding:funder_list",
        status=status,
    )


# -- Grants ----------------------------------------------------------------------------------


@requires(Capability.VIEW_FIGURES)
def grant_list(request: OrganisationRequest) -> HttpResponse:
    # Queries: the grants with their funders, then one sum per grant in a single query.
    grants = list(scoped(Grant.objects.all(), request.user).select_related("funder"))
    hours = charged_hours_by_grant(request.user.organisation, grants)
    for grant in grants:
        grant.charged_hours = hours[grant.pk]
    return render(
        request,
        "funding/grant_list.html",
        {
            "grants": grants,
            "today": timezone.localdate(),
            "can_manage": user_can(request.user, Capability.MANAGE_ORGANISATION),
        },
    )


@requires(Capability.MANAGE_ORGANISATION)
def grant_create(request: OrganisationRequest) -> HttpResponse:
    form = GrantForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            grant = save_grant(grant=form.instance, by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The grant has been added."))
            return redirect("funding:grant_detail", grant.pk)
    return _form_page(
        request, form, title=_("New grant"), submit=_("Add"), back="funding:grant_list"
    )


@requires(Capability.MANAGE_ORGANISATION)
def grant_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    grant = get_object_for(
        request, Grant.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    title = _("Edit the grant %(name)s") % {"name": grant.name}
    form = GrantForm(request.POST or None, instance=grant, organisation=request.user.organisation)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save_grant(grant=form.instance, by=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            _add_errors(form, error)
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The grant has been saved."))
            return redirect("funding:grant_detail", grant.pk)
    return _form_page(
        request,
        form,
        title=title,
        submit=_("Save"),
        back="funding:grant_detail",
        back_args=(grant.pk,),
        status=status,
    )


def _grant_for(request: OrganisationRequest, pk: int | str, capability: Capability) -> Grant:
    # get_object_for is untyped: the record of the queryset given.
    grant: Grant = get_object_for(
        request,
        Grant.objects.select_related("funder", "organisation"),
        capability=capability,
        pk=pk,
    )
    return grant


@requires(Capability.VIEW_FIGURES)
def grant_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk, Capability.VIEW_FIGURES)
    can_manage = user_can(request.user, Capability.MANAGE_ORGANISATION)
    months = charged_hours_by_month(grant)
    group_charges = list(grant.group_charges.select_related("group").order_by("group__name"))
    session_charges = list(
        grant.session_charges.select_related("session__workshop")
        .prefetch_related("session__groups")
        .order_by("session__date", "session__start_time")
    )
    context = {
        "grant": grant,
        "months": months,
        "total_hours": round(sum(month["hours"] for month in months), 2),
        "total_charged": round(sum(month["charged_hours"] for month in months), 2),
        "group_charges": group_charges,
        "session_charges": session_charges,
        "can_manage": can_manage,
        "pas": grant_pas_report(grant),
        "can_see_ledger": user_can(request.user, Capability.VIEW_SOCIAL_DATA),
    }
    return render(request, "funding/grant_detail.html", context)


# -- Charges ---------------------------------------------------------------------------------


def _charge_page(
    request: OrganisationRequest, grant: Grant, form: BaseForm, *, title: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "funding/charge_form.html",
        {"grant": grant, "form": form, "title": title},
        status=status,
    )


@requires(Capability.MANAGE_ORGANISATION)
def group_charge_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk, Capability.MANAGE_ORGANISATION)
    form = GroupChargeForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            charge_group(
                group=form.cleaned_data["group"],
                grant=grant,
                share=form.cleaned_data["share"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The group %(group)s is charged %(share)s %% to this grant.")
                % {"group": form.cleaned_data["group"].name, "share": form.cleaned_data["share"]},
            )
            return redirect("funding:grant_detail", grant.pk)
    return _charge_page(request, grant, form, title=_("Charge a group to the grant"))


@requires(Capability.MANAGE_ORGANISATION)
def session_charge_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk, Capability.MANAGE_ORGANISATION)
    form = SessionChargeForm(request.POST or None, grant=grant)
    if request.method == "POST" and form.is_valid():
        try:
            charge_session(
                session=form.cleaned_data["session"],
                grant=grant,
                share=form.cleaned_data["share"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The session is charged to this grant."))
            return redirect("funding:grant_detail", grant.pk)
    return _charge_page(request, grant, form, title=_("Charge a session to the grant"))


@requires(Capability.MANAGE_ORGANISATION)
def session_search(request: OrganisationRequest) -> HttpResponse:
    # Queries: the session, the user; the grant; at most SEARCH_LIMIT + 1 sessions and
    # their groups (one prefetch).
    grant_pk = request.GET.get("grant", "")
    if not _is_possible_id(grant_pk):
        raise Http404
    grant = _grant_for(request, grant_pk, Capability.MANAGE_ORGANISATION)
    sessions = sessions_named(chargeable_sessions(grant), search_term(request))
    return search_results(request, sessions, label=session_label)


@overload
def _charge_for(request: OrganisationRequest, model: type[GroupCharge], pk: int) -> GroupCharge: ...
@overload
def _charge_for(
    request: OrganisationRequest, model: type[SessionCharge], pk: int
) -> SessionCharge: ...
def _charge_for(
    request: OrganisationRequest, model: type[GroupCharge] | type[SessionCharge], pk: int
) -> GroupCharge | SessionCharge:
    """A group or session charge of the user's organisation (the charges have no
    organisation of their own: their grant's counts), or 404."""
    check(request.user, Capability.MANAGE_ORGANISATION)
    mine = {"grant__organisation_id": request.user.organisation_id}
    if model is GroupCharge:
        groups = GroupCharge.objects.select_related("grant", "group")
        return get_object_or_404(groups.filter(**mine), pk=pk)
    sessions = SessionCharge.objects.select_related("grant", "session__workshop")
    return get_object_or_404(sessions.filter(**mine), pk=pk)


def _share_update(
    request: OrganisationRequest,
    charge: GroupCharge | SessionCharge,
    *,
    save: Callable[[Decimal, int | None], Any],
    title: str,
) -> HttpResponse:
    """The page that changes a charge's share; ``save(share, version)`` is the service
    call."""
    form = ShareForm(request.POST or None, charge=charge)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data["share"], form.cleaned_data["version"])
        except ValidationError as error:
            _add_errors(form, error)
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The share has been changed."))
            return redirect("funding:grant_detail", charge.grant_id)
    return _charge_page(request, charge.grant, form, title=title, status=status)


@requires(Capability.MANAGE_ORGANISATION)
def group_charge_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    charge = _charge_for(request, GroupCharge, pk)
    return _share_update(
        request,
        charge,
        save=lambda share, version: charge_group(
            group=charge.group, grant=charge.grant, share=share, by=request.user, version=version
        ),
        title=_("Share of the group %(group)s") % {"group": charge.group.name},
    )


@requires(Capability.MANAGE_ORGANISATION)
def session_charge_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    charge = _charge_for(request, SessionCharge, pk)
    return _share_update(
        request,
        charge,
        save=lambda share, version: charge_session(
            session=charge.session,
            grant=charge.grant,
            share=share,
            by=request.user,
            version=version,
        ),
        title=_("Share of the session of %(date)s")
        % {"date": date_format(charge.session.date, "SHORT_DATE_FORMAT")},
    )


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def group_charge_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    charge = _charge_for(request, GroupCharge, pk)
    remove_charge(charge=charge, by=request.user)
    messages.success(request, _("The group is no longer charged to this grant."))
    return redirect("funding:grant_detail", charge.grant_id)


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def session_charge_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    charge = _charge_for(request, SessionCharge, pk)
    remove_charge(charge=charge, by=request.user)
    messages.success(request, _("The session is no longer charged to this grant."))
    return redirect("funding:grant_detail", charge.grant_id)


# -- Report pack ------------------------------------------------------------------------------

# The user's latest packs of a grant listed on its pack's page.
PACKS_SHOWN = 5


@requires(Capability.MANAGE_ORGANISATION)
@require_GET
def grant_pack_page(request: OrganisationRequest, pk: int) -> HttpResponse:
    """The pack's address: it offers to prepare the pack in the background (the
    downloads app, as the grant's page does) and lists the user's latest packs of the
    grant, ready or on their way; it never writes the pack itself, which takes seconds.
    Downloading a prepared pack is traced in the audit trail (``downloads:file``)."""
    # Queries: the session, the user; the grant; the user's latest packs of it (without
    # their files).
    grant = _grant_for(request, pk, Capability.MANAGE_ORGANISATION)
    packs = (
        Download.objects.without_file()
        .of(request.user)
        .asked_for("grant_pack", grant=grant.pk)
        .order_by("-created_at", "-id")[:PACKS_SHOWN]
    )
    return render(request, "funding/grant_pack.html", {"grant": grant, "packs": list(packs)})


# -- PAS expense ledger and yearly justification ----------------------------------------------

PAS_FILES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _pas_grant_for(request: OrganisationRequest, pk: int, capability: Capability) -> Grant:
    """A PAS grant of the user's organisation, or 404: other grants have no ledger."""
    # get_object_for is untyped: the record of the queryset given.
    grant: Grant = get_object_for(
        request,
        Grant.objects.select_related("funder", "organisation", "pas_budget").filter(
            funder__kind=FunderKind.PAS
        ),
        capability=capability,
        pk=pk,
    )
    return grant


def _pas_report(grant: Grant) -> PasReport:
    """The yearly justification of a PAS grant (one ``_pas_grant_for`` found)."""
    report = grant_pas_report(grant)
    if report is None:  # not a PAS grant: it has no ledger
        raise Http404
    return report


@requires(Capability.VIEW_SOCIAL_DATA)
def expense_list(request: OrganisationRequest, pk: int) -> HttpResponse:
    # Queries: the grant, the report's aggregates, the ledger's lines in one query.
    grant = _pas_grant_for(request, pk, Capability.VIEW_SOCIAL_DATA)
    report = _pas_report(grant)
    expenses = list(
        grant.expenses.select_related("beneficiary", "group").order_by("part", "date", "pk")
    )
    parts = [
        {
            "figures": report.parts[part],
            "expenses": [expense for expense in expenses if expense.part == part],
        }
        for part in PasPart.values
    ]
    return render(
        request,
        "funding/expense_list.html",
        {
            "grant": grant,
            "report": report,
            "parts": parts,
            "year": subsidy_year(grant)[0].year,
            "can_write": user_can(request.user, Capability.MANAGE_PARTICIPANTS),
            "can_budget": user_can(request.user, Capability.MANAGE_ORGANISATION),
        },
    )


def _expense_page(
    request: OrganisationRequest, grant: Grant, form: BaseForm, *, title: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "funding/expense_form.html",
        {"grant": grant, "form": form, "title": title},
        status=status,
    )


def _save_expense(
    request: OrganisationRequest, grant: Grant, form: ExpenseForm, *, version: int | None = None
) -> bool:
    """Run the service on a valid form; the form gets the rule's message on refusal."""
    try:
        expense_save(
            expense=form.instance,
            by=request.user,
            used_over_a_year=form.cleaned_data["used_over_a_year"],
            version=version,
        )
    except ValidationError as error:
        _add_field_errors(form, error)
        return False
    return True


@requires(Capability.MANAGE_PARTICIPANTS)
def expense_create(request: OrganisationRequest, pk: int) -> HttpResponse:
    grant = _pas_grant_for(request, pk, Capability.MANAGE_PARTICIPANTS)
    form = ExpenseForm(request.POST or None, grant=grant)
    if request.method == "POST" and form.is_valid() and _save_expense(request, grant, form):
        messages.success(request, _("The expense has been added to the ledger."))
        return redirect("funding:expense_list", grant.pk)
    return _expense_page(request, grant, form, title=_("New expense"))


def _expense_for(request: OrganisationRequest, pk: int) -> Expense:
    """An expense of the user's organisation, or 404."""
    # get_object_for is untyped: the record of the queryset given.
    expense: Expense = get_object_for(
        request,
        Expense.objects.select_related("grant__funder", "grant__organisation"),
        capability=Capability.MANAGE_PARTICIPANTS,
        pk=pk,
    )
    return expense


@requires(Capability.MANAGE_PARTICIPANTS)
def expense_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    expense = _expense_for(request, pk)
    grant = expense.grant
    form = ExpenseForm(request.POST or None, instance=expense, grant=grant)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_expense(request, grant, form, version=form.cleaned_data["version"])
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            if saved:
                messages.success(request, _("The expense has been saved."))
                return redirect("funding:expense_list", grant.pk)
    return _expense_page(request, grant, form, title=_("Edit the expense"), status=status)


@requires(Capability.MANAGE_PARTICIPANTS)
@require_POST
def expense_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    expense = _expense_for(request, pk)
    delete_expense(expense=expense, by=request.user)
    messages.success(request, _("The expense has been removed from the ledger."))
    return redirect("funding:expense_list", expense.grant_id)


@requires(Capability.MANAGE_ORGANISATION)
def pas_budget_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    grant = _pas_grant_for(request, pk, Capability.MANAGE_ORGANISATION)
    budget = PasBudget.objects.filter(grant=grant).first() or PasBudget(grant=grant)
    form = PasBudgetForm(request.POST or None, instance=budget)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            pas_budget_save(grant=grant, by=request.user, **model_values(form))
        except ValidationError as error:
            _add_field_errors(form, error)
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            status = 409
        else:
            messages.success(request, _("The amounts of the parts have been saved."))
            return redirect("funding:expense_list", grant.pk)
    return _expense_page(
        request, grant, form, title=_("Amounts of parts A, B and C"), status=status
    )


@requires(Capability.VIEW_SOCIAL_DATA)
def pas_report_download(request: OrganisationRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in PAS_FILES:
        raise Http404
    grant = _pas_grant_for(request, pk, Capability.VIEW_SOCIAL_DATA)
    with translation.override(translation.get_language() or "fr"):
        report = _pas_report(grant)
        if file_format == "json":
            content: str | bytes = json.dumps(report.as_json(), ensure_ascii=False, indent=2)
        elif file_format == "xlsx":
            content = report.as_xlsx()
        else:
            content = report.as_pdf()
    record_opened(obj=grant, by=request.user, purpose=AuditPurpose.DOWNLOAD)
    response = HttpResponse(content, content_type=PAS_FILES[file_format])
    filename = f"justification-pas-{grant.pk}-{report.year}.{file_format}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
