"""Small-cell suppression for the files that leave the programme.

Which outputs are "funder exports": the report's files (PDF, XLSX, CSV) when the report
is narrowed to a funder or a grant (``Scope.for_funder``), and the grant's report pack.
The coordinator's own report, on screen and in its downloads for the whole programme, a
process type or a group, keeps every figure: it is read inside the CPAS, where the
drill-down names the people anyway.

The rule, for the tables of ``tables.report_tables``:

- a count of people from 1 to 4 is shown "< 5" (the primary suppression). A zero is
  kept: it names nobody, and hiding zeros would make a small programme's tables
  unreadable;
- a count that would let a reader compute a hidden one back is hidden too (the
  complementary suppression, shown "masked"). The counts that add up to another cell
  are declared as lines below (men + women + X = participants; the outcomes = exits;
  the dropout reasons = the dropouts; in each domain, rated + not rated + dropouts =
  exits); whenever a line has exactly one hidden cell, its smallest other non-zero part
  is hidden (or a zero part, or its total, when nothing else is left), until no line
  has a lone hidden cell;
- a percentage, an average or a chart made from a hidden count is hidden with it.
"""

from dataclasses import dataclass, replace

from django.utils.translation import gettext

from parcours.core.domains import Domain
from parcours.programme.enums import DropoutReason, ExitOutcome
from parcours.reporting.tables import Row, Table, report_tables

THRESHOLD = 5


@dataclass(frozen=True)
class Masked:
    """A hidden cell: ``primary`` for a small count, else hidden as a complement."""

    primary: bool

    def __str__(self):
        return f"< {THRESHOLD}" if self.primary else gettext("masked")


# The people counts of each table: its columns of counts, with the rows that are no
# count. The characteristics other than gender need no complement: the people without
# them are not published.
COUNT_COLUMNS = {
    "characteristics": {"count": {"average_age"}, "unknown": set()},
    "results": {"count": set()},
    "dropout_reasons": {"count": set()},
    "improvement": {"improved": set(), "rated": set(), "deteriorated": set(), "not_rated": set()},
    "self_assessed": {
        "improved": set(),
        "rated": set(),
        "deteriorated": set(),
        "not_rated": set(),
    },
    "evolution": {"participants": set()},
}

Ref = tuple[str, str, str]  # table key, row key, column key


def _lines(tables: dict) -> list[tuple[list[Ref], Ref]]:
    """(parts, total): the published counts that add up to another published count."""
    exits, dropouts = ("results", "exits", "count"), ("results", ExitOutcome.DROPOUT, "count")
    lines = [
        ([("characteristics", g, "count") for g in ("men", "women", "x")], _participants()),
        ([("results", outcome.value, "count") for outcome in ExitOutcome], exits),
        ([("dropout_reasons", reason.value, "count") for reason in DropoutReason], dropouts),
    ]
    # The self-assessed table is there only when the organisation counts it.
    progressions = [key for key in ("improvement", "self_assessed") if key in tables]
    for key in progressions:
        for domain in Domain:
            d = domain.value
            lines.append(([(key, d, "rated"), (key, d, "not_rated"), dropouts], exits))
    evolution = tables.get("evolution")
    if evolution is not None and evolution.rows:
        # The last year of the evolution is the year of the report: the same count twice.
        lines.append(([("evolution", evolution.rows[-1].key, "participants")], _participants()))
    return lines


def _participants() -> Ref:
    return ("characteristics", "participants", "count")


# Cells computed from counts: (table, column) -> (numerator column, denominator ref or
# a column of the same row).
DERIVED = {
    ("characteristics", "pct"): ("count", _participants()),
    ("results", "pct"): ("count", ("results", "exits", "count")),
    ("improvement", "improvement_pct"): ("improved", "rated"),
    ("improvement", "deteriorated_pct"): ("deteriorated", "rated"),
    ("self_assessed", "improvement_pct"): ("improved", "rated"),
    ("self_assessed", "deteriorated_pct"): ("deteriorated", "rated"),
}


