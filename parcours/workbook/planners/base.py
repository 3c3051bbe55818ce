"""What every sheet's planner shares: the ``Plan`` it fills, the column table that says
how a sheet's cells land on a record, the rows taken by their key, the problems, and the
records one sheet names in another (a participant, a group, an enrolment, a session).

A column table is built from ``format.SHEETS``, the one list of the columns: every column
of a sheet fills the model field of its name, read as its kind says, unless the table
says otherwise (the key, a reference to another sheet's record, a column read by the
planner itself, a column filling other fields).
"""

import abc
import datetime
import itertools
import operator
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone

from parcours.workbook.format import SHEETS, Column
from parcours.workbook.problems import Problem
from parcours.workbook.reading import Row, Sheet

MAX_CHANGES_SHOWN = 200
SHEET_ORDER = (
    "participants",
    "groups",
    "enrolments",
    "assessments",
    "workshops",
    "providers",
    "sessions",
    "attendance",
)


@dataclass
class Plan:
    """What an import would do, and what stands in its way."""

    problems: list[Problem] = field(default_factory=list)
    # What is skipped without stopping the import (reading.ReadResult.notices).
    notices: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    # What to write, filled by the planners and read by ``writing.write_plan``.
    participants_new: list = field(default_factory=list)
    participants_changed: list = field(default_factory=list)
    groups_new: list = field(default_factory=list)
    groups_changed: list = field(default_factory=list)
    enrolments_new: list = field(default_factory=list)
    enrolments_changed: list = field(default_factory=list)
    assessments_new: list = field(default_factory=list)
    assessments_changed: list = field(default_factory=list)
    workshops_new: dict = field(default_factory=dict)
    workshops_changed: list = field(default_factory=list)
    providers_new: dict = field(default_factory=dict)
    sessions_new: list = field(default_factory=list)
    sessions_changed: list = field(default_factory=list)
    attendance_new: list = field(default_factory=list)
    attendance_changed: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, sheet: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(sheet, {"created": 0, "updated": 0, "unchanged": 0})[what] += n

    def note_change(self, sheet: str, row: int, key: str, fields: Iterable[str]) -> None:
        self.count(sheet, "updated")
        if len(self.changes) < MAX_CHANGES_SHOWN:
            self.changes.append(
                {"sheet": sheet, "row": row, "key": key, "fields": sorted(set(fields))}
            )

    def summary(self) -> dict:
        """Counts by sheet, in the order of the workbook."""
        return {sheet: self.counts[sheet] for sheet in SHEET_ORDER if sheet in self.counts}


def day(value: datetime.date | None) -> str:
    """A date as the problems and the changes show it."""
    return value.strftime("%Y-%m-%d") if value else ""


def shown(value: datetime.date | datetime.time) -> str:
    """A date or a time as the problems show it."""
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return day(value)


# -- the column table ----------------------------------------------------------------------

Read = Callable[[Any], Any]


def as_read(cell: Any) -> Any:
    return cell


def text_or_empty(cell: Any) -> Any:
    return cell or ""


def yes_or_no(cell: Any) -> bool:
    return bool(cell)


# The kinds whose empty cell is stored as None rather than as an empty text.
NULLABLE_KINDS = frozenset({"date", "month_or_date", "time", "minutes", "rating"})


def read_for(column: Column) -> Read:
    """How a cell of ``column`` is stored when the table says nothing else: a yes/no as a
    bool, a required cell or one of a kind without an empty text (a date, a time,
    minutes) as read, any other as text, empty when the cell is."""
    if column.kind == "bool":
        return yes_or_no
    if column.required or column.kind in NULLABLE_KINDS:
        return as_read
    return text_or_empty


@dataclass(frozen=True)
class Mapped:
    """A column and the model fields it fills, each with how it is read from the cell.
    A workbook without the column leaves the fields as stored, unless
    ``read_when_absent``: then the cells count as empty."""

    column: str
    fields: tuple[tuple[str, Read], ...]
    read_when_absent: bool = False


