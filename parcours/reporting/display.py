"""The yearly report's tables as the pages show them (the report page and the federation's),
cell by cell: French formats, the small counts masked, a link to the people behind a cell."""

from django.utils.http import urlencode

from parcours.reporting import charts
from parcours.reporting.disclosure import Masked

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def format_cell(value, kind: str) -> str:
    """A cell as the page shows it: French formats, a dash for none."""
    if kind == "label":
        return "" if value is None else str(value)
    if isinstance(value, Masked):
        return str(value)
    if kind == "pct":
        return charts.format_pct(value)
    if kind == "hours":
        return charts.format_number(value, 2)
    if isinstance(value, float):  # the average age
        return charts.format_number(value, 1)
    return charts.format_number(value)


def display_table(table, *, people_url: str | None, params: dict) -> dict:
    rows = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = row.cells.get(column.key)
            key = row.drilldown.get(column.key)
            href = None
            if people_url and key and value:
                href = f"{people_url}?{urlencode({'key': key, **params})}"
            cells.append(
                {
                    "ref": f"{table.key}:{row.key}:{column.key}",
                    "text": format_cell(value, column.kind),
                    "header": column.kind == "label",
                    "numeric": column.kind != "label",
                    "href": href,
                }
            )
        rows.append({"key": row.key, "cells": cells})
    return {
        "key": table.key,
        "title": table.title,
        "definition": table.definition,
        "columns": [
            {"key": c.key, "label": c.label, "numeric": c.kind != "label"} for c in table.columns
        ],
        "rows": rows,
    }
