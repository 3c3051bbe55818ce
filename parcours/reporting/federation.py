"""The figures of a federation (docs/federation.md): the yearly report of each member
CPAS, summed over the federation and side by side, small cells suppressed. Nothing here
reads a person: only the reports, which are aggregates already.

Each member's report is the one its own report page shows (the frozen one of a closed
year, else the live one kept in the cache, ``parcours.reporting.cache``): the federation
page reads every member's in a fixed number of queries when they are kept, and computes
only the missing ones, with the very same code as the CPAS's own page.

Summing: a person belongs to one CPAS, so counts of people add up across members, as do
hours and counts of records; every percentage is computed again from the summed counts,
never averaged. The average age cannot be summed from the reports (they keep the
average, not the sum of the ages): the total shows none, each CPAS shows its own.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.tasks import task

from parcours.accounts.models import Organisation, User
from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.services import record_opened
from parcours.core.domains import Domain
from parcours.programme.enums import DropoutReason, ExitOutcome
from parcours.reporting.cache import REPORT_CACHE_SECONDS, report_key
from parcours.reporting.disclosure import suppress_together
from parcours.reporting.figures import (
    HOURS_KEYS,
    WHOLE_PROGRAMME,
    Report,
    pct,
    yearly_report,
)
from parcours.reporting.models import YearClosing
from parcours.reporting.tables import Table, report_tables

TOTAL = "total"  # the site key of the federation's summed tables
DOMAINS = [domain.value for domain in Domain]


# -- Each member's report ------------------------------------------------------------------


def members_with_versions(federation):
    """The member organisations, each with ``records_version`` (its latest write), in
    one query (``parcours.reporting.cache.records_version`` for all at once)."""
    latest = (
        AuditEvent.objects.filter(organisation=OuterRef("pk"))
        .exclude(action=AuditAction.VIEW)
        .order_by("-sequence")
        .values("pk")[:1]
    )
    return federation.organisations.annotate(records_version=Subquery(latest)).order_by("name")


def member_reports(organisations, *, year: int, as_of: datetime.date) -> dict:
    """``{organisation: Report}``: each member's report of ``year`` as of ``as_of`` as
    its own page gives it. Queries: the closings in force, the cache (one read for all),
    and the report of each member not kept yet (then kept for the next reader)."""
    organisations = list(organisations)
    reports = {}
    if as_of >= datetime.date(year, 12, 31):
        closings = YearClosing.objects.in_force().filter(organisation__in=organisations, year=year)
        frozen = {closing.organisation_id: closing for closing in closings}
        for organisation in organisations:
            closing = frozen.get(organisation.pk)
            if closing is not None:
                reports[organisation] = Report.from_json(closing.report, closing=closing)
    params = {"year": year, "as_of": as_of.isoformat()}
    keys = {
        organisation: report_key(
            organisation,
            version=organisation.records_version or 0,
            kind="year",
            params=params,
            scope=WHOLE_PROGRAMME,
        )
        for organisation in organisations
        if organisation not in reports
    }
    kept = cache.get_many(list(keys.values()))
    computed = {}
    for organisation, key in keys.items():
        if key in kept:
            reports[organisation] = Report.from_json(kept[key])
        else:
            reports[organisation] = yearly_report(organisation, year=year, as_of=as_of)
            computed[key] = reports[organisation].as_json()
    if computed:
        cache.set_many(computed, REPORT_CACHE_SECONDS)
    return {organisation: reports[organisation] for organisation in organisations}


@task
def record_federation_read(analyst_id: int, organisation_ids: list[int], purpose: str) -> None:
    """Write an analyst's read of the federation's figures in the trail of each member
    CPAS it read. Queued by the page (``enqueue_after_commit``): a trail row per member,
    written in the request, would make the page linear in the CPAS (4 s at 100 CPAS)."""
    analyst = User.objects.get(pk=analyst_id)
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("pk"):
        record_opened(obj=organisation, by=analyst, purpose=purpose)


# -- The sum -----------------------------------------------------------------------------------


def _add(dicts: list[dict]) -> dict:
    """Key by key sums of dicts of numbers (a missing key counts 0)."""
    keys = dict.fromkeys(key for each in dicts for key in each)
    return {key: sum(each.get(key) or 0 for each in dicts) for key in keys}


def _hours(values: Iterable) -> float:
    # Hundredths of hours summed exactly, as the reports round them.
    return float(sum((Decimal(str(value or 0)) for value in values), Decimal(0)))


def _add_hours(dicts: list[dict]) -> dict:
    keys = dict.fromkeys(key for each in dicts for key in each)
    return {key: _hours(each.get(key) for each in dicts) for key in keys}


def summed_report(reports: list[Report], *, label: str, year: int, as_of) -> Report:
    """One report whose counts and hours are those of ``reports`` added, and whose
    percentages are computed again from them (see the module's docstring)."""
    figures = [report.figures for report in reports]
    counts = [report.counts for report in reports]
    participants = sum(f["participants"] for f in figures)
    characteristic_counts = _add([c["characteristics"] for c in counts])
    characteristics = {
        f"{key}_pct": pct(n, participants) for key, n in characteristic_counts.items()
    }
    characteristics["average_age"] = None  # an average is not summed
    outcomes = _add([c["outcomes"] for c in counts])
    exits = sum(f["results"]["exits"] for f in figures)
    completed = sum(c["completed_exits"] for c in counts)
    improved = _add([c["improved"] for c in counts])
    deteriorated = _add([c["deteriorated"] for c in counts])
    rated = _add([f["improvement_n"] for f in figures])
    summed = {
        "organisation": label,
        "year": year,
        "as_of": as_of.isoformat(),
        "participants": participants,
        "characteristics": characteristics,
        "results": {
            "exits": exits,
            **{
                f"{outcome.value}_pct": pct(outcomes.get(outcome.value, 0), exits)
                for outcome in ExitOutcome
            },
            "dropout_reasons": _add([f["results"]["dropout_reasons"] for f in figures]),
        },
        "improvement_pct": {d: pct(improved.get(d, 0), rated.get(d, 0)) for d in DOMAINS},
        "improvement_n": {d: rated.get(d, 0) for d in DOMAINS},
        "deteriorated_pct": {d: pct(deteriorated.get(d, 0), rated.get(d, 0)) for d in DOMAINS},
        "hours": _add_hours([f["hours"] for f in figures]),
        "projects": _add([f.get("projects", {}) for f in figures]),
        "evolution": _summed_evolution(figures),
    }
    for reason in DropoutReason:
        summed["results"]["dropout_reasons"].setdefault(reason.value, 0)
    return Report(
        figures=summed,
        counts={
            "characteristics": characteristic_counts,
            "unknown": _add([c["unknown"] for c in counts]),
            "outcomes": {outcome.value: outcomes.get(outcome.value, 0) for outcome in ExitOutcome},
            "completed_exits": completed,
            "improved": {d: improved.get(d, 0) for d in DOMAINS},
            "deteriorated": {d: deteriorated.get(d, 0) for d in DOMAINS},
            "not_rated": {d: completed - rated.get(d, 0) for d in DOMAINS},
        },
        domain_hours=_add_hours([report.domain_hours for report in reports]),
        work_share=_summed_work_share([report.work_share for report in reports]),
        scope_label=label,
    )


def _summed_evolution(figures: list[dict]) -> list[dict]:
    """Each year's participants and hours added over the members that have the year
    (a CPAS's evolution starts with its own first year with data)."""
    years: dict[int, list[dict]] = {}
    for each in figures:
        for row in each.get("evolution", []):
            years.setdefault(row["year"], []).append(row)
    return [
        {
            "year": year,
            "participants": sum(row["participants"] for row in rows),
            "hours": {key: _hours(row["hours"].get(key) for row in rows) for key in HOURS_KEYS},
        }
        for year, rows in sorted(years.items())
    ]


def _summed_work_share(shares: list[dict]) -> dict:
    quarters: dict[str, list[dict]] = {}
    for share in shares:
        for row in share["quarters"]:
            quarters.setdefault(row["quarter"], []).append(row)
    return {
        "quarters": [_share_sum(label, rows) for label, rows in sorted(quarters.items())],
        "total": _share_sum(None, [share["total"] for share in shares]),
    }


def _share_sum(label, rows: list[dict]) -> dict:
    individual = _hours(row["individual_hours"] for row in rows)
    collective = _hours(row["collective_hours"] for row in rows)
    whole = Decimal(str(individual)) + Decimal(str(collective))
    return {
        "quarter": label,
        "individual_hours": individual,
        "collective_hours": collective,
        "individual_pct": pct(Decimal(str(individual)), whole),
        "collective_pct": pct(Decimal(str(collective)), whole),
        "individual_items": sum(row.get("individual_items") or 0 for row in rows),
        "individual_no_duration": sum(row.get("individual_no_duration") or 0 for row in rows),
    }


# -- What the analyst reads --------------------------------------------------------------------

# The columns of each table compared side by side, one column per CPAS.
SIDE_COLUMNS = {
    "characteristics": ("count", "pct"),
    "results": ("count", "pct"),
    "dropout_reasons": ("count",),
    "improvement": ("rated", "improvement_pct", "deteriorated_pct"),
    "hours": ("hours",),
    "evolution": ("participants", "total"),
    "work_share": ("individual_hours", "collective_hours", "individual_pct"),
    "projects": ("count",),
}


# The cells of a compared column that hold no figure (a share of a total is none).
NO_SHARE = {
    ("characteristics", "participants", "pct"),
    ("characteristics", "average_age", "pct"),
    ("results", "exits", "pct"),
}


@dataclass
class SideRow:
    key: str
    label: str
    measure: str  # the column's label: what the cells are
    kind: str
    cells: list  # the total's, then one per site shown


@dataclass
class SideTable:
    key: str
    title: str
    rows: list


@dataclass
class FederationReport:
    """The summed tables and the tables side by side, small cells suppressed."""

    federation: object
    year: int
    as_of: datetime.date
    members: list  # every member organisation, by name
    shown: list  # the members whose column is shown (one, or all)
    total: list  # the federation's tables (``report_tables`` of the sum), suppressed
    side_by_side: list  # SideTable


def federation_report(federation, *, year: int, as_of: datetime.date, site=None):
    """The federation's figures of ``year``, with ``site`` (a member organisation, or
    None for all) the column shown beside the total."""
    members = list(members_with_versions(federation))
    reports = member_reports(members, year=year, as_of=as_of)
    total = summed_report(list(reports.values()), label=federation.name, year=year, as_of=as_of)
    # Every member is suppressed with the total, whichever is shown: what one view hides
    # another must not give away.
    tables = suppress_together(
        {
            TOTAL: report_tables(total),
            **{member.slug: report_tables(report) for member, report in reports.items()},
        },
        total=TOTAL,
    )
    shown = [site] if site is not None else members
    return FederationReport(
        federation=federation,
        year=year,
        as_of=as_of,
        members=members,
        shown=shown,
        total=tables[TOTAL],
        side_by_side=side_by_side(tables, [member.slug for member in shown]),
    )


def side_by_side(tables: dict, sites: list[str]) -> list[SideTable]:
    """For each of the total's tables, its compared columns with one cell per site."""
    by_site = {site: {table.key: table for table in each} for site, each in tables.items()}
    result = []
    for table in tables[TOTAL]:
        compared = SIDE_COLUMNS.get(table.key, ())
        columns = [column for column in table.columns if column.key in compared]
        rows = [
            SideRow(
                f"{row.key}:{column.key}",
                str(row.cells.get("label", "")),
                str(column.label),
                column.kind,
                [row.cells.get(column.key)]
                + [_cell(by_site[site].get(table.key), row.key, column.key) for site in sites],
            )
            for row in table.rows
            for column in columns
            if (table.key, row.key, column.key) not in NO_SHARE
        ]
        result.append(SideTable(table.key, str(table.title), rows))
    return result


def _cell(table: Table | None, row_key, column_key):
    for row in table.rows if table else []:
        if row.key == row_key:
            return row.cells.get(column_key)
    return None
