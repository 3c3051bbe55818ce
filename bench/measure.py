"""The Django side of the benchmark, run once per database by ``bench/run.py``:

    python -m bench.measure report ORG_SLUG      # yearly_figures against the SQL bound
    python -m bench.measure pages ORG_SLUG       # the URLs the load test requests
    python -m bench.measure dashboard ORG_SLUG   # the dashboard alone, by two users
    python -m bench.measure api ORG_SLUG         # API tokens and the reads to request

Prints one JSON object on stdout.
"""

import datetime
import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.report_sql import hand_figures  # noqa: E402
from parcours.accounts.models import Organisation  # noqa: E402
from parcours.attendance.models import Attendance  # noqa: E402
from parcours.programme.models import Enrolment, Group  # noqa: E402
from parcours.workshops.models import Session  # noqa: E402


def _median_time(function, runs):
    function()  # warm: plans, caches, connection
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def report(slug, runs):
    from parcours.reporting.figures import yearly_figures

    organisation = Organisation.objects.get(slug=slug)
    as_of = datetime.date.today()
    year = as_of.year - 1  # the last complete year, with its evolution since the start
    figures = yearly_figures(organisation, year=year, as_of=as_of)
    bound = hand_figures(organisation, year=year, as_of=as_of)
    # Figures the hand-written SQL does not compute yet are listed, not compared.
    differences = sorted(key for key in figures if key in bound and figures[key] != bound[key])
    not_bounded = sorted(key for key in figures if key not in bound)

    orm_median, orm_times = _median_time(
        lambda: yearly_figures(organisation, year=year, as_of=as_of), runs
    )
    per_query = {}
    sql_median, sql_times = _median_time(
        lambda: hand_figures(organisation, year=year, as_of=as_of, timings=per_query), runs
    )
    with CaptureQueriesContext(connection) as captured:
        yearly_figures(organisation, year=year, as_of=as_of)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "participants_of_the_year": figures["participants"],
        "same_figures": not differences,
        "differences": differences,
        "not_in_the_bound": not_bounded,
        "orm_median_s": orm_median,
        "orm_runs_s": orm_times,
        "sql_median_s": sql_median,
        "sql_runs_s": sql_times,
        "sql_last_run_by_group_s": per_query,
        "ratio": orm_median / sql_median if sql_median else None,
        "orm_queries": len(captured.captured_queries),
        "orm_slowest_queries": [
            {"seconds": float(q["time"]), "sql": q["sql"][:3000]} for q in slowest
        ],
    }


def _sample(slug):
    """A sample of real records to request, spread over the organisation: the ids of
    participants with an open enrolment, of running groups and of recent sessions."""
    organisation = Organisation.objects.get(slug=slug)
    today = datetime.date.today()
    open_enrolments = (
        Enrolment.objects.filter(group__organisation=organisation, exit_date__isnull=True)
        .order_by("id")
        .values_list("participant_id", flat=True)
    )
    count = open_enrolments.count()
    step = max(1, count // 20)
    participants = list(open_enrolments[::step][:20]) if count else []
    groups = list(
        Group.objects.running_on(today)
        .filter(organisation=organisation)
        .order_by("id")
        .values_list("id", flat=True)[:10]
    )
    sessions = list(
        Session.objects.held()
        .filter(
            organisation=organisation, date__lt=today, date__gte=today - datetime.timedelta(days=30)
        )
        .order_by("-date", "id")
        .values_list("id", flat=True)[:10]
    )
    return participants, groups, sessions


def pages(slug, year):
    """The pages the load test requests, over the sample of records."""
    participants, groups, sessions = _sample(slug)
    return {
        "participant list": ["/participants/"],
        "participant search": [
            "/participants/?q=dubois",
            "/participants/?q=ben",
            "/participants/?q=el+amr",
        ],
        "participant file": [f"/participants/{pk}/" for pk in participants],
        "group page": [f"/programme/groups/{pk}/" for pk in groups],
        "session attendance": [f"/attendance/sessions/{pk}/register/" for pk in sessions],
        "dashboard": ["/"],
        "report page": [f"/reports/?year={year}"],
    }


def api(slug, year, clients):
    """Read tokens of the coordinator, one per simulated client (the API throttles per
    token, as each of the CPAS's systems has its own), and the main reads of the REST API
    over the same sample of records as the pages."""
    from django.utils import timezone

    from parcours.accounts.models import User
    from parcours.api.tokens import issue_token

    coordinator = User.objects.get(username=f"{slug}-coordinator")
    expires_at = timezone.now() + datetime.timedelta(days=1)
    tokens = [
        issue_token(
            user=coordinator, name=f"bench {index}", scope="read", expires_at=expires_at,
            by=coordinator,
        )[1]
        for index in range(clients)
    ]  # fmt: skip
    participants, groups, _sessions = _sample(slug)
    today = datetime.date.today()
    month_ago = today - datetime.timedelta(days=30)
    # The recent sessions with marks: the registers' sample may have none yet.
    marked = list(
        Attendance.objects.filter(
            session__organisation__slug=slug, session__date__gte=month_ago, session__date__lt=today
        )
        .order_by("-session__date", "session_id")
        .values_list("session_id", flat=True)
        .distinct()[:10]
    )
    return {
        "tokens": tokens,
        "pages": {
            "api participants": ["/api/v1/participants"],
            "api participant": [f"/api/v1/participants/{pk}" for pk in participants],
            "api groups": [
                "/api/v1/groups",
                f"/api/v1/groups?date_from={today}&date_to={today}",
            ],
            "api sessions": [f"/api/v1/sessions?date_from={month_ago}&date_to={today}"]
            + [f"/api/v1/sessions?group={pk}" for pk in groups],
            "api attendance marks": [
                f"/api/v1/attendance-marks?date_from={month_ago}&date_to={today}",
                *(f"/api/v1/attendance-marks?session={pk}" for pk in marked),
            ],
            "api yearly report": [f"/api/v1/reports/yearly?year={year}"],
        },
    }


def dashboard(slug, runs):
    """The dashboard page alone (Django's test client, no server), as the coordinator
    and as the social worker who follows the most people: median and query count."""
    from django.db.models import Count
    from django.test import Client

    from parcours.accounts.models import User

    organisation = Organisation.objects.get(slug=slug)
    coordinator = User.objects.get(username=f"{slug}-coordinator")
    social_worker = (
        User.objects.filter(organisation=organisation, username__startswith=f"{slug}-sw")
        .annotate(people=Count("participants_followed"))
        .order_by("-people", "username")
        .first()
    )
    result = {}
    for user in (coordinator, social_worker):
        client = Client()
        client.force_login(user)

        def get(client=client):
            response = client.get("/")
            assert response.status_code == 200, response.status_code

        median, times = _median_time(get, runs)
        with CaptureQueriesContext(connection) as captured:
            get()
        result[user.username] = {
            "role": user.role,
            "median_s": median,
            "runs_s": times,
            "queries": len(captured.captured_queries),
        }
    # The coordinator's figures first: bench/run.py compares them with the goals.
    return {**result[coordinator.username], "by_user": result}


def main():
    command, slug = sys.argv[1], sys.argv[2]
    if command == "report":
        result = report(slug, runs=int(os.environ.get("BENCH_RUNS", "5")))
    elif command == "dashboard":
        result = dashboard(slug, runs=int(os.environ.get("BENCH_RUNS", "7")))
    elif command == "api":
        result = api(slug, datetime.date.today().year - 1, int(os.environ.get("BENCH_USERS", "20")))
    else:
        result = pages(slug, datetime.date.today().year - 1)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
