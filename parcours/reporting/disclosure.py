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
    for domain in Domain:
        d = domain.value
        lines.append(
            ([("improvement", d, "rated"), ("improvement", d, "not_rated"), dropouts], exits)
        )
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
}


def suppress_small_cells(tables: list[Table]) -> list[Table]:
    """Copies of ``tables`` with the small counts, their complements and what is
    computed from them replaced by ``Masked`` cells."""
    by_key = {table.key: table for table in tables}
    values = {
        (table.key, row.key, column.key): row.cells.get(column.key)
        for table in tables
        for row in table.rows
        for column in table.columns
    }
    masked: dict[Ref, Masked] = {}
    for table_key, columns in COUNT_COLUMNS.items():
        table = by_key.get(table_key)
        if table is None:
            continue
        for row in table.rows:
            for column_key, except_rows in columns.items():
                value = row.cells.get(column_key)
                if row.key not in except_rows and isinstance(value, int) and 0 < value < THRESHOLD:
                    masked[(table_key, row.key, column_key)] = Masked(primary=True)
    _complete_lines(_lines(by_key), values, masked)
    for (table_key, column_key), (numerator, denominator) in DERIVED.items():
        table = by_key.get(table_key)
        for row in table.rows if table else []:
            below = (
                denominator if isinstance(denominator, tuple) else (table_key, row.key, denominator)
            )
            if (table_key, row.key, numerator) in masked or below in masked:
                masked[(table_key, row.key, column_key)] = Masked(primary=False)
    if _participants() in masked:
        masked[("characteristics", "average_age", "count")] = Masked(primary=False)
    return [_masked_copy(table, masked) for table in tables]


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


def _masked_copy(table: Table, masked) -> Table:
    rows = [
        Row(
            row.key,
            {key: masked.get((table.key, row.key, key), value) for key, value in row.cells.items()},
            # A hidden count is no link to the people behind it.
            {
                key: drill
                for key, drill in row.drilldown.items()
                if (table.key, row.key, key) not in masked
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
