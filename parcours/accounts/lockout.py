"""What django-axes locks after failed sign-ins.

Locking an account whatever the address would let anyone lock a colleague out by typing
wrong passwords under their name. So the failures are counted per pair account +
address (``AXES_FAILURE_LIMIT``): the real person, elsewhere, still signs in. An
address that fails for many accounts is locked on its own once it reaches the higher
``AXES_ADDRESS_FAILURE_LIMIT``; axes allows one limit only, so the address joins the
parameters only when it has reached its own, and then locks at once.
"""

from axes.attempts import get_cool_off_threshold
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

PAIR = ["username", "ip_address"]


def address_failures(request) -> int:
    """Failed sign-ins from the request's address within the cool-off time, any account."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    # Axes also asks with a stored attempt (no address of a live request to count).
    if getattr(request_or_attempt, "axes_attempt_time", None) is None:
        return [PAIR]
    if address_failures(request_or_attempt) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
        return [PAIR, "ip_address"]
    return [PAIR]