@dataclass(frozen=True)
class Reference:
    """A column naming a record of another sheet (``kind``: participant, group), which
    must be in that sheet or stored; ``each``: the cell names several."""

    column: str
    kind: str
    each: bool = False


@dataclass(frozen=True)
class Ordered:
    """A column whose value must come after another's (an end after its start); a tie is
    allowed unless ``strict``. ``code`` is the problem's, reported on ``column``."""

    column: str
    after: str
    code: str
    strict: bool = False

    def holds(self, cells: dict) -> bool:
        later, earlier = cells[self.column], cells[self.after]
        return later > earlier if self.strict else later >= earlier


@dataclass(frozen=True)
class ColumnTable:
    """How one sheet's columns land on its records: the key that matches a row to a
    record, the columns mapped to model fields, the references checked, the orders
    checked, and the columns read together (one of them in the sheet brings the others,
    as empty cells)."""

    sheet: str
    key: tuple[str, ...]
    mapped: tuple[Mapped, ...]
    references: tuple[Reference, ...] = ()
    orders: tuple[Ordered, ...] = ()
    together: tuple[frozenset[str], ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Every model field the sheet fills, in the order of its columns."""
        return tuple(name for mapped in self.mapped for name, _read in mapped.fields)

    def readers(self, columns: Collection[str]) -> tuple[tuple[str, str, Read], ...]:
        """(column, field, read) for each field a sheet with ``columns`` fills."""
        present = set(columns)
        for group in self.together:
            if present & group:
                present |= group
        return tuple(
            (mapped.column, name, read)
            for mapped in self.mapped
            if mapped.column in present or mapped.read_when_absent
            for name, read in mapped.fields
        )

    def defaults(self) -> dict:
        """Every field as an empty cell gives it: what a new record gets for a column the
        workbook has not."""
        return {name: read(None) for mapped in self.mapped for name, read in mapped.fields}


def column_table(
    sheet: str,
    *,
    key: tuple[str, ...],
    references: dict[str, str] | None = None,
    apart: Iterable[str] = (),
    fills: dict[str, dict[str, Read]] | None = None,
    read_when_absent: Iterable[str] = (),
    orders: Iterable[Ordered] = (),
    together: Iterable[Iterable[str]] = (),
) -> ColumnTable:
    """The column table of ``sheet`` from its columns in ``format.SHEETS``: each column
        fills the model field of its name (``read_for`` its kind), except the ``key``'s, the
        ``references`` (column → the kind of record it names) and the columns set ``apart``
        (read by the planner itself) and those the import skips (``Column.imported`` false, written
    by the export for the records); ``fills`` gives the fields of a column that fills others.

        A column named here that the format has not is an error at once, not a column that
        would silently never be read."""
    references = references or {}
    fills = fills or {}
    read_when_absent = frozenset(read_when_absent)
    orders = tuple(orders)
    together = tuple(frozenset(group) for group in together)
    columns = {column.name: column for column in SHEETS[sheet]}
    not_fields = {*key, *references, *apart}
    named = {
        *not_fields,
        *fills,
        *read_when_absent,
        *(name for order in orders for name in (order.column, order.after)),
        *itertools.chain.from_iterable(together),
    }
    missing = named - set(columns)
    if missing:
        raise LookupError(f"The sheet {sheet} has no column {', '.join(sorted(missing))}")
    mapped = tuple(
        Mapped(
            column.name,
            tuple(fills[column.name].items())
            if column.name in fills
            else ((column.name, read_for(column)),),
            read_when_absent=column.name in read_when_absent,
        )
        for column in columns.values()
        if column.name not in not_fields and column.imported
    )
    return ColumnTable(
        sheet=sheet,
        key=tuple(key),
        mapped=mapped,
        references=tuple(
            Reference(column.name, references[column.name], each=column.kind == "groups")
            for column in columns.values()
            if column.name in references
        ),
        orders=orders,
        together=together,
    )


# -- the planners --------------------------------------------------------------------------


@dataclass
class Context:
    """What the planners of one workbook share: the organisation (None for one that does
    not exist yet), the sheets read, the plan they fill and the records each sheet makes
    known to the next."""

    organisation: Any
    sheets: dict[str, Sheet]
    plan: Plan
    today: datetime.date = field(default_factory=timezone.localdate)
    # By kind (participant, group, enrolment, session): the keys a later sheet may name,
    # those of the sheet's rows and of the records stored.
    known: dict[str, frozenset] = field(default_factory=dict)
    # The stored sessions' ids by key, for their stored marks.
    session_pks: dict = field(default_factory=dict)
    # The groups' last days, which no enrolment may start after.
    group_ends: dict = field(default_factory=dict)


class SheetPlanner(abc.ABC):
    """Plans one sheet, named by its column ``table``: takes its rows by key, checks them
    and notes in the plan what to create and what to change."""

    table: ClassVar[ColumnTable]

    def __init__(self, context: Context) -> None:
        self.context = context
        self.plan = context.plan
        self.organisation = context.organisation
        self.name = self.table.sheet
        sheet = context.sheets.get(self.name)
        self.sheet_rows: list[Row] = sheet.rows if sheet else []
        self.columns: frozenset = sheet.columns if sheet else frozenset()
        self.readers = self.table.readers(self.columns)
        self.references = [(ref.column, ref.kind, ref.each) for ref in self.table.references]

    @abc.abstractmethod
    def run(self) -> None:
        """Check every row of the sheet and fill the plan."""

    def make_known(self, kind: str, in_file: Iterable, stored: Iterable) -> None:
        """Let the later sheets name the records of ``kind``: those of this sheet's rows
        and those stored."""
        self.context.known[kind] = frozenset(in_file).union(stored)

    def stored(self, queryset: QuerySet) -> QuerySet:
        """``queryset``, or none for an organisation that does not exist yet."""
        return queryset.none() if self.organisation is None else queryset

    def rows(self, seen: dict) -> Iterator[tuple[Row, Any]]:
        """Each row with its key (a value, or a tuple for a key of several columns), once:
        a row whose key is not whole is left out (reading reported the empty cell), one
        repeating a key is reported and left out. ``seen`` gets each key's row number."""
        key_of = operator.itemgetter(*self.table.key)
        first = self.table.key[0]
        single = len(self.table.key) == 1
        for row in self.sheet_rows:
            key = key_of(row.values)
            if (key is None) if single else (None in key):
                continue
            if key in seen:
                self.problem(row.number, first, "duplicate_key", {"row": seen[key]})
                continue
            seen[key] = row.number
            yield row, key

    def values(self, row: Row) -> dict:
        """The fields the row fills, by the column table."""
        cells = row.values
        return {name: read(cells.get(column)) for column, name, read in self.readers}

    def problem(self, row: int, column: str, code: str, params: dict | None = None) -> None:
        """Note a problem by its code (``problems.MESSAGES``) and parameters."""
        self.plan.problems.append(Problem(self.name, row, column, code, params or {}))

    def unknown(self, row: int, column: str, kind: str, value: Any) -> None:
        self.problem(row, column, f"unknown_{kind}", {"value": value})

    def references_known(self, row: Row) -> bool:
        """Whether every record the row names is known; reports each that is not."""
        ok = True
        cells, known = row.values, self.context.known
        for column, kind, each in self.references:
            value = cells.get(column)
            if value is None:
                continue
            names = known[kind]
            for name in value if each else (value,):
                if name not in names:
                    self.unknown(row.number, column, kind, name)
                    ok = False
        return ok

    def orders_hold(self, row: Row) -> bool:
        """Whether each end comes after its start; reports each that does not."""
        ok = True
        for order in self.table.orders:
            if not order.holds(row.values):
                later, earlier = row.values[order.column], row.values[order.after]
                self.problem(
                    row.number,
                    order.column,
                    order.code,
                    {"end": shown(later), "start": shown(earlier)},
                )
                ok = False
        return ok

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.plan.count(self.name, what, n)

    def note_change(self, row: int, key: str, fields: Iterable[str]) -> None:
        self.plan.note_change(self.name, row, key, fields)


def changed_fields(values: dict, before: dict) -> list[str]:
    """The fields whose value differs from the stored one."""
    return [name for name, value in values.items() if before[name] != value]
