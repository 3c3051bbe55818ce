"""Helpers for tests: counting the queries a page does."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, *, expected_status: int = 200) -> int:
    """Fetch ``url`` and return how many SQL queries serving it took."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == expected_status, response.status_code
    return len(context.captured_queries)


def assert_bounded_queries(client, url: str, *, grow, expected: int) -> None:
    """The page does ``expected`` queries, and still does after ``grow()`` adds rows.

    A first request is made before counting: the first one of a session also writes the
    session's timestamps, which later requests do not.
    """
    client.get(url)
    before = count_queries(client, url)
    grow()
    after = count_queries(client, url)
    assert (before, after) == (expected, expected), (
        f"{url}: {before} queries with few rows, {after} with many; expected {expected}"
    )
