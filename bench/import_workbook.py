"""Benchmark of the workbook import (issue 7): 5,000 participants, 200 groups,
50,000 sessions and 500,000 attendance rows, imported by ``manage.py import_records``
into an empty organisation, on SQLite and on PostgreSQL; then imported a second time
(nothing to create: the idempotent path).

    .venv/bin/python -m bench.import_workbook                 # both databases
    .venv/bin/python -m bench.import_workbook --only sqlite
    .venv/bin/python -m bench.import_workbook --postgres postgres://postgres@127.0.0.1:5432

The workbook is generated once into /tmp (``--regenerate`` to rebuild it). Each database
is a fresh one (a file in a temporary folder of this run, or a PostgreSQL database
``BENCH_DB_PREFIX`` + ``import`` created by this run and dropped at its end; one that
exists already is left alone and stops the run: bench/databases.py), migrated before the
clock starts. Prints the figures.
"""

import argparse
import datetime
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.databases import create_postgres_database, drop_postgres_database

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORKBOOK = Path("/tmp/parcours-bench-workbook.xlsx")

PARTICIPANTS = 5_000
GROUPS = 200
SESSIONS_PER_GROUP = 250  # 50,000 sessions
ATTENDANCE_PER_SESSION = 10  # 500,000 attendance rows
WORKSHOPS = [
    ("Citoyenneté", "educational"),
    ("Consom'action", "educational"),
    ("Santé", "educational"),
    ("Conversation et mots croisés", "educational"),
    ("Projet et orientation", "educational"),
    ("Initiation à l'informatique", "educational"),
    ("Prélude et convivialité", "educational"),
    ("Sorties culturelles", "cultural"),
    ("Atelier créatif", "cultural"),
    ("Vélo", "cultural"),
    ("Photo et vidéo", "cultural"),
    ("Couture", "cultural"),
    ("Contes et jeux de société", "cultural"),
]
DOMAINS = 7


