"""``make bench``: generate synthetic programmes, time the yearly report against its SQL
bound, load the main pages through the production server, print the figures.

Environment:
- ``BENCH_SIZES`` (default ``1000,10000,100000``): participants of each programme;
- ``BENCH_SQLITE_MAX`` (default 10000): SQLite is measured up to this size;
- ``BENCH_YEARS`` (default 3): years of history;
- ``BENCH_DURATION`` (default 30 s) and ``BENCH_USERS`` (default 20): the load test of
  the main pages (then the dashboard alone and the report page alone, for half that
  time each), then of the REST API's main reads by as many programs, each with an
  access token of its own (then the API's yearly report alone, for half that time);
- ``BENCH_POSTGRES`` (default ``postgres://postgres@127.0.0.1:5432``): a server where
  the benchmark creates its databases, ``BENCH_DB_PREFIX`` + size (default prefix
  ``parcours_bench_``), and drops them at the end; it never touches a database it did not
  create (bench/databases.py); ``none`` skips PostgreSQL;
- ``BENCH_RUNS`` (default 5, 3 at 100,000): timed runs of the report (median), after
  one warm run;
- ``BENCH_THINK`` (default 1 s): the mean pause of a simulated user between two pages
  (0: no pause, the server saturated);
- ``BENCH_KEEP=1``: keep the PostgreSQL databases at the end, for a later ``BENCH_REUSE=1``;
- ``BENCH_REUSE=1``: measure the PostgreSQL databases kept by an earlier run again;
- ``BENCH_PORT``: the port of the load test's server (default: a free one);
- ``BENCH_IMPORT=0``: skip the workbook import (bench/import_workbook.py);
- ``BENCH_FEDERATION_URL`` (and ``BENCH_FEDERATION``, default ``fed``): a database holding a
  federation made by ``generate_synthetic --organisations N``, whose report is measured
  against its bound (bench/federation.py); unset, that goal says "not measured";
- ``BENCH_UNDER_LOAD=0``: skip the last step, the import by the worker under load, the
  marks during its write and the worker killed (bench/import_under_load.py).

Raw results: ``bench/results/latest.json``. Standard library only (Django runs in
subprocesses, one per database).
"""

import itertools
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.databases import (
    create_postgres_database,
    database_name,
    drop_postgres_database,
    server_port,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
ORG = "bench"
PASSWORD = "bench-password-not-secret"
# BENCH_REUSE=1 measures again the PostgreSQL databases of an earlier run, without
# generating them again (the generation figures are then those of the earlier run).
REUSE = os.environ.get("BENCH_REUSE") == "1"
PHASES = ("main", "dashboard", "report", "api", "api report")
# The phases whose simulated users are programs calling the REST API with a token.
API_PHASES = ("api", "api report")
# The production server's settings, the same as ``make serve``'s.
SERVER_CONFIG = ROOT / "scripts" / "gunicorn.conf.py"


def _server_setting(name):
    """A value of scripts/gunicorn.conf.py as the server computes it (same environment)."""
    values = {"__file__": str(SERVER_CONFIG)}
    exec(compile(SERVER_CONFIG.read_text(), str(SERVER_CONFIG), "exec"), values)
    return values[name]


def _env(database_url, **extra):
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), **extra)
    env.pop("DEBUG", None)
    return env


def _manage(env, *args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        capture_output=capture,
    )  # fmt: skip


POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def _databases(size, sqlite_dir, created):
    """The databases to measure at ``size``; the PostgreSQL ones made here go in ``created``."""
    found = []
    if POSTGRES != "none":
        try:
            if REUSE:
                url = f"{POSTGRES}/{database_name(str(size))}"
            else:
                url = create_postgres_database(POSTGRES, str(size))
                created.append(url)
            found.append(("postgresql", url))
        except Exception as error:  # a machine without PostgreSQL still gets SQLite
            print(f"PostgreSQL not measured ({error.__class__.__name__}: {error})")
    if size <= int(os.environ.get("BENCH_SQLITE_MAX", "10000")):
        path = Path(sqlite_dir) / f"bench_{size}.sqlite3"
        found.append(("sqlite", f"sqlite:///{path}"))
    return found


def _generate(env, size, years):
    _manage(env, "migrate", "--verbosity", "0")
    started = time.perf_counter()
    out = _manage(
        env, "generate_synthetic", "--organisation", ORG, "--participants", str(size),
        "--years", str(years), "--password", PASSWORD, capture=True,
    ).stdout.strip()  # fmt: skip
    return {"seconds": round(time.perf_counter() - started, 1), "output": out}


