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
from django.utils.translation import ngettext
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from parcours.audit.versions import StaleVersion

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


def _choices(expected: str) -> str:
    # pydantic lists the choices as "'a', 'b' or 'c'": the last separator is English.
    return ", ".join(expected.rsplit(" or ", 1))


def _families():
    """The message of each family of pydantic's error types (the type's first word):
    the same message whatever the type's detail (a string that is no number, a float
    given for an integer...)."""
    return {
        "int": _("Enter a whole number."),
        "float": _("Enter a number."),
        "decimal": _("Enter a number."),
        "finite": _("Enter a number."),
        "bool": _("Enter true or false."),
        "date": _("Enter a date written YYYY-MM-DD."),
        "datetime": _("Enter a date and time written YYYY-MM-DDTHH:MM:SS."),
        "time": _("Enter a time written HH:MM."),
        "json": _("The body of the request is not valid JSON."),
        "list": _("Give a list."),
        "tuple": _("Give a list."),
        "set": _("Give a list."),
        "dict": _("Give an object."),
        "model": _("Give an object."),
        "dataclass": _("Give an object."),
    }


def validation_message(error: dict) -> str:
    """A pydantic error (its ``type`` and ``ctx``) as a message in the active language:
    pydantic's own ``msg`` is English only."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("A value is required.")
    if kind in ("string_type", "string_sub_type", "string_unicode"):
        return _("Enter a text.")
    if kind == "string_too_short":
        n = ctx["min_length"]
        message = ngettext(
            "Enter at least %(count)d character.", "Enter at least %(count)d characters.", n
        )
        return message % {"count": n}
    if kind == "string_too_long":
        n = ctx["max_length"]
        message = ngettext(
            "Enter at most %(count)d character.", "Enter at most %(count)d characters.", n
        )
        return message % {"count": n}
    if kind == "string_pattern_mismatch":
        return _("This value does not have the expected form (%(pattern)s).") % {
            "pattern": ctx.get("pattern", "")
        }
    if kind == "too_short":
        n = ctx["min_length"]
        message = ngettext("Give at least %(count)d item.", "Give at least %(count)d items.", n)
        return message % {"count": n}
    if kind == "too_long":
        n = ctx["max_length"]
        message = ngettext("Give at most %(count)d item.", "Give at most %(count)d items.", n)
        return message % {"count": n}
    if kind == "decimal_max_digits":
        n = ctx["max_digits"]
        message = ngettext("Enter at most %(count)d digit.", "Enter at most %(count)d digits.", n)
        return message % {"count": n}
    if kind == "decimal_max_places":
        n = ctx["decimal_places"]
        message = ngettext(
            "Enter at most %(count)d decimal place.", "Enter at most %(count)d decimal places.", n
        )
        return message % {"count": n}
    limits = {
        "greater_than": (_("Enter a value greater than %(limit)s."), "gt"),
        "greater_than_equal": (_("Enter a value of at least %(limit)s."), "ge"),
        "less_than": (_("Enter a value less than %(limit)s."), "lt"),
        "less_than_equal": (_("Enter a value of at most %(limit)s."), "le"),
        "multiple_of": (_("Enter a multiple of %(limit)s."), "multiple_of"),
    }
    if kind in limits:
        message, key = limits[kind]
        return message % {"limit": ctx.get(key, "")}
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {
            "choices": _choices(str(ctx.get("expected", "")))
        }
    if kind == "extra_forbidden":
        return _("This field is not expected.")
    return _families().get(kind.split("_", 1)[0]) or _("This value is not valid.")


def _location(loc) -> str:
    """Where a value was refused, as the forms' messages say it (``body.name``): ninja
    puts the body parameter's own name after ``body`` (``body.body.name``)."""
    parts = [str(part) for part in loc]
    if parts[:2] == ["body", "body"]:
        parts = parts[1:]
    return ".".join(parts)


def _validation_errors(exc: NinjaValidationError) -> list[dict]:
    # Where and what, without echoing the value sent (it may be anything).
    return [
        {
            "location": _location(error.get("loc", ())),
            "message": validation_message(error),
        }
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
        if detail.startswith("Cannot parse request body"):
            # ninja's own message, for a body that is not JSON.
            detail = _("The body of the request is not valid JSON.")
        return problem_response(request, exc.status_code, detail=detail)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(
            request, 500, detail=_("Something went wrong on the server; it has been logged.")
        )
