"""The benchmark's databases and server port, chosen so that runs never step on others.

A PostgreSQL server may be shared: the benchmark only creates databases named with its
prefix (``BENCH_DB_PREFIX``, default ``parcours_bench_``), refuses to touch one that
exists already (it was not created by this run), and drops at the end only those it
created. The production server of the load test listens on a free port chosen at run
time (``BENCH_PORT`` forces one).
"""

import os
import re
import socket

PREFIX = os.environ.get("BENCH_DB_PREFIX", "parcours_bench_")
if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", PREFIX):
    raise SystemExit(f"BENCH_DB_PREFIX={PREFIX!r}: use lower-case letters, digits and '_'")


def database_name(suffix: str) -> str:
    return f"{PREFIX}{suffix}"


def create_postgres_database(server: str, suffix: str) -> str:
    """Create ``PREFIX + suffix`` on ``server`` and return its URL; refuse if it exists."""
    import psycopg

    name = database_name(suffix)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            raise SystemExit(
                f"The database {name} exists already and this run did not create it: "
                f"drop it (dropdb {name}), set another BENCH_DB_PREFIX, or BENCH_REUSE=1 "
                "to measure it again."
            )
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_postgres_database(server: str, url: str) -> None:
    """Drop a database this run created (named by its URL)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith(PREFIX):
        raise ValueError(f"{name} is not one of the benchmark's databases")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_port() -> int:
    """``BENCH_PORT``, or a port that is free on the loopback now."""
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
