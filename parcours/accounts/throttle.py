"""Hourly limits on password-reset requests, kept in Django's cache.

Each request counts against the requesting address and against the e-mail address
asked for, whether an account uses it or not: the limit then says nothing about which
addresses exist. The e-mail address is hashed so that the cache holds none.
"""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _count(key: str) -> int:
    # add() starts the window only if none is running; incr() is atomic in the caches
    # that can be shared between processes (Redis, Memcached, the database one).
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        return 1


def password_reset_allowed(request, email: str) -> bool:
    """Count this request; False once either address has reached the hourly limit."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counts = (
        _count(f"password-reset:address:{get_client_ip_address(request)}"),
        _count(f"password-reset:email:{digest}"),
    )
    return max(counts) <= settings.PASSWORD_RESET_HOURLY_LIMIT
