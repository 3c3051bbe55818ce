"""Cursor pagination: pages in the order of the records' ids, which never changes, each
with the cursor of the next one. The cursor is opaque to the caller (it is the last id
of the page, encoded): a page read later starts where the last one ended even when
records were added meanwhile, which an offset cannot promise."""

import base64
import binascii
import json

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import create_model

from parcours.api.errors import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(last_pk: int) -> str:
    raw = json.dumps({"after": last_pk}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        after = None
    if type(after) is not int or after < 0:
        raise ApiProblem(400, "bad-cursor", _("This cursor was not given by the API."))
    return after


def paginate(queryset, *, cursor: str | None, limit: int):
    """The page after ``cursor`` (the first page without one) and the next cursor, None
    on the last page. One query: one row more than the page tells whether there is more."""
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].pk) if more else None)


def page_of(item_schema, name: str):
    """The schema of one page of ``item_schema``."""
    return create_model(
        name,
        __base__=Schema,
        items=(list[item_schema], ...),
        next_cursor=(str | None, None),
    )
