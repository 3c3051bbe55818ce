"""The times the page's warning before the idle limit is shown from
(accounts/_session_timeout.html, static/js/session_timeout.js)."""

import math

from django import template
from django.conf import settings

from parcours.accounts.middleware import LAST_SEEN_WRITE_INTERVAL, session_time_left

register = template.Library()


@register.simple_tag(takes_context=True)
def session_timeout(context) -> dict | None:
    """Seconds, for the page's script: the idle limit, what is left of it and of the
    12-hour one, how early to warn, and the slack of the middleware's writes (a request
    may leave the recorded activity up to that much in the past). None when the session
    is not timed: nothing to warn about."""
    request = context.get("request")
    left = session_time_left(request) if request is not None else None
    if left is None:
        return None
    idle_left, absolute_left = left
    warning = settings.SESSION_IDLE_WARNING.total_seconds()
    return {
        "idle": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        # Rounded up: the page must not say "closed" before the server would.
        "idle_left": math.ceil(idle_left),
        "absolute_left": math.ceil(absolute_left),
        "warning": int(warning),
        "warning_minutes": max(1, math.ceil(warning / 60)),
        "slack": LAST_SEEN_WRITE_INTERVAL,
    }
