"""The second step of signing in, and how it shares django-axes' failure counts.

A sign-in is complete once the password and, when one is expected, the second factor
have been given. Axes clears the failures of a pair account + address only then:
clearing them after the password alone would let someone who knows it try five more
codes at every new sign-in.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def second_factor_expected(user) -> bool:
    return user.is_authenticated and (settings.MFA_REQUIRED or user.second_factor_enrolled)


def second_factor_pending(user) -> bool:
    """Signed in with the password, but the second factor is still to be given."""
    return second_factor_expected(user) and not user.is_verified()


def normalise_code(code: str) -> str:
    """Recovery codes are shown in two groups of four ("k7m2-q9xa"); typed in any case."""
    return "".join(code.split()).replace("-", "").lower()


def matching_device(user, code: str):
    """The confirmed device of ``user`` that accepts ``code``, or None.

    Six digits are asked of the authenticator app, anything else of the recovery codes:
    a wrong code then costs one try on one device only (each device slows down its own
    verifications after failures).
    """
    from django_otp import verify_token

    code = normalise_code(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def _credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def is_locked_out(request) -> bool:
    return not AxesProxyHandler.is_allowed(request, _credentials(request.user))


def lockout_response(request: HttpRequest) -> HttpResponse:
    """Close the half-open session and answer with the lockout page, as axes does."""
    credentials = _credentials(request.user)
    logout(request)
    return get_lockout_response(request, None, credentials)


def record_failure(request) -> bool:
    """Count a wrong code like a wrong password; True when the pair is now locked."""
    user_login_failed.send(sender=__name__, credentials=_credentials(request.user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def complete_sign_in(request, user) -> None:
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address, username=user.get_username()
    )


@receiver(user_logged_in, dispatch_uid="parcours-complete-password-only-sign-in")
def _complete_password_only_sign_in(sender, request, user, **kwargs):
    if request is not None and not second_factor_expected(user):
        complete_sign_in(request, user)
