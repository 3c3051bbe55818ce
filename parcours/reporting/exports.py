"""The report as files: CSV and XLSX, both written from ``report_tables`` (the PDF is in
``pdf.py``), as a French or Dutch office opens them: the CSV ``;`` separated with the
decimal mark of the language, the workbook with its sheets named in the language and its
percentages formatted as such, the figures as real numbers."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parcours.core.exports import local_number, sheet_name, spreadsheet_csv, xlsx_row
from parcours.reporting.disclosure import Masked, export_tables
from parcours.reporting.figures import Report

NUMBER_FORMATS = {"number": "0", "pct": "0.0%", "hours": "0.00"}


def report_csv(report: Report, *, for_funder: bool = False) -> str:
    """One row per figure: the table, row and column codes (the same in every language,
    for a program), the figure's label and its value in the active language (empty for
    none); small counts hidden for a funder (``disclosure``)."""
    header = [_("Table"), _("Row"), _("Column"), _("Label"), _("Value")]
    rows = []
    for table in export_tables(report, for_funder=for_funder):
        for row in table.rows:
            for column in table.columns:
                if column.kind == "label":
                    continue
                value = row.cells.get(column.key)
                rows.append(
                    [
                        table.key,
                        row.key,
                        column.key,
                        f"{row.cells.get('label', '')} · {column.label}",
                        _csv_value(value),
                    ]
                )
    return spreadsheet_csv(header, rows)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Masked):
        return str(value)
    return local_number(value)


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
    names = sheet_names(tables, taken={about.title.casefold()})
    for table in tables:
        about.append(xlsx_row(about, [names[table.key], str(table.definition)]))
    about.column_dimensions["A"].width = 36
    about.column_dimensions["B"].width = 120
    for table in tables:
        _add_sheet(workbook, table, names[table.key])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_names(tables, *, taken: set) -> dict:
    """Each table's sheet name, from its title in the active language."""
    return {table.key: sheet_name(table.title, taken) for table in tables}


def xlsx_figure(cell, kind: str) -> None:
    """Format a figure's cell: a percentage is stored as a fraction (12.5 % as 0.125)
    with the percent format, so that a spreadsheet computes with it as a percentage."""
    if kind == "pct" and isinstance(cell.value, int | float):
        cell.value = cell.value / 100
    if kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]


def _add_sheet(workbook, table, name):
    sheet = workbook.create_sheet(name)
    # The table's key as the sheet's code name (Excel's name for programs, not shown):
    # a program finds the sheet in every language.
    sheet.sheet_properties.codeName = table.key
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
            xlsx_figure(cell, column.kind)
    sheet.column_dimensions["A"].width = 44
    for letter in "BCDEFGHI":
        sheet.column_dimensions[letter].width = 16
    sheet.freeze_panes = "B3"
