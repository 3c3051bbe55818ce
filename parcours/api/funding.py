"""Funders, grants and the funders' reports, read only, with the funding pages' rules:
the funders for the coordinator (as their list page), the grants, their hours and their
ESF+ indicators for every role (figures only, as the grant and report pages), a grant's
report figures for the coordinator (as its report pack) and a PAS grant's justification
for casework (as its expense ledger). Every figure comes from the code the pages and
files use (``funding.selectors``, ``reporting.grant_pack``, ``reporting.pas_report``,
``reporting.esf_files``)."""

from typing import Annotated

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import Query, Router

from parcours.accounts.access import Capability, check, get_object_for, scoped, user_can
from parcours.api import funding_schemas as schemas
from parcours.api.errors import ApiProblem
from parcours.api.pagination import DEFAULT_LIMIT, paginate
from parcours.api.reports import valid_report_form
from parcours.api.resources import MAX_ID, Cursor, DateFrom, DateTo, Id, IsoDate, Limit, reads
from parcours.audit.models import AuditPurpose
from parcours.audit.services import record_opened
from parcours.funding.enums import FunderKind
from parcours.funding.models import Funder, Grant
from parcours.funding.selectors import charged_hours_by_grant, charged_hours_by_month
from parcours.reporting import grant_pack
from parcours.reporting.disclosure import Masked, export_tables
from parcours.reporting.esf_files import esf_report_of_year
from parcours.reporting.forms import FIRST_YEAR
from parcours.reporting.pas_report import grant_pas_report

funding = Router(tags=["funding"])

FunderFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only the grants of this funder.")
]
AsOf = Annotated[
    IsoDate | None,
    Query(description="Only what happened by that date (from the grant's start to today)."),
]


def _page(queryset, cursor, limit, item):
    rows, next_cursor = paginate(queryset, cursor=cursor, limit=limit)
    return {"items": [item(row) for row in rows], "next_cursor": next_cursor}


# -- Funders ---------------------------------------------------------------------------------


def _funder(funder) -> dict:
    return {
        "id": funder.pk,
        "name": funder.name,
        "kind": funder.kind,
        "needs_names": funder.needs_names,
        "version": funder.version,
    }