def suppress_small_cells(tables: list[Table]) -> list[Table]:
    """Copies of ``tables`` with the small counts, their complements and what is
    computed from them replaced by ``Masked`` cells."""
    return suppress_together({"": tables})[""]


def suppress_together(sites: dict, *, total=None) -> dict:
    """The tables of several sites (``{site: tables}``) suppressed as one publication.

    Each site's tables follow the rule above. With ``total``, the site whose counts are
    the sum of the others' (a federation's), each count of the total is one more line
    whose parts are the same count at every other site: a CPAS's hidden count cannot be
    computed back from the total and the other CPAS (``parcours.reporting.federation``).
    """
    by_site = {site: {table.key: table for table in tables} for site, tables in sites.items()}
    values: dict = {}
    masked: dict = {}
    lines = []
    for site, by_key in by_site.items():
        for table in by_key.values():
            for row in table.rows:
                for column in table.columns:
                    values[(site, table.key, row.key, column.key)] = row.cells.get(column.key)
        for ref in _counts(by_key):
            value = values[(site, *ref)]
            if isinstance(value, int) and 0 < value < THRESHOLD:
                masked[(site, *ref)] = Masked(primary=True)
        lines += [
            ([(site, *part) for part in parts], (site, *whole)) for parts, whole in _lines(by_key)
        ]
    if total is not None:
        others = [site for site in by_site if site != total]
        lines += [
            ([(site, *ref) for site in others], (total, *ref)) for ref in _counts(by_site[total])
        ]
    _complete_lines(lines, values, masked)
    for site, by_key in by_site.items():
        _mask_derived(site, by_key, masked)
    return {
        site: [_masked_copy(table, masked, site) for table in tables]
        for site, tables in sites.items()
    }


def _counts(by_key) -> list[Ref]:
    """The refs of the people counts of the tables (``COUNT_COLUMNS``)."""
    refs = []
    for table_key, columns in COUNT_COLUMNS.items():
        table = by_key.get(table_key)
        for row in table.rows if table else []:
            refs += [
                (table_key, row.key, column_key)
                for column_key, except_rows in columns.items()
                if row.key not in except_rows and column_key in row.cells
            ]
    return refs


def _mask_derived(site, by_key, masked) -> None:
    for (table_key, column_key), (numerator, denominator) in DERIVED.items():
        table = by_key.get(table_key)
        for row in table.rows if table else []:
            below = (
                denominator if isinstance(denominator, tuple) else (table_key, row.key, denominator)
            )
            if (site, table_key, row.key, numerator) in masked or (site, *below) in masked:
                masked[(site, table_key, row.key, column_key)] = Masked(primary=False)
    if (site, *_participants()) in masked:
        masked[(site, "characteristics", "average_age", "count")] = Masked(primary=False)


def _complete_lines(lines, values, masked) -> None:
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            cells = [ref for ref in [*parts, total] if values.get(ref) is not None]
            hidden = [ref for ref in cells if ref in masked]
            if len(hidden) != 1:
                continue
            shown = [ref for ref in parts if ref in cells and ref not in masked]
            candidates = sorted(shown, key=lambda ref: (values[ref] == 0, values[ref]))
            if candidates:
                masked[candidates[0]] = Masked(primary=False)
            elif total in cells and total not in masked:
                masked[total] = Masked(primary=False)
            else:
                continue
            changed = True


def _masked_copy(table: Table, masked, site="") -> Table:
    rows = [
        Row(
            row.key,
            {
                key: masked.get((site, table.key, row.key, key), value)
                for key, value in row.cells.items()
            },
            # A hidden count is no link to the people behind it.
            {
                key: drill
                for key, drill in row.drilldown.items()
                if (site, table.key, row.key, key) not in masked
            },
        )
        for row in table.rows
    ]
    return replace(table, rows=rows)


def has_masked_cells(table: Table) -> bool:
    return any(isinstance(value, Masked) for row in table.rows for value in row.cells.values())


def export_tables(report, *, for_funder: bool) -> list[Table]:
    """The tables a file is written from: suppressed for a funder, whole otherwise."""
    tables = report_tables(report)
    return suppress_small_cells(tables) if for_funder else tables
