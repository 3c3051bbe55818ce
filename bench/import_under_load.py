"""Background work under load (issue 15): the 5,000-person workbook imported through the
web upload by the worker while people use the pages, attendance marks during its write,
and the worker killed in the middle of it.

    .venv/bin/python -m bench.import_under_load                  # SQLite, then PostgreSQL
    .venv/bin/python -m bench.import_under_load --only sqlite

For each database: a fresh one (a file of this run, or ``BENCH_DB_PREFIX`` +
``underload`` created by this run and dropped at its end: bench/databases.py) with a
synthetic programme of ``--people`` (1,000) for the pages and three empty organisations
for the import; gunicorn (3 workers, as ``make serve``) and one ``manage.py worker``.

- A: the main pages of bench/run.py under ``--users`` (20) simulated users, 1 s pause,
  ``--duration`` seconds, no import;
- B: the same load while the workbook (bench/import_workbook.py) is sent through the
  upload form, checked by the worker, confirmed, imported: p95 per page, the import's
  times;
- C: during the import's write (the job at 99 %, "Writing the records") of another
  organisation, five tablets send ``MARKS`` (285) attendance marks through the register's
  mark endpoint (the POST of static/js/attendance.js): failures, "database is locked";
- D: the worker is killed (SIGKILL) during the write of a third import: nothing of it
  may be in the database, the job page must show it interrupted with Retry; Retry is
  posted, a new worker started, and the records counted once it is done.

Prints a table; raw results in ``bench/results/import_under_load.json``.
"""

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

from bench.databases import create_postgres_database, drop_postgres_database, server_port
from bench.import_workbook import WORKBOOK, generate
from bench.load import TOKEN, Browser
from bench.load import run as load_run

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
ORG = "bench"
PASSWORD = "bench-password-not-secret"
TARGETS = ("import-b", "import-c", "import-d")
EXPECTED = {
    "participants": 5000, "groups": 200, "enrolments": 5000, "assessments": 10000,
    "sessions": 50000, "attendance": 500000,
}  # fmt: skip
TABLETS = 5
STATUS = re.compile(r'id="import-job"[^>]*data-status="([a-z]+)"')


class Client(Browser):
    """A browser that fills in forms (their CSRF token first), with a patient timeout."""

    def __init__(self, host, port):
        super().__init__(host, port, timeout=120)

    def token(self, path):
        status, _headers, page = self.send("GET", path)
        match = TOKEN.search(page.decode())
        if status != 200 or not match:
            raise RuntimeError(f"{path}: {status}, no form")
        return match.group(1)

    def post_form(self, path, fields, token_from=None):
        fields = {"csrfmiddlewaretoken": self.token(token_from or path), **fields}
        return self.send(
            "POST", path, body=urllib.parse.urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Referer": f"http://{self.host}:{self.port}{token_from or path}"},
        )  # fmt: skip


def _upload(client, path: Path) -> int:
    """The workbook sent through the upload form, as a browser does; the job's id."""
    token = client.token("/workbook/")
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{token}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"'
            "\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            "\r\n\r\n".encode(),
            path.read_bytes(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    status, headers, _page = client.send(
        "POST", "/workbook/", body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                 "Referer": f"http://{client.host}:{client.port}/workbook/"},
    )  # fmt: skip
    match = re.search(r"/workbook/imports/(\d+)/", headers.get("Location") or "")
    if status != 302 or not match:
        raise RuntimeError(f"the upload was refused: {status}")
    return int(match.group(1))


def _page_status(client, job):
    status, _headers, page = client.send("GET", f"/workbook/imports/{job}/")
    text = page.decode()
    match = STATUS.search(text)
    return (match.group(1) if match and status == 200 else f"http {status}"), text


class Database:
    """Read the job's row directly (the bench must not wait behind the server)."""

    def __init__(self, url):
        self.url = url

    def job(self, pk):
        sql = "SELECT status, progress, step FROM workbook_importjob WHERE id = "
        if self.url.startswith("sqlite"):
            import sqlite3

            path = self.url.removeprefix("sqlite:///")
            with sqlite3.connect(f"file:/{path.lstrip('/')}?mode=ro", uri=True, timeout=30) as c:
                return c.execute(sql + "?", [pk]).fetchone()
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute(sql + "%s", [pk]).fetchone()


