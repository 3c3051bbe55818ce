"""The shapes of the funders, the grants and the funders' reports, as the OpenAPI schema
documents them."""

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from parcours.api.pagination import page_of


class Funder(Schema):
    id: int
    name: str
    kind: str
    needs_names: bool = Field(
        description="Whether the funder's report packs name the participants (else a pseudonym)."
    )
    version: int


class Grant(Schema):
    id: int
    name: str
    funder_id: int
    funder_name: str
    funder_kind: str
    start_date: datetime.date
    end_date: datetime.date
    amount: Decimal = Field(description="In euros, as text with two decimals.")
    charged_hours: float = Field(
        description="The hours of the sessions held so far charged to the grant, as on the "
        "grant list."
    )
    version: int


class MonthOfHours(Schema):
    month: datetime.date = Field(description="The first day of the month.")
    sessions: int
    hours: float
    charged_hours: float


class GrantDetail(Grant):
    months: list[MonthOfHours] = Field(
        description="The sessions held so far with a part charged to the grant, by month, "
        "as on the grant's page."
    )


class HiddenCell(Schema):
    """A count a funder's file does not show: a small one (``small-count``, 1 to 4
    people) or one that would let it be computed back (``complement``)."""

    masked: Literal["small-count", "complement"]


class ReportColumn(Schema):
    key: str
    label: str
    kind: str = Field(description='"label", "number", "pct" or "hours".')


class ReportRow(Schema):
    key: str
    cells: dict[str, HiddenCell | int | float | str | None]


class ReportTable(Schema):
    key: str
    title: str
    definition: str
    columns: list[ReportColumn]
    rows: list[ReportRow]


class GrantReport(Schema):
    """The figures of the grant's report pack: its report files' tables, with the small
    counts hidden as in the files, and its hours charged by month."""

    grant_id: int
    first: datetime.date
    last: datetime.date
    as_of: datetime.date
    scope: str
    tables: list[ReportTable]
    months: list[MonthOfHours]


class PasJustification(Schema):
    """The PAS grant's yearly justification, as its JSON download gives it: the three
    parts (A, B, C) with their amounts, what was spent by category of expense and the
    lines of each part's sheet."""

    organisation: str
    year: int
    as_of: datetime.date
    grants: list[str]
    amount: float
    spent: float
    parts: dict[str, dict[str, Any]]


class EsfIndicators(Schema):
    """The ESF+ common indicators of the grant's people (docs/statistics.md): each
    indicator's code with its count, in all and by gender."""

    grant_id: int
    year: int
    first: datetime.date
    last: datetime.date
    as_of: datetime.date
    indicators: dict[str, dict[str, int]] = Field(
        description='By code ("EECO01"...): {"total", "women", "men", "non_binary"}.'
    )


FunderPage = page_of(Funder, "FunderPage")
GrantPage = page_of(Grant, "GrantPage")