@funding.get("/funders", response=reads(schemas.FunderPage))
def funder_list(
    request,
    kind: Annotated[FunderKind | None, Query(description="Only the funders of this kind.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The organisation's funders, for the coordinator, as their list page."""
    check(request.user, Capability.MANAGE_ORGANISATION)
    funders = scoped(Funder.objects.all(), request.user)
    if kind:
        funders = funders.filter(kind=kind)
    return _page(funders, cursor, limit, _funder)


@funding.get("/funders/{pk}", response=reads(schemas.Funder))
def funder_detail(request, pk: Id):
    funder = get_object_for(
        request, Funder.objects.all(), capability=Capability.MANAGE_ORGANISATION, pk=pk
    )
    return _funder(funder)


# -- Grants ----------------------------------------------------------------------------------


def _grant(grant, charged_hours: float) -> dict:
    return {
        "id": grant.pk,
        "name": grant.name,
        "funder_id": grant.funder_id,
        "funder_name": grant.funder.name,
        "funder_kind": grant.funder.kind,
        "start_date": grant.start_date,
        "end_date": grant.end_date,
        "amount": grant.amount,
        "charged_hours": charged_hours,
        "version": grant.version,
    }


@funding.get("/grants", response=reads(schemas.GrantPage))
def grant_list(
    request,
    funder: FunderFilter = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
):
    """The organisation's grants whose period meets the dates, with the hours charged to
    each so far, as on the grant list (figures only: every role)."""
    check(request.user, Capability.VIEW_FIGURES)
    grants = scoped(Grant.objects.all(), request.user).select_related("funder")
    if funder:
        grants = grants.filter(funder_id=funder)
    if date_from:
        grants = grants.filter(end_date__gte=date_from)
    if date_to:
        grants = grants.filter(start_date__lte=date_to)
    rows, next_cursor = paginate(grants, cursor=cursor, limit=limit)
    # One sum per grant of the page, in a single query, as the grant list page does.
    hours = charged_hours_by_grant(request.user.organisation, rows)
    return {"items": [_grant(row, hours[row.pk]) for row in rows], "next_cursor": next_cursor}


def _grant_for(request, pk, capability):
    return get_object_for(
        request,
        Grant.objects.select_related("funder", "organisation"),
        capability=capability,
        pk=pk,
    )


@funding.get("/grants/{pk}", response=reads(schemas.GrantDetail))
def grant_detail(request, pk: Id):
    """A grant with its charged hours by month, as on its page."""
    grant = _grant_for(request, pk, Capability.VIEW_FIGURES)
    hours = charged_hours_by_grant(grant.organisation, [grant])
    return {**_grant(grant, hours[grant.pk]), "months": charged_hours_by_month(grant)}


def _cell(value):
    if isinstance(value, Masked):
        return {"masked": "small-count" if value.primary else "complement"}
    if isinstance(value, Promise):
        return str(value)
    return value


def _table(table) -> dict:
    return {
        "key": table.key,
        "title": str(table.title),
        "definition": str(table.definition),
        "columns": [
            {"key": column.key, "label": str(column.label), "kind": column.kind}
            for column in table.columns
        ],
        "rows": [
            {"key": str(row.key), "cells": {key: _cell(v) for key, v in row.cells.items()}}
            for row in table.rows
        ],
    }


def _as_of(grant, as_of):
    """The date the pack would be made on (today), or the one asked for, which must fall
    between the grant's start and today."""
    today = timezone.localdate()
    if as_of is None:
        return today
    if as_of > today:
        message = _("Choose a date up to today.")
    elif as_of < grant.start_date:
        message = _("Choose a date from the start of the grant on.")
    else:
        return as_of
    raise ApiProblem(
        422,
        "invalid-parameters",
        _("Some parameters are not valid."),
        errors=[{"location": "query.as_of", "message": message}],
    )


@funding.get("/grants/{pk}/report", response=reads(schemas.GrantReport))
def grant_report(request, pk: Id, as_of: AsOf = None):
    """The figures of the grant's report pack, for the coordinator as the pack: the
    grant's period narrowed to it, the small counts hidden as in the pack's files, and
    the hours charged by month. Reading it is traced as the pack's download is."""
    grant = _grant_for(request, pk, Capability.MANAGE_ORGANISATION)
    as_of = _as_of(grant, as_of)
    report = grant_pack.grant_report(grant, as_of=as_of)
    answer = {
        "grant_id": grant.pk,
        "first": report.figures["first"],
        "last": report.figures["last"],
        "as_of": as_of,
        "scope": report.scope_label,
        "tables": [_table(table) for table in export_tables(report, for_funder=True)],
        "months": charged_hours_by_month(grant, as_of=as_of),
    }
    record_opened(obj=grant, by=request.user, purpose=AuditPurpose.DOWNLOAD)
    return answer


@funding.get("/grants/{pk}/pas-justification", response=reads(schemas.PasJustification))
def grant_pas_justification(request, pk: Id):
    """A PAS grant's yearly justification, as its JSON download (casework, as the expense
    ledger); another funder's grant has none (404)."""
    grant = get_object_for(
        request,
        Grant.objects.select_related("funder", "organisation").filter(funder__kind=FunderKind.PAS),
        capability=Capability.VIEW_SOCIAL_DATA,
        pk=pk,
    )
    answer = grant_pas_report(grant).as_json()
    record_opened(obj=grant, by=request.user, purpose=AuditPurpose.DOWNLOAD)
    return answer


@funding.get("/grants/{pk}/esf-indicators", response=reads(schemas.EsfIndicators))
def grant_esf_indicators(
    request,
    pk: Id,
    year: Annotated[
        int | None,
        Query(
            ge=FIRST_YEAR,
            le=9999,
            description="The calendar year of the indicators; by default the grant's "
            "latest year so far.",
        ),
    ] = None,
    as_of: Annotated[IsoDate | None, Query(description="Only what happened by that date.")] = None,
):
    """The ESF+ common indicators of the people of the grant, as on the report page
    narrowed to it and in its ESF+ files; the special categories of data for the roles
    that see social data only. Reading them is traced as the files' download is."""
    grant = _grant_for(request, pk, Capability.VIEW_FIGURES)
    today = timezone.localdate()
    values = {"year": year or min(today, grant.end_date).year, "as_of": as_of, "grant": grant.pk}
    form = valid_report_form(request, values, today=today)
    report = esf_report_of_year(
        grant.organisation,
        form.cleaned_data["year"],
        form.effective_as_of(),
        form.scope(),
        special_categories=user_can(request.user, Capability.VIEW_SOCIAL_DATA),
    )
    record_opened(obj=grant, by=request.user, purpose=AuditPurpose.DOWNLOAD)
    return {
        "grant_id": grant.pk,
        "year": form.cleaned_data["year"],
        "first": report.period.first,
        "last": report.period.last,
        "as_of": form.effective_as_of(),
        "indicators": report.as_json(),
    }
