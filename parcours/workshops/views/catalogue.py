"""The workshop catalogue, the providers and the closing periods."""

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts.access import Capability, get_object_for, requires, scoped, user_can
from parcours.accounts.http import OrganisationRequest
from parcours.audit.versions import StaleVersion
from parcours.core.forms import model_values
from parcours.workshops import services
from parcours.workshops.enums import Axis
from parcours.workshops.forms import ClosingPeriodForm, ProviderForm, WorkshopForm
from parcours.workshops.models import ClosingPeriod, Provider, Workshop


def _form_page(
    request: OrganisationRequest,
    form: BaseForm,
    *,
    title: str,
    submit: str,
    back: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "workshops/form.html",
        {"form": form, "title": title, "submit": submit, "back": back},
        status=status,
    )


@requires(Capability.VIEW_PROGRAMME)
def workshop_list(request: OrganisationRequest) -> HttpResponse:
    workshops = list(scoped(Workshop.objects.all(), request.user).prefetch_related("domains"))
    axes = [
        {"label": label, "workshops": [w for w in workshops if w.axis == value]}
        for value, label in Axis.choices
    ]
    return render(
        request,
        "workshops/workshop_list.html",
        {"axes": axes, "can_manage": user_can(request.user, Capability.MANAGE_ORGANISATION)},
    )


@requires(Capability.MANAGE_ORGANISATION)
def workshop_create(request: OrganisationRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        workshop = services.workshop_create(
            organisation=request.user.organisation,
            by=request.user,
            **model_values(form, "domains"),
        )
        messages.success(
            request, _("The workshop %(name)s is in the catalogue.") % {"name": workshop}
        )
        return redirect("workshops:workshop_list")
    return _form_page(
        request, form, title=_("New workshop"), submit=_("Add"), back="workshops:workshop_list"
    )


@requires(Capability.MANAGE_ORGANISATION)
def workshop_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    workshop = get_object_for(
        request, Workshop.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    title = _("Edit the workshop %(name)s") % {"name": workshop}
    form = WorkshopForm(
        request.POST or None, instance=workshop, organisation=request.user.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(
                workshop=workshop, by=request.user, **model_values(form, "domains")
            )
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            return _form_page(
                request,
                form,
                title=title,
                submit=_("Save"),
                back="workshops:workshop_list",
                status=409,
            )
        messages.success(request, _("The workshop has been saved."))
        return redirect("workshops:workshop_list")
    return _form_page(request, form, title=title, submit=_("Save"), back="workshops:workshop_list")


@requires(Capability.VIEW_PROGRAMME)
def provider_list(request: OrganisationRequest) -> HttpResponse:
    return render(
        request,
        "workshops/provider_list.html",
        {
            "providers": scoped(Provider.objects.all(), request.user),
            "can_manage": user_can(request.user, Capability.MANAGE_ORGANISATION),
        },
    )


@requires(Capability.MANAGE_ORGANISATION)
def provider_create(request: OrganisationRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        services.provider_create(
            organisation=request.user.organisation, by=request.user, **model_values(form)
        )
        messages.success(request, _("The provider has been added."))
        return redirect("workshops:provider_list")
    return _form_page(
        request, form, title=_("New provider"), submit=_("Add"), back="workshops:provider_list"
    )


@requires(Capability.MANAGE_ORGANISATION)
def provider_update(request: OrganisationRequest, pk: int) -> HttpResponse:
    provider = get_object_for(
        request, Provider.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    title = _("Edit the provider %(name)s") % {"name": provider}
    form = ProviderForm(
        request.POST or None, instance=provider, organisation=request.user.organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(provider=provider, by=request.user, **model_values(form))
        except StaleVersion as stale:
            form.refuse_stale(stale.current)
            return _form_page(
                request,
                form,
                title=title,
                submit=_("Save"),
                back="workshops:provider_list",
                status=409,
            )
        messages.success(request, _("The provider has been saved."))
        return redirect("workshops:provider_list")
    return _form_page(request, form, title=title, submit=_("Save"), back="workshops:provider_list")


@requires(Capability.MANAGE_ORGANISATION)
def closing_list(request: OrganisationRequest) -> HttpResponse:
    return render(
        request,
        "workshops/closing_list.html",
        {"periods": scoped(ClosingPeriod.objects.all(), request.user)},
    )


@requires(Capability.MANAGE_ORGANISATION)
def closing_create(request: OrganisationRequest) -> HttpResponse:
    form = ClosingPeriodForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        services.closing_period_create(
            organisation=request.user.organisation, by=request.user, **model_values(form)
        )
        messages.success(request, _("The closing period has been added."))
        return redirect("workshops:closing_list")
    return _form_page(
        request, form, title=_("New closing period"), submit=_("Add"), back="workshops:closing_list"
    )


@requires(Capability.MANAGE_ORGANISATION)
@require_POST
def closing_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    period = get_object_for(
        request, ClosingPeriod.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    services.closing_period_delete(period=period, by=request.user)
    messages.success(request, _("The closing period has been removed."))
    return redirect("workshops:closing_list")