def _measure(env, command):
    out = subprocess.run(
        [PYTHON, "-m", "bench.measure", command, ORG], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out)


def _wait_for(port, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def _load(env, pages, api):
    """Gunicorn as ``make serve`` starts it (DEBUG=0), then the load generator: on the
    pages, then on the API (``api``: its tokens and its reads)."""
    production = dict(
        env,
        DEBUG="0",
        SECRET_KEY="bench-secret-key-only-for-a-loopback-benchmark-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS is the proxy's job
        MFA_REQUIRED="0",  # the simulated people sign in with a password only
        LOG_LEVEL="ERROR",
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "parcours-bench-static"),
    )
    _manage(production, "collectstatic", "--noinput", "--verbosity", "0")
    port = server_port()
    server = subprocess.Popen(
        [ROOT / ".venv" / "bin" / "gunicorn", "parcours.wsgi", "--config", str(SERVER_CONFIG),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=production,
    )  # fmt: skip
    try:
        if not _wait_for(port):
            return {"error": "the server did not start"}
        report = {"report page": pages.pop("report page")}
        dashboard = {"dashboard": pages.pop("dashboard")}
        api_reads = dict(api["pages"])
        api_report = {"api yearly report": api_reads.pop("api yearly report")}
        duration = float(os.environ.get("BENCH_DURATION", "30"))
        result = {"workers": _server_setting("workers"), "threads": _server_setting("threads")}
        # The main pages together, then the dashboard alone and the report page alone:
        # a slow page holds a worker for as long as it takes, which would hide the other
        # pages' own times.
        # The API likewise: its main reads, then its yearly report alone.
        phases = (
            ("main", pages, duration),
            ("dashboard", dashboard, duration / 2),
            ("report", report, duration / 2),
            ("api", api_reads, duration),
            ("api report", api_report, duration / 2),
        )
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(api["tokens"], handle)
        tokens = ["--tokens", handle.name]
        signed_in = ["--username", f"{ORG}-coordinator", "--password", PASSWORD]
        for phase, mix, seconds in phases:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                json.dump(mix, handle)
            done = subprocess.run(
                [PYTHON, str(ROOT / "bench" / "load.py"), "--base", f"http://127.0.0.1:{port}",
                 *(tokens if phase in API_PHASES else signed_in),
                 "--pages", handle.name, "--users", os.environ.get("BENCH_USERS", "20"),
                 "--duration", str(seconds), "--think", os.environ.get("BENCH_THINK", "1")],
                cwd=ROOT, env=production, capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode:
                # Say it and go on: a page that kills the server is a result too.
                result[phase] = {"error": done.stderr.strip().splitlines()[-1:]}
                print(f"   {phase}: the load test failed: {result[phase]['error']}", flush=True)
            else:
                result[phase] = json.loads(done.stdout)
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def _machine():
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
    }


def _print_tables(results):
    print("\nYearly report (median of warm runs), against hand-written SQL (one query a group)")
    print(f"{'database':<11}{'N':>8}{'generate s':>12}{'report ms':>11}{'bound ms':>10}"
          f"{'ratio':>7}{'queries':>9}  same figures")  # fmt: skip
    for run in results["runs"]:
        report = run.get("report") or {}
        if not report:
            continue
        print(
            f"{run['database']:<11}{run['participants']:>8}{run['generate']['seconds']:>12.1f}"
            f"{report['orm_median_s'] * 1000:>11.1f}{report['sql_median_s'] * 1000:>10.1f}"
            f"{report['ratio']:>7.2f}{report['orm_queries']:>9}  "
            f"{'yes' if report['same_figures'] else 'NO: ' + ', '.join(report['differences'])}"
        )
    for run in results["runs"]:
        load = run.get("load")
        if not load:
            continue
        if "error" in load:
            print(f"\nPages, {run['database']} N={run['participants']}: {load['error']}")
            continue
        for phase in PHASES:
            part = load.get(phase)
            if part is None:
                continue
            what = "API" if phase in API_PHASES else "Pages"
            if "error" in part:
                print(f"\n{what} ({phase}), {run['database']} N={run['participants']}: {part}")
                continue
            print(
                f"\n{what} ({phase}), {run['database']} N={run['participants']}: "
                f"{part['users']} users, pause {part['think_s']} s between pages, "
                f"{part['duration_s']} s, gunicorn {load['workers']} workers x "
                f"{load.get('threads', 1)} threads, "
                f"{part['requests_per_s']} requests/s"
            )
            print(f"  {'page':<22}{'requests':>9}{'median ms':>11}{'p95 ms':>9}{'errors':>8}")
            for name, row in [*part["pages"].items(), ("all", part["all"])]:
                print(
                    f"  {name:<22}{row['requests']:>9}{row['median_ms'] or 0:>11.1f}"
                    f"{row['p95_ms'] or 0:>9.1f}{row['errors']:>8}"
                )
            for name, why in part["missing"].items():
                print(f"  {name:<22}{why}")
    growth = results.get("growth") or []
    if growth:
        print("\nGrowth: time ratio between consecutive sizes (the data grows x10)")
        for row in growth:
            print(f"  {row['database']:<11}{row['from']:>7} → {row['to']:<7} {row['what']:<28}"
                  f"x{row['ratio']:.2f}")  # fmt: skip


def _load_average():
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def _federation():
    """The federation report against its SQL bound (``bench/federation.py``, cold: every
    member's report computed), on a federation made beforehand by ``generate_synthetic
    --organisations N`` in the database ``BENCH_FEDERATION_URL``, slug
    ``BENCH_FEDERATION`` (default ``fed``); None when no such database is named."""
    url = os.environ.get("BENCH_FEDERATION_URL")
    if not url:
        return None
    out = subprocess.run(
        [PYTHON, "-m", "bench.federation", os.environ.get("BENCH_FEDERATION", "fed")],
        cwd=ROOT, env=_env(url), check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result = json.loads(out)
    return {**result, "ratio": result["cold_ratio"]}


def _goals(results):
    """The goals of issues 16 and 17 beside what this run measured: (goal, measured,
    verdict) rows."""
    runs = results["runs"]

    def find(database, size):
        return next(
            (r for r in runs if r["database"] == database and r["participants"] == size), None
        )

    rows = []
    for database, size, limit in (
        ("postgresql", 10000, 0.150),
        ("sqlite", 10000, 0.150),
        ("postgresql", 100000, 0.500),
    ):
        run = find(database, size)
        seconds = (run or {}).get("dashboard", {}).get("median_s")
        rows.append((
            f"dashboard alone ≤ {limit * 1000:.0f} ms, {database} {size:,}",
            f"{seconds * 1000:.0f} ms" if seconds is not None else "not measured",
            None if seconds is None else seconds <= limit,
        ))  # fmt: skip
    for run in runs:
        report = run.get("report") or {}
        if report.get("ratio") is not None:
            rows.append((
                f"yearly report ≤ 2x SQL bound, {run['database']} {run['participants']:,}",
                f"{report['ratio']:.2f}x", report["ratio"] <= 2,
            ))  # fmt: skip
    big = find("postgresql", 100000)
    if big and big.get("report"):
        seconds = big["report"]["orm_median_s"]
        rows.append(("yearly report < 1 s, postgresql 100,000", f"{seconds * 1000:.0f} ms",
                     seconds < 1))  # fmt: skip
    for size, wants_p95 in ((10000, True), (100000, False)):
        main = ((find("postgresql", size) or {}).get("load") or {}).get("main", {})
        row = main.get("all")
        if not row:
            rows.append((f"main pages under 20 users, postgresql {size:,}", "not measured", None))
            continue
        users = f"{main['users']} users, pause {main['think_s']} s"
        if wants_p95:
            rows.append((
                "main pages p95 ≤ 150 ms, 0 errors, postgresql 10,000",
                f"p95 {row['p95_ms']} ms, {row['errors']} errors ({users})",
                (row["p95_ms"] or 0) <= 150 and row["errors"] == 0,
            ))  # fmt: skip
        else:
            rows.append(("main pages 0 errors, postgresql 100,000",
                         f"{row['errors']} errors ({users})", row["errors"] == 0))  # fmt: skip
    # Issue 17 asks for the API's p95 to be measured and written down, without a bound.
    api = ((find("postgresql", 10000) or {}).get("load") or {}).get("api", {})
    row = api.get("all")
    rows.append((
        "API main reads under 20 clients, 0 errors, postgresql 10,000",
        f"p95 {row['p95_ms']} ms, {row['errors']} errors ({api['users']} clients, "
        f"pause {api['think_s']} s)" if row else "not measured",
        row["errors"] == 0 if row else None,
    ))  # fmt: skip
    federation = results.get("federation")
    rows.append((
        "federation report ≤ 3x SQL bound (100,000 people, 100 CPAS)",
        (
            f"{federation['ratio']:.2f}x cold, {federation['warm_ratio']:.2f}x warm "
            f"({federation['members']} CPAS, BENCH_FEDERATION_URL)"
        )
        if federation
        else "not measured (BENCH_FEDERATION_URL)",
        federation["ratio"] <= 3 if federation else None,
    ))  # fmt: skip
    return rows


def _print_goals(results):
    load_average = results.get("load_average", "?")
    print(f"\nGoals (issues 16 and 17), load average {load_average} at the end")
    print(f"  {'goal':<66}{'measured':<52}met")
    for goal, measured, met in results["goals"]:
        verdict = "—" if met is None else ("yes" if met else "NO")
        print(f"  {goal:<66}{measured:<52}{verdict}")


def _growth(runs):
    rows = []
    for database in ("postgresql", "sqlite"):
        mine = [r for r in runs if r["database"] == database and r.get("report")]
        for before, after in itertools.pairwise(mine):
            pairs = [
                ("generation", before["generate"]["seconds"], after["generate"]["seconds"]),
                ("report", before["report"]["orm_median_s"], after["report"]["orm_median_s"]),
                (
                    "report SQL bound",
                    before["report"]["sql_median_s"],
                    after["report"]["sql_median_s"],
                ),
            ]
            for phase in PHASES:
                first = before.get("load", {}).get(phase, {}).get("pages", {})
                then = after.get("load", {}).get(phase, {}).get("pages", {})
                for name in then:
                    if name in first:
                        pairs.append(
                            (f"{name} p95", first[name]["p95_ms"] or 0, then[name]["p95_ms"] or 0)
                        )
            for what, a, b in pairs:
                if a:
                    rows.append(
                        {"database": database, "from": before["participants"],
                         "to": after["participants"], "what": what, "ratio": b / a}
                    )  # fmt: skip
    return rows


def main():
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",") if s]
    years = int(os.environ.get("BENCH_YEARS", "3"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = {
        "machine": _machine(),
        "command": "make bench (BENCH_SIZES=" + ",".join(map(str, sizes)) + ")",
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "runs": [],
    }
    sqlite_dir = tempfile.mkdtemp(prefix="parcours-bench-")
    created = []
    try:
        for size in sizes:
            for database, url in _databases(size, sqlite_dir, created):
                print(f"== {database}, {size} participants", flush=True)
                env = _env(
                    url, BENCH_RUNS=os.environ.get("BENCH_RUNS", "5" if size < 100000 else "3")
                )
                run = {"database": database, "participants": size, "years": years}
                if REUSE and database == "postgresql":
                    run["generate"] = {"seconds": 0.0, "output": "reused"}
                else:
                    run["generate"] = _generate(env, size, years)
                print(f"   generated in {run['generate']['seconds']} s", flush=True)
                run["report"] = _measure(env, "report")
                run["dashboard"] = _measure(env, "dashboard")
                print(
                    f"   dashboard alone {run['dashboard']['median_s'] * 1000:.0f} ms", flush=True
                )
                report = run["report"]
                print(
                    f"   report {report['orm_median_s'] * 1000:.1f} ms, "
                    f"bound {report['sql_median_s'] * 1000:.1f} ms",
                    flush=True,
                )
                if database == "postgresql":
                    run["load"] = _load(env, _measure(env, "pages"), _measure(env, "api"))
                    main_p95 = run["load"].get("main", {}).get("all", {}).get("p95_ms")
                    api_p95 = run["load"].get("api", {}).get("all", {}).get("p95_ms")
                    print(f"   main pages: p95 {main_p95} ms, API reads: p95 {api_p95} ms",
                          flush=True)  # fmt: skip
                results["runs"].append(run)
                (RESULTS / "latest.json").write_text(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(sqlite_dir, ignore_errors=True)
        if os.environ.get("BENCH_KEEP") != "1":
            for url in created:
                drop_postgres_database(POSTGRES, url)
    results["growth"] = _growth(results["runs"])
    results["federation"] = _federation()
    results["goals"] = _goals(results)
    results["load_average"] = _load_average()
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1))
    print(f"\nMachine: {results['machine']}")
    _print_tables(results)
    _print_goals(results)
    print(f"\nRaw results: {RESULTS / 'latest.json'}")
    workbook = ROOT / "bench" / "import_workbook.py"
    if workbook.exists() and os.environ.get("BENCH_IMPORT", "1") != "0":
        print("\n== Workbook import (bench/import_workbook.py)", flush=True)
        subprocess.run(
            [PYTHON, "-m", "bench.import_workbook"],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            check=True,
        )
    if os.environ.get("BENCH_UNDER_LOAD", "1") != "0":
        print("\n== Background work under load (bench/import_under_load.py)", flush=True)
        subprocess.run(
            [PYTHON, "-m", "bench.import_under_load",
             *([] if POSTGRES != "none" else ["--only", "sqlite"])],
            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()
