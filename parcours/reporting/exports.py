"""The report as files: CSV and XLSX, both written from ``report_tables`` (the PDF is in
``pdf.py``), with the figures as real numbers."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parcours.core.exports import safe_row, xlsx_row
from parcours.reporting.disclosure import Masked, export_tables
from parcours.reporting.figures import Report

NUMBER_FORMATS = {"number": "0", "pct": "0.0", "hours": "0.00"}


def report_csv(report: Report, *, for_funder: bool = False) -> str:
    """One row per figure: table, row, column, value (dot decimals, empty for none);
    small counts hidden for a funder (``disclosure``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "label", "value"])
    for table in export_tables(report, for_funder=for_funder):
        for row in table.rows:
            for column in table.columns:
                if column.kind == "label":
                    continue
                value = row.cells.get(column.key)
                writer.writerow(
                    safe_row(
                        [
                            table.key,
                            row.key,
                            column.key,
                            f"{row.cells.get('label', '')} · {column.label}",
                            "" if value is None else _plain(value),
                        ]
                    )
                )
    return out.getvalue()


def _header(title, report: Report) -> list[str]:
    figures = report.figures
    if "year" in figures:
        period = _("Year %(year)s as of %(as_of)s") % figures
    else:
        period = _("%(first)s to %(last)s") % figures
    lines = [str(title), period]
    if report.scope_label:
        lines.append(report.scope_label)
    if report.closing is not None:
        lines.append(
            _("Closed figures (definitions %(version)s)")
            % {"version": report.closing.definitions_version}
        )
    return lines


def _plain(value):
    return str(value) if isinstance(value, Masked) else value


def report_xlsx(report: Report, *, for_funder: bool = False) -> bytes:
    """A workbook with one sheet per table (numbers as numbers) and a definitions sheet;
    small counts hidden for a funder (``disclosure``)."""
    tables = export_tables(report, for_funder=for_funder)
    workbook = Workbook()
    about = workbook.active
    about.title = _("Definitions")[:31]
    for line in _header(_("Yearly figures"), report):
        about.append(xlsx_row(about, [line]))
    about["A1"].font = Font(bold=True, size=14)
    about.append([])
    about.append([_("Sheet"), _("Definition")])
    for table in tables:
        about.append(xlsx_row(about, [table.key, str(table.definition)]))
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 120
    for table in tables:
        _add_sheet(workbook, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _add_sheet(workbook, table):
    sheet = workbook.create_sheet(table.key[:31])
    sheet.append(xlsx_row(sheet, [str(table.title)]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, [str(column.label) for column in table.columns]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        values = []
        for column in table.columns:
            value = row.cells.get(column.key)
            values.append(
                str(value) if column.kind == "label" and value is not None else _plain(value)
            )
        sheet.append(xlsx_row(sheet, values))
        for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
            if column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
    sheet.column_dimensions["A"].width = 44
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 16
    sheet.freeze_panes = "B3"
