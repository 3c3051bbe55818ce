"""Dumping and loading the database that ``DATABASE_URL`` names, one engine per vendor.

SQLite: the online backup API (``sqlite3.Connection.backup``) both ways. It copies a
consistent snapshot while the application keeps running (readers and the writer go on;
a write that comes during the copy is either in it or not, never half), and a restore
writes the pages into the live database file through the same API, under SQLite's own
locks, so no process ever reads a half-copied file.

PostgreSQL: ``pg_dump -Fc`` and ``pg_restore --clean --if-exists --no-owner
--single-transaction``: the restore is one transaction, it applies entirely or not at
all. The connection goes to both tools through libpq's environment variables (PGHOST,
PGPASSWORD…), never on a command line that ``ps`` would show, and never printed.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError

from parcours.core.plurals import plural


def describe(connection) -> str:
    """The database in words an operator recognises, without any secret."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"the SQLite database {settings['NAME']}"
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or 5432
    return f"the PostgreSQL database {settings['NAME']} on {host}:{port}"


def dump(connection, path: Path) -> None:
    {"sqlite": _sqlite_dump, "postgresql": _pg_dump}[_vendor(connection)](connection, path)


def load(connection, path: Path) -> list[str]:
    """Replace the database's content by the dump at ``path``; what was done besides."""
    return {"sqlite": _sqlite_load, "postgresql": _pg_load}[_vendor(connection)](connection, path)


def _vendor(connection) -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise CommandError(f"Backups of a {connection.vendor} database are not supported.")
    return connection.vendor


# SQLite.


def _sqlite_check(database: sqlite3.Connection, what: str) -> None:
    (result,) = database.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise CommandError(f"{what} fails SQLite's integrity check: {result}")


def _sqlite_dump(connection, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        # A copy that stands alone: no write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        _sqlite_check(target, "The copy of the database")
    finally:
        target.close()


def _sqlite_load(connection, path: Path) -> list[str]:
    source = sqlite3.connect(path)
    try:
        _sqlite_check(source, "The database in the backup")
        connection.ensure_connection()
        if not connection.get_autocommit():
            raise CommandError("Restore cannot run inside a transaction.")
        source.backup(connection.connection)
    finally:
        source.close()
    return []


# PostgreSQL.

_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def _pg_env(settings: dict) -> dict:
    """The environment of pg_dump/pg_restore: libpq's variables from the settings, and
    none inherited that could point them at another server."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for key, setting in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(setting):
            env[key] = str(settings[setting])
    for option, key in _LIBPQ_OPTIONS.items():
        if settings.get("OPTIONS", {}).get(option):
            env[key] = str(settings["OPTIONS"][option])
    env["PGAPPNAME"] = "parcours-backup"
    return env


def _run(tool: str, args: list[str], settings: dict) -> str:
    executable = shutil.which(tool)
    if executable is None:
        raise CommandError(
            f"{tool} is not installed: install the PostgreSQL client (postgresql-client, the "
            "server's major version or newer)."
        )
    completed = subprocess.run(
        [executable, *args], env=_pg_env(settings), capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise CommandError(f"{tool} failed: {completed.stderr.strip()}")
    return completed.stdout


def _pg_dump(connection, path: Path) -> None:
    settings = connection.settings_dict
    _run("pg_dump", ["--format=custom", "--file", str(path)], settings)


def _dump_tables(path: Path, settings: dict) -> set[tuple[str, str]]:
    """The tables in the dump's table of contents, as (schema, name)."""
    tables = set()
    for line in _run("pg_restore", ["--list", str(path)], settings).splitlines():
        # "215; 1259 16390 TABLE public accounts_user postgres"
        parts = line.split()
        if not line.startswith(";") and len(parts) >= 6 and parts[3] == "TABLE":
            tables.add((parts[4], parts[5]))
    return tables


def _pg_load(connection, path: Path) -> list[str]:
    settings = connection.settings_dict
    in_dump = _dump_tables(path, settings)
    if not in_dump:
        raise CommandError("The database dump in the backup holds no table.")
    schemas = sorted({schema for schema, _name in in_dump})
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY(%s)", [schemas]
        )
        extra = sorted(set(cursor.fetchall()) - in_dump)
    notes = []
    if extra:
        # Tables the backup does not know (a later migration's): --clean would leave them,
        # and their foreign keys would stop it dropping the tables it restores.
        quote = connection.ops.quote_name
        names = ", ".join(f"{quote(schema)}.{quote(name)}" for schema, name in extra)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
        notes.append(
            f"Dropped {plural(len(extra), 'table', 'tables')} the backup does not have: "
            + ", ".join(name for _schema, name in extra)
        )
    connection.close()
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            settings["NAME"],
            str(path),
        ],
        settings,
    )
    return notes
