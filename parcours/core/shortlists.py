"""The dashboard's lists, cut short: the first lines of a queryset and how many more there
are, counted by the database in the same pass. Every app's selectors build their lines
with these; the dashboard app shows them."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.db import connections
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value, Window

# A dashboard list shows the most urgent lines only: a federation's coordinator would
# otherwise get thousands of them (docs/performance.md).
SHORTLIST_LENGTH = 20


@dataclass(frozen=True)
class Shortlist[T]:
    """The first lines of a dashboard list, and how many more there are."""

    items: list[T]
    left_out: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


class Lines[T]:
    """A dashboard list whose lines are found by the database and built only for those
    shown: ``keys`` (a queryset, counted and sliced by the database) holds what ranks the
    lines; ``build`` turns a list of its rows into the lines, without a query."""

    def __init__(self, keys: QuerySet[Any, Any], build: Callable[[list[Any]], list[T]]) -> None:
        self.keys = keys
        self.build = build

    def count(self) -> int:
        return self.keys.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return self.build(list(self.keys[index]))
        return self.build([self.keys[index]])[0]

    def __iter__(self) -> Iterator[T]:
        return iter(self.build(list(self.keys)))


def _first_and_total(
    queryset: QuerySet[Any, Any], length: int, *, count_apart: bool
) -> tuple[list[Any], int]:
    """The first ``length`` rows and how many there are in all, in one query. By default
    the database counts in the same pass (a window over the rows found): the rows are
    found once, not once to count and once to show. With ``count_apart``, the count is a
    subquery of the same rows without their order or the joins of what is shown
    (computed once), and the rows shown are found by their order alone, stopped at
    ``length``: better when an index gives them in order and the rows counted are many,
    each joined to what is shown otherwise (docs/performance.md)."""
    if queryset.query.combinator:
        return _first_and_total_of_union(queryset, length)
    if not count_apart:
        rows = list(queryset.annotate(rows_found=Window(Count("pk")))[:length])
        return rows, rows[0].rows_found if rows else 0
    counted = (
        queryset.order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(rows=Count("pk"))
        .values("rows")
    )
    rows = list(queryset.annotate(rows_found=Subquery(counted))[:length])
    return rows, rows[0].rows_found if rows else 0


def _first_and_total_of_union(
    queryset: QuerySet[Any, Any], length: int
) -> tuple[list[dict[str, Any]], int]:
    """``_first_and_total`` of a union of ``values()``, that the ORM cannot annotate: the
    union is wrapped in SQL that counts it in the same pass. Its ``order_by`` names
    columns of the union; the rows are dicts of its columns as the database gives them
    (not converted: a computed date is text on SQLite)."""
    connection = connections[queryset.db]
    name = connection.ops.quote_name
    # A union is ordered by the names of its columns, never by expressions.
    fields = [str(field) for field in queryset.query.order_by]
    order = ", ".join(
        f"{name(field.removeprefix('-'))} {'DESC' if field.startswith('-') else 'ASC'}"
        for field in fields
    )
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT lines.*, COUNT(*) OVER () AS rows_found FROM ({sql}) lines "
            f"ORDER BY {order} LIMIT %s",
            [*params, length],
        )
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows, rows[0]["rows_found"] if rows else 0


def shortlist[T](
    items: "Lines[T] | QuerySet[Any, T] | Sequence[T]",
    length: int = SHORTLIST_LENGTH,
    *,
    count_apart: bool = False,
) -> Shortlist[T]:
    """The first ``length`` of ``items`` (a list, a queryset or ``Lines``); a queryset is
    counted and sliced by the database with the same queries whatever the data, even
    when nothing is found (``count_apart``: see ``_first_and_total``)."""
    if isinstance(items, Lines):
        rows, total = _first_and_total(items.keys, length, count_apart=count_apart)
        shown = items.build(rows)
    elif isinstance(items, QuerySet):
        shown, total = _first_and_total(items, length, count_apart=count_apart)
    else:
        shown, total = list(items[:length]), len(items)
    return Shortlist(shown, total - len(shown))
