"""The password-reset counts: one window an hour per key, counted in one statement so that
requests arriving together in several web workers are all counted."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test import RequestFactory

from parcours.accounts.models import RequestCount
from parcours.accounts.throttle import WINDOW_SECONDS, count_request, password_reset_allowed

NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_window_counts_from_its_first_request_and_the_next_starts_after_an_hour():
    with time_machine.travel(NOON, tick=False) as clock:
        assert [count_request("k") for _ in range(3)] == [1, 2, 3]
        clock.shift(WINDOW_SECONDS - 1)
        assert count_request("k") == 4
        clock.shift(1)  # the window that started at noon is over
        assert count_request("k") == 1
        clock.shift(10)
        assert count_request("k") == 2


@pytest.mark.django_db
def test_keys_count_apart_and_ended_windows_are_removed():
    with time_machine.travel(NOON, tick=False) as clock:
        count_request("old")
        clock.shift(30 * 60)
        count_request("recent")
        clock.shift(30 * 60)
        assert count_request("other") == 1

    assert set(RequestCount.objects.values_list("key", flat=True)) == {"recent", "other"}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers: SQLite serialises them"
)
@pytest.mark.django_db(transaction=True)
def test_requests_arriving_together_from_several_connections_are_all_counted(settings):
    """Each thread has its own connection to the database, as each web worker has: the
    database cache's read-then-write ``incr`` would lose counts here."""
    settings.PASSWORD_RESET_HOURLY_LIMIT = 5
    threads = 12
    start = threading.Barrier(threads)
    answers = []
    lock = threading.Lock()

    def ask():
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
        try:
            start.wait(30)
            allowed = password_reset_allowed(request, "Someone@Example.org")
            with lock:
                answers.append(allowed)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert len(answers) == threads
    # Each request takes the larger of its two counts, which the threads reach in
    # different orders: never more than the limit pass, maybe fewer.
    assert 1 <= answers.count(True) <= 5
    assert sorted(RequestCount.objects.values_list("count", flat=True)) == [threads, threads]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers: SQLite serialises them"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_counts_are_each_given_their_own_number():
    threads = 10
    start = threading.Barrier(threads)
    counted = []
    lock = threading.Lock()

    def count():
        try:
            start.wait(30)
            number = count_request("together")
            with lock:
                counted.append(number)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert sorted(counted) == list(range(1, threads + 1))
    assert RequestCount.objects.get(key="together").count == threads