def generate(path: Path) -> dict:
    """Write the benchmark workbook with openpyxl's write-only mode."""
    from openpyxl import Workbook

    rng = random.Random(7)
    book = Workbook(write_only=True)
    counts = {}

    people = book.create_sheet("participants")
    people.append(
        ["reference", "last_name", "first_name", "gender", "birth_date", "birth_country",
         "nationality", "niss", "qualification_level", "qualification_recognised",
         "never_worked", "inactive_since", "french_level", "language_course"]
    )  # fmt: skip
    for n in range(PARTICIPANTS):
        people.append(
            [
                f"P-{n:05d}",
                f"Nom{n}",
                f"Prénom{n}",
                rng.choice("FMX"),
                datetime.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                rng.choice(["BE", "MA", "CD", "TR", "SY", "FR"]),
                "BE",
                None,
                rng.choice(["none", "primary", "lower_secondary", "upper_secondary", "higher"]),
                rng.choice(["yes", "no", "pending"]),
                rng.choice(["yes", "no"]),
                f"{2010 + n % 12}-{1 + n % 12:02d}",
                rng.choice(["very_weak", "weak", "medium", "good", "very_good", "native"]),
                rng.choice(["none", "fle", "literacy"]),
            ]
        )
    counts["participants"] = PARTICIPANTS

    groups = book.create_sheet("groups")
    groups.append(["name", "process_type", "start_date", "end_date"])
    group_rows = []
    for g in range(GROUPS):
        start = datetime.date(2012, 9, 3) + datetime.timedelta(days=18 * g)
        end = start + datetime.timedelta(days=300)
        name = f"Groupe {g:03d}"
        group_rows.append((name, start, end))
        groups.append([name, "remobilisation" if g % 3 else "immersion", start, end])
    counts["groups"] = GROUPS

    per_group = PARTICIPANTS // GROUPS
    members = {g: [f"P-{g * per_group + k:05d}" for k in range(per_group)] for g in range(GROUPS)}
    enrolments = book.create_sheet("enrolments")
    enrolments.append(
        ["participant", "group", "start_date", "exit_date", "outcome", "outcome_detail"]
    )
    assessments = book.create_sheet("assessments")
    assessments.append(
        ["participant", "group", "moment", "date", "administrative", "family", "social_cultural",
         "housing", "financial", "health", "employment_training"]
    )  # fmt: skip
    outcomes = [
        ("dropout", "health"),
        ("extension", None),
        ("social_project", "volunteering"),
        ("professional_project", "job_search"),
    ]
    n_enrolments = n_assessments = 0
    for g, (name, start, end) in enumerate(group_rows):
        for ref in members[g]:
            outcome, detail = rng.choice(outcomes)
            enrolments.append([ref, name, start, end, outcome, detail])
            n_enrolments += 1
            for moment, day in (("entry", start), ("end", end)):
                ratings = [rng.choice([None, 1, 2, 3, 4, 5]) for _ in range(DOMAINS)]
                assessments.append([ref, name, moment, day, *ratings])
                n_assessments += 1
    counts["enrolments"], counts["assessments"] = n_enrolments, n_assessments

    sessions = book.create_sheet("sessions")
    sessions.append(
        ["workshop", "axis", "provider_kind", "provider", "groups", "date", "start_time",
         "end_time", "cancelled"]
    )  # fmt: skip
    attendance = book.create_sheet("attendance")
    attendance.append(["participant", "workshop", "date", "start_time", "status"])
    used = set()
    n_sessions = n_attendance = 0
    for g, (name, start, _end) in enumerate(group_rows):
        for i in range(SESSIONS_PER_GROUP):
            workshop, axis = WORKSHOPS[(g + i) % len(WORKSHOPS)]
            day = start + datetime.timedelta(days=i * 7 // 5)
            minutes = 9 * 60 + (i % 2) * 270
            while (workshop, day, minutes) in used:
                minutes += 15
            used.add((workshop, day, minutes))
            begin = f"{minutes // 60:02d}:{minutes % 60:02d}"
            finish = f"{(minutes + 180) // 60:02d}:{(minutes + 180) % 60:02d}"
            kind = ("team", "subcontractor", "partner")[i % 3]
            provider = None if kind == "team" else f"ASBL {kind} {i % 5}"
            sessions.append(
                [workshop, axis, kind, provider, name, day, begin, finish,
                 "yes" if i % 50 == 49 else "no"]
            )  # fmt: skip
            n_sessions += 1
            for k in range(ATTENDANCE_PER_SESSION):
                ref = members[g][(i + k) % per_group]
                status = rng.choice(["present", "present", "present", "absent", "excused"])
                attendance.append([ref, workshop, day, begin, status])
                n_attendance += 1
    counts["sessions"], counts["attendance"] = n_sessions, n_attendance
    book.save(path)
    return counts


def _manage(*args, env):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _timed_import(env, slug):
    started = time.perf_counter()
    result = _manage(
        "import_records", str(WORKBOOK), "--organisation", slug, "--skip-checks", "-v", "2", env=env
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout, result.stderr[-3000:], sep="\n")
        raise SystemExit(f"import_records failed ({result.returncode})")
    return elapsed, result.stdout


def _bench(label, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    migrated = _manage("migrate", "--noinput", "--skip-checks", env=env)
    if migrated.returncode != 0:
        raise SystemExit(migrated.stderr)
    first, output = _timed_import(env, "bench")
    print(f"[{label}] first import: {first:.1f} s")
    print("    " + output.strip().replace("\n", "\n    "))
    second, _output = _timed_import(env, "bench")
    print(f"[{label}] second import (nothing new): {second:.1f} s")
    return first, second


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()

    if args.regenerate or not WORKBOOK.exists():
        started = time.perf_counter()
        counts = generate(WORKBOOK)
        print(f"Generated {WORKBOOK} in {time.perf_counter() - started:.1f} s: {counts}")
    size = WORKBOOK.stat().st_size / 1024 / 1024
    print(f"Workbook: {WORKBOOK} ({size:.1f} MB)")

    results = {}
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="parcours-bench-import-") as folder:
            results["SQLite"] = _bench("SQLite", f"sqlite:///{folder}/import.sqlite3")
    if args.only in (None, "postgres"):
        url = create_postgres_database(args.postgres, "import")
        try:
            results["PostgreSQL"] = _bench("PostgreSQL", url)
        finally:
            drop_postgres_database(args.postgres, url)
    print()
    print("| database | first import | second import (idempotent) |")
    print("| --- | --- | --- |")
    for label, (first, second) in results.items():
        print(f"| {label} | {first:.1f} s | {second:.1f} s |")


if __name__ == "__main__":
    main()
