"""The report as a print-quality PDF (WeasyPrint): A4, in the active language (the
caller chooses it, French by default), the tables of ``report_tables`` with their
definitions, and the charts of ``charts.py``."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation
from parcours.core.pdf import render_pdf
from parcours.reporting.charts import (
    evolution_chart,
    format_number,
    format_pct,
    improvement_chart,
    outcomes_chart,
)
from parcours.reporting.disclosure import Masked, export_tables, has_masked_cells
from parcours.reporting.figures import DEFINITIONS_VERSION, Report


def format_cell(value, kind: str) -> str:
    """A table cell as printed: "41,7 %", "1 180,50", "39,4", a dash for none."""
    if kind == "label" or isinstance(value, Masked):
        return "" if value is None else str(value)
    if kind == "pct":
        return format_pct(value)
    if kind == "hours":
        return format_number(value, 2)
    if isinstance(value, float) and not value.is_integer():
        return format_number(value, 1)
    return format_number(value)


def _date(value: str) -> str:
    return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")


def _period(figures: dict) -> dict:
    if "year" in figures:
        return {
            "title": _("Yearly report %(year)s") % {"year": figures["year"]},
            "period": _("Year %(year)s, figures as of %(as_of)s")
            % {"year": figures["year"], "as_of": _date(figures["as_of"])},
        }
    return {
        "title": _("Report for the period"),
        "period": _("From %(first)s to %(last)s, figures as of %(as_of)s")
        % {
            "first": _date(figures["first"]),
            "last": _date(figures["last"]),
            "as_of": _date(figures["as_of"]),
        },
    }


def _key_figures(tables: dict) -> list[dict]:
    """The figures of the first page, read from the tables (so hidden with them)."""
    shown = (
        (_("Participants"), "characteristics", "participants", "count", format_number),
        (_("Exits"), "results", "exits", "count", format_number),
        (_("Workshop hours"), "hours", "total", "hours", lambda v: format_number(v, 2)),
        (_("Women"), "characteristics", "women", "pct", format_pct),
        (_("Born outside the EU"), "characteristics", "non_eu", "pct", format_pct),
        (
            _("Average age (years)"),
            "characteristics",
            "average_age",
            "count",
            lambda v: format_number(v, 1),
        ),
    )
    figures = []
    for label, table, row, column, write in shown:
        value = tables[table].cell(row, column)
        figures.append(
            {"label": label, "value": str(value) if isinstance(value, Masked) else write(value)}
        )
    return figures


def _tables(tables: list, charts: dict) -> list[dict]:
    return [
        {
            "key": table.key,
            "title": table.title,
            "definition": table.definition,
            "columns": [
                {"label": column.label, "numeric": column.kind != "label"}
                for column in table.columns
            ],
            "rows": [
                [
                    {
                        "text": format_cell(row.cells.get(column.key), column.kind),
                        "numeric": column.kind != "label",
                    }
                    for column in table.columns
                ]
                for row in table.rows
            ],
            "total": table.key == "work_share",
            # A chart of a table with hidden cells would draw them back.
            "chart": None if has_masked_cells(table) else charts.get(table.key),
        }
        for table in tables
    ]


def _charts(report: Report) -> dict:
    """Each chart with its caption, keyed by the table it illustrates (printed with it)."""
    charts = {
        "results": {
            "title": _("Outcomes of the exits of the year"),
            "svg": outcomes_chart(report),
        },
        "improvement": {"title": _("Improvement by domain"), "svg": improvement_chart(report)},
    }
    if "evolution" in report.figures:
        charts["evolution"] = {
            "title": _("Evolution of participants and workshop hours"),
            "svg": evolution_chart(report),
        }
    return charts


def _closing(report: Report):
    closing = report.closing
    if closing is None:
        return None
    return {
        "version": closing.definitions_version,
        "closed_at": date_format(timezone.localtime(closing.closed_at), "DATE_FORMAT")
        if closing.closed_at
        else "",
        "closed_by": str(closing.closed_by) if closing.closed_by_id else "",
    }


def css_string(text) -> str:
    """``text`` for a CSS string in a <style> block (raw text: no HTML escaping there)."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("<", "\\3c ").replace("\n", " ")


def report_context(report: Report, *, for_funder: bool = False) -> dict:
    figures = report.figures
    tables = export_tables(report, for_funder=for_funder)
    organisation = (
        Organisation.objects.filter(slug=figures["organisation"]).values_list("name", flat=True)
    ).first() or figures["organisation"]
    closing = _closing(report)
    period = _period(figures)
    version = closing["version"] if closing else DEFINITIONS_VERSION
    footer = _("%(organisation)s · %(title)s · definitions %(version)s") % {
        "organisation": organisation,
        "title": period["title"],
        "version": version,
    }
    return {
        "organisation": organisation,
        **period,
        "footer_left": css_string(footer),
        "footer_page": css_string(_("Page")),
        "scope_label": report.scope_label,
        "closing": closing,
        "key_figures": _key_figures({table.key: table for table in tables}),
        "tables": _tables(tables, _charts(report)),
        "version": version,
        "printed_on": date_format(timezone.localdate(), "DATE_FORMAT"),
    }


def report_pdf(report: Report, *, for_funder: bool = False) -> bytes:
    """The report as an A4 PDF, in the active language; small counts hidden for a
    funder (``disclosure``)."""
    return render_pdf("reporting/report_pdf.html", report_context(report, for_funder=for_funder))
