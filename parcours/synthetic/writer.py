"""Fast inserts for synthetic data: rows as tuples, ids chosen by the caller.

On PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``), on
SQLite through ``executemany``. No model is instantiated, no signal sent, no audit row
written: this is only for generated data, never for what people record.
"""

import datetime

from django.core.management.color import no_style
from django.db import connection


def _sqlite_value(value):
    # Django stores dates, times and UTC datetimes as ISO text on SQLite; the sqlite3
    # module's own date adapters are deprecated.
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


class RowWriter:
    """Writes rows in the current transaction; ``next_id(Model)`` hands out primary keys."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self._next = {}
        self.counts = {}

    def next_ids(self, model, count: int) -> range:
        """``count`` fresh primary keys for ``model``, after those in the table."""
        if model not in self._next:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")
                self._next[model] = (cursor.fetchone()[0] or 0) + 1
        first = self._next[model]
        self._next[model] = first + count
        return range(first, first + count)

    def write(self, model, fields: list[str], rows) -> int:
        """Insert ``rows`` (tuples in the order of ``fields``, model field names)."""
        meta = model._meta
        columns = [meta.get_field(name).column for name in fields]
        table = meta.db_table
        written = 0
        connection.ensure_connection()
        raw = connection.connection
        if self.postgres:
            with raw.cursor() as cursor:
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
        else:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
            batch = []
            for row in rows:
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) >= 5000:
                    raw.executemany(sql, batch)
                    written += len(batch)
                    batch = []
            if batch:
                raw.executemany(sql, batch)
                written += len(batch)
        self.counts[table] = self.counts.get(table, 0) + written
        return written

    def reset_sequences(self, models) -> None:
        """After explicit ids, the next ordinary insert must not collide (PostgreSQL)."""
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
