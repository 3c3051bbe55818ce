"""Errors as RFC 9457 problem details (``application/problem+json``), in the request's
language, never with a stack trace: ``type``, ``title``, ``status``, ``detail`` and
``instance`` (the path asked for), and ``errors`` for invalid parameters.

The types are URNs listed in docs/api.md; a program tells the problems apart by them.
"""

import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from parcours.core.versions import StaleVersion

logger = logging.getLogger("parcours.api")

PROBLEM_TYPE = "urn:parcours:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """A refusal with its own type, raised by the API's code (a bad cursor, an invalid
    report request)."""

    def __init__(self, status: int, kind: str, detail: str, errors=None):
        super().__init__(detail)
        self.status, self.kind, self.detail, self.errors = status, kind, detail, errors


def _titles():
    return {
        400: ("bad-request", _("Bad request")),
        401: ("not-authenticated", _("Not authenticated")),
        403: ("forbidden", _("Forbidden")),
        404: ("not-found", _("Not found")),
        405: ("method-not-allowed", _("Method not allowed")),
        409: ("conflict", _("Conflict")),
        422: ("invalid-parameters", _("Invalid parameters")),
        429: ("too-many-requests", _("Too many requests")),
        500: ("server-error", _("Server error")),
    }


def problem_response(request, status: int, *, detail: str, kind: str | None = None, errors=None):
    default_kind, title = _titles().get(status, ("error", _("Error")))
    body = {
        "type": PROBLEM_TYPE + (kind or default_kind),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_MEDIA_TYPE
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="parcours"'
    return response


def _validation_errors(exc: NinjaValidationError) -> list[dict]:
    # Where and what, without echoing the value sent (it may be anything).
    return [
        {"location": ".".join(str(part) for part in error.get("loc", ())), "message": error["msg"]}
        for error in exc.errors
    ]


def install(api) -> None:
    """Answer every error of ``api`` with a problem."""

    @api.exception_handler(ApiProblem)
    def api_problem(request, exc):
        return problem_response(
            request, exc.status, detail=exc.detail, kind=exc.kind, errors=exc.errors
        )

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        return problem_response(
            request,
            422,
            detail=_("Some parameters are not valid."),
            errors=_validation_errors(exc),
        )

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc):
        return problem_response(
            request, 422, detail=" ".join(exc.messages), kind="refused-by-the-rules"
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem_response(request, 404, detail=_("Nothing exists at this address for you."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem_response(request, 403, detail=_("Your role does not give access to this."))

    @api.exception_handler(StaleVersion)
    def stale(request, exc):
        return problem_response(
            request,
            409,
            kind="stale-version",
            detail=_("Someone else saved this record in the meantime: read it again."),
        )

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        return problem_response(
            request, 429, detail=_("Too many requests with this token: wait a little.")
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return problem_response(
            request,
            401,
            detail=_("Send a valid access token (Authorization: Bearer …) or sign in."),
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        detail = str(exc)
        if "CSRF" in detail:
            # ninja's own message, for a write with the session but without the token.
            detail = _("A write with the browser's session needs the CSRF token.")
            return problem_response(request, exc.status_code, kind="csrf-failed", detail=detail)
        return problem_response(request, exc.status_code, detail=detail)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(
            request, 500, detail=_("Something went wrong on the server; it has been logged.")
        )
