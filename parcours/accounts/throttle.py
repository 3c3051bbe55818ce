"""Hourly limits on password-reset requests, counted in the database.

Each request counts against the requesting address and against the e-mail address
asked for, whether an account uses it or not: the limit then says nothing about which
addresses exist. The e-mail address is hashed so that no count names it.

The count is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (PostgreSQL, SQLite
3.35+): N requests at the same moment in N web workers count N. A cache would not do:
the database cache's ``incr`` reads then writes, and two workers would both count 1.
"""

import hashlib
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import connection

from parcours.accounts.models import RequestCount

WINDOW_SECONDS = 60 * 60


def count_request(key: str, *, now: float | None = None) -> int:
    """Count one request of ``key`` and return how many it made in its current window.

    A window starts at a key's first request and lasts ``WINDOW_SECONDS``; the first
    request after it starts the next one. Windows that ended are removed.
    """
    now = int(time.time() if now is None else now)
    ended = now - WINDOW_SECONDS
    quote = connection.ops.quote_name
    table = quote(RequestCount._meta.db_table)
    key_, started, count = (quote(name) for name in ("key", "window_started", "count"))
    with connection.cursor() as cursor:
        # Every expression reads the row as it was before this statement.
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {started}, {count}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key_}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{started} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{started} = CASE WHEN {table}.{started} <= %s THEN excluded.{started} "
            f"ELSE {table}.{started} END "
            f"RETURNING {count}",
            [key, now, ended, ended],
        )
        (counted,) = cursor.fetchone()
    RequestCount.objects.filter(window_started__lte=ended).delete()
    return counted


def password_reset_allowed(request, email: str) -> bool:
    """Count this request; False once either address has reached the hourly limit."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counts = (
        count_request(f"password-reset:address:{get_client_ip_address(request)}"),
        count_request(f"password-reset:email:{digest}"),
    )
    return max(counts) <= settings.PASSWORD_RESET_HOURLY_LIMIT
