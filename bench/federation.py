"""The federation report against its SQL bound (docs/performance.md, "A federation of
CPAS"):

    python -m bench.federation FEDERATION_SLUG

The bound is the sum of the per-organisation bounds: ``bench.report_sql.hand_figures``
run for each member CPAS. ``cold`` computes every member's report (the cache emptied
first), ``warm`` reads them all from the cache; ``page`` is the analyst's page, warm,
with its trail rows. Prints one JSON object on stdout.
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

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.report_sql import hand_figures  # noqa: E402
from parcours.accounts.models import Federation  # noqa: E402
from parcours.reporting.federation import federation_report  # noqa: E402


def _seconds(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def measure(slug, runs):
    federation = Federation.objects.get(slug=slug)
    members = list(federation.organisations.order_by("name"))
    as_of = datetime.date.today()
    year = as_of.year - 1
    as_of = datetime.date(year, 12, 31)

    def report():
        return federation_report(federation, year=year, as_of=as_of)

    def bound():
        return [hand_figures(member, year=year, as_of=as_of) for member in members]

    bound()  # warm: plans, connection
    bound_times = [_seconds(bound) for _ in range(runs)]
    cold_times = []
    for _ in range(runs):
        cache.clear()
        cold_times.append(_seconds(report))
    warm_times = [_seconds(report) for _ in range(runs)]
    analyst = federation.analysts.first()
    client = Client()
    client.force_login(analyst)
    url = f"/reports/federation/?year={year}"
    assert client.get(url).status_code == 200
    page_times = [_seconds(lambda: client.get(url)) for _ in range(runs)]
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    summed = report().total[0].cell("participants", "count")
    by_hand = sum(figures["participants"] for figures in bound())
    bound_median = statistics.median(bound_times)
    return {
        "members": len(members),
        "year": year,
        "participants_of_the_year": by_hand,
        "same_participants": summed == by_hand,
        "bound_median_s": bound_median,
        "cold_median_s": statistics.median(cold_times),
        "warm_median_s": statistics.median(warm_times),
        "page_warm_median_s": statistics.median(page_times),
        "page_warm_queries": len(captured.captured_queries),
        "cold_ratio": statistics.median(cold_times) / bound_median,
        "warm_ratio": statistics.median(warm_times) / bound_median,
        "load_average": os.getloadavg(),
    }


if __name__ == "__main__":
    json.dump(measure(sys.argv[1], int(os.environ.get("BENCH_RUNS", "3"))), sys.stdout, indent=2)