def _wait_page(client, job, wanted, seconds=900):
    """Poll the job page every 2 s, as htmx does, until its status is in ``wanted``."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        status, text = _page_status(client, job)
        if status in wanted:
            return status, text
        time.sleep(2)
    raise RuntimeError(f"job {job}: still {status} after {seconds} s")


def _wait_write(database, job, seconds=900):
    """Poll the job's row until its import writes (importing at 99 %)."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        status, progress, _step = database.job(job)
        if status == "importing" and progress == 99:
            return True
        if status not in ("analysing", "ready", "importing"):
            return False
        time.sleep(0.2)
    return False


def _import(client, database, marks_during_write=None):
    """Upload, wait for the check, confirm, wait until done: the times."""
    times = {}
    started = time.perf_counter()
    job = _upload(client, WORKBOOK)
    times["upload_s"] = time.perf_counter() - started
    status, _text = _wait_page(client, job, {"ready", "invalid", "failed"})
    times["check_s"] = time.perf_counter() - started - times["upload_s"]
    if status != "ready":
        raise RuntimeError(f"job {job} after the check: {status}")
    confirmed = time.perf_counter()
    client.post_form(
        f"/workbook/imports/{job}/confirm/", {}, token_from=f"/workbook/imports/{job}/"
    )
    writing = {}

    def watch():
        if _wait_write(database, job):
            writing["at"] = time.perf_counter()
            if marks_during_write:
                marks_during_write(lambda: database.job(job)[0] == "importing")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    status, _text = _wait_page(client, job, {"done", "failed", "invalid"})
    done = time.perf_counter()
    watcher.join()
    times["import_s"] = done - confirmed
    times["write_s"] = done - writing["at"] if "at" in writing else None
    times["total_s"] = done - started
    times["status"] = status
    return job, {k: round(v, 1) if isinstance(v, float) else v for k, v in times.items()}


def _tablets(base, pairs, result):
    """``TABLETS`` coordinators marking registers in turn (present/absent, so that each
    mark is a change), each mark as attendance.js sends it; started in the write."""

    def mark(still_writing):
        parsed = urllib.parse.urlparse(base)
        shares = [pairs[i::TABLETS] for i in range(TABLETS)]
        lock = threading.Lock()

        def tablet(index, share):
            client = Client(parsed.hostname, parsed.port)
            client.sign_in(f"{ORG}-coordinator", PASSWORD)
            token = None
            for n, (session, person) in enumerate(share):
                if token is None:
                    token = client.token(f"/attendance/sessions/{session}/register/")
                during = still_writing()
                began = time.perf_counter()
                try:
                    status, _headers, page = client.send(
                        "POST", f"/attendance/sessions/{session}/mark/{person}/",
                        body=urllib.parse.urlencode({"status": ("present", "absent")[n % 2]}),
                        headers={"Content-Type": "application/x-www-form-urlencoded",
                                 "X-CSRFToken": token, "HX-Request": "true"},
                    )  # fmt: skip
                    text = page.decode(errors="replace")
                except (http.client.HTTPException, OSError) as error:
                    status, text = 0, str(error)
                elapsed = time.perf_counter() - began
                with lock:
                    result["sent"] += 1
                    result["sent_during_write"] += during
                    result["max_s"] = max(result["max_s"], round(elapsed, 1))
                    if status != 200:
                        result["failed"] += 1
                        result["failures"].append(f"{status} {text[:80]}")
                    elif "register-row__error" in text:
                        result["refused"] += 1
                time.sleep(0.2)

        threads = [threading.Thread(target=tablet, args=(i, s)) for i, s in enumerate(shares)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    return mark


def _counts(env, target):
    out = subprocess.run(
        [PYTHON, "-m", "bench.under_load_setup", "counts", target], cwd=ROOT, env=env,
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out)


def _worker(env, log):
    return subprocess.Popen(
        [PYTHON, "manage.py", "worker", "--verbosity", "1"], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _load_avg():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _bench(label, url, args):
    env = dict(
        os.environ,
        DATABASE_URL=url,
        PYTHONPATH=str(ROOT),
        DEBUG="0",
        SECRET_KEY="bench-secret-key-only-for-a-loopback-benchmark-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        MFA_REQUIRED="0",  # the simulated people sign in with a password only
        LOG_LEVEL="ERROR",
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "parcours-bench-static"),
    )
    manage = [PYTHON, "manage.py"]
    result = {"database": label, "load_average_before": _load_avg()}
    print(f"== {label}: migrate, {args.people} people", flush=True)
    subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "generate_synthetic", "--organisation", ORG, "--participants", str(args.people),
         "--years", "3", "--password", PASSWORD],
        cwd=ROOT, env={**env, "DEBUG": "1"}, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    setup = json.loads(
        subprocess.run(
            [PYTHON, "-m", "bench.under_load_setup", "setup", ORG, PASSWORD, *TARGETS],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    pages = json.loads(
        subprocess.run(
            [PYTHON, "-m", "bench.measure", "pages", ORG], cwd=ROOT, env=env, check=True,
            capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    pages.pop("dashboard"), pages.pop("report page")
    port = server_port()
    base = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.mkdtemp(prefix="parcours-underload-"))
    server_log = open(logs / "gunicorn.log", "w")  # noqa: SIM115 (closed in finally)
    worker_log = open(logs / "worker.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [ROOT / ".venv" / "bin" / "gunicorn", "parcours.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = _worker(env, worker_log)
    database = Database(url)
    try:
        deadline = time.time() + 60
        while True:
            try:
                Browser("127.0.0.1", port).request("GET", "/health/")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)

        def load(stop=None, duration=args.duration):
            return load_run(
                base, f"{ORG}-coordinator", PASSWORD, pages, args.users, duration, 1.0, stop=stop
            )

        print(f"   A: {args.duration:.0f} s of load, no import", flush=True)
        result["A"] = load()
        print("   B: the same load during the import", flush=True)
        stop = threading.Event()
        during = {}
        loader = threading.Thread(target=lambda: during.update(load(stop, 3600)))
        loader.start()
        time.sleep(3)  # the users are signed in and requesting
        client = Client("127.0.0.1", port)
        client.sign_in(f"{TARGETS[0]}-coordinator", PASSWORD)
        try:
            _job, result["B_import"] = _import(client, database)
        finally:
            stop.set()
            loader.join()
        result["B"] = during
        result["B_counts_ok"] = _counts(env, TARGETS[0]) == EXPECTED
        print(f"      {result['B_import']}", flush=True)

        print(f"   C: {len(setup['marks'])} marks during the write of an import", flush=True)
        marks = {"sent": 0, "sent_during_write": 0, "failed": 0, "refused": 0, "max_s": 0.0,
                 "failures": []}  # fmt: skip
        locked_before = (logs / "gunicorn.log").read_text().count("database is locked")
        client = Client("127.0.0.1", port)
        client.sign_in(f"{TARGETS[1]}-coordinator", PASSWORD)
        _job, result["C_import"] = _import(
            client, database, marks_during_write=_tablets(base, setup["marks"], marks)
        )
        marks["database_is_locked_in_log"] = (logs / "gunicorn.log").read_text().count(
            "database is locked"
        ) - locked_before
        marks["failures"] = marks["failures"][:5]
        result["C"] = marks
        print(f"      {marks}", flush=True)

        print("   D: the worker killed during the write", flush=True)
        client = Client("127.0.0.1", port)
        client.sign_in(f"{TARGETS[2]}-coordinator", PASSWORD)
        job = _upload(client, WORKBOOK)
        _wait_page(client, job, {"ready"})
        client.post_form(
            f"/workbook/imports/{job}/confirm/", {}, token_from=f"/workbook/imports/{job}/"
        )
        kill = {}
        if not _wait_write(database, job):
            raise RuntimeError(f"job {job} never reached its write: {database.job(job)}")
        time.sleep(args.kill_after)
        kill["job_before_kill"] = list(database.job(job))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed = time.perf_counter()
        kill["counts_after_kill"] = _counts(env, TARGETS[2])
        kill["nothing_written"] = not any(kill["counts_after_kill"].values())
        status, text = _wait_page(client, job, {"failed", "done"}, seconds=300)
        kill["page_status"] = status
        kill["interrupted_shown_after_s"] = round(time.perf_counter() - killed, 1)
        kill["retry_offered"] = f"/workbook/imports/{job}/retry/" in text
        retried = time.perf_counter()
        client.post_form(
            f"/workbook/imports/{job}/retry/", {}, token_from=f"/workbook/imports/{job}/"
        )
        worker = _worker(env, worker_log)
        status, _text = _wait_page(client, job, {"done", "failed", "invalid"})
        kill["retry_status"] = status
        kill["retry_s"] = round(time.perf_counter() - retried, 1)
        kill["counts_after_retry"] = _counts(env, TARGETS[2])
        kill["counts_equal_workbook"] = kill["counts_after_retry"] == EXPECTED
        result["D"] = kill
        print(f"      {kill}", flush=True)
    finally:
        worker.send_signal(signal.SIGTERM)
        server.terminate()
        for process in (worker, server):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        server_log.close()
        worker_log.close()
    result["load_average_after"] = _load_avg()
    result["logs"] = str(logs)
    return result


def _ms(value):
    return f"{value:,.0f} ms" if value is not None else "-"


def _print(results):
    for r in results:
        print(f"\n{r['database']} (load average {r['load_average_before']} before, "
              f"{r['load_average_after']} after)")  # fmt: skip
        a, b = r["A"], r["B"]
        print(f"  A {a['duration_s']} s, {a['requests_per_s']} req/s; "
              f"B {b['duration_s']} s, {b['requests_per_s']} req/s")  # fmt: skip
        print(f"  {'page':<24}{'p95 A':>10}{'p95 B':>10}{'errors A/B':>12}")
        for name in [*a["pages"], "all"]:
            pa = a["all"] if name == "all" else a["pages"][name]
            pb = b["all"] if name == "all" else b["pages"].get(name, {})
            print(f"  {name:<24}{_ms(pa['p95_ms']):>10}{_ms(pb.get('p95_ms')):>10}"
                  f"{pa['errors']:>6}/{pb.get('errors', '-')}")  # fmt: skip
        print(f"  import B: {r['B_import']}, counts equal the workbook: {r['B_counts_ok']}")
        c = r["C"]
        print(f"  C marks: {c['sent']} sent ({c['sent_during_write']} during the write), "
              f"{c['failed']} failed, {c['refused']} refused, slowest {c['max_s']} s, "
              f"'database is locked' in the log: {c['database_is_locked_in_log']}; "
              f"import {r['C_import']}")  # fmt: skip
        d = r["D"]
        print(f"  D kill: at {d['job_before_kill']}, nothing written: {d['nothing_written']}, "
              f"page '{d['page_status']}' after {d['interrupted_shown_after_s']} s, retry "
              f"offered: {d['retry_offered']}, retry {d['retry_status']} in {d['retry_s']} s, "
              f"counts equal the workbook: {d['counts_equal_workbook']}")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))  # fmt: skip
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", "20")))
    parser.add_argument("--duration", type=float, default=40, help="Phase A (seconds).")
    parser.add_argument("--kill-after", type=float, default=3,
                        help="Seconds into the write before the worker is killed.")  # fmt: skip
    args = parser.parse_args()
    if not WORKBOOK.exists():
        print(f"Generating {WORKBOOK}", flush=True)
        generate(WORKBOOK)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="parcours-bench-underload-") as folder:
            results.append(_bench("SQLite", f"sqlite:///{folder}/underload.sqlite3", args))
    if args.only in (None, "postgres") and args.postgres != "none":
        url = create_postgres_database(args.postgres, "underload")
        try:
            results.append(_bench("PostgreSQL", url, args))
        finally:
            drop_postgres_database(args.postgres, url)
    (RESULTS / "import_under_load.json").write_text(json.dumps(results, indent=1))
    _print(results)


if __name__ == "__main__":
    main()
