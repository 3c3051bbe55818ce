"""The federation's figures as a workbook: the tables side by side of the analyst's page,
one sheet each, with the same suppressed cells (``< 5``, masked) as the page. Numbers are
written as numbers (values, never formulas), the rest as text; the sheet names and the
headers are in the active language."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parcours.core.exports import sheet_name, xlsx_row
from parcours.reporting.disclosure import Masked
from parcours.reporting.exports import xlsx_figure

SUPPRESSION_NOTE = gettext_noop(
    "Counts of 1 to 4 people are shown “< 5”; cells that would give them away are masked."
)


def _cell(value):
    return str(value) if isinstance(value, Masked) else value


def _format(cell, kind: str) -> None:
    if isinstance(cell.value, float) and kind == "number":  # the average age
        cell.number_format = "0.0"
    else:
        xlsx_figure(cell, kind)


def federation_xlsx(report) -> bytes:
    """A first sheet naming the federation, the year and the CPAS shown, then one sheet
    per table: a line per figure, the federation's total then one column per CPAS."""
    workbook = Workbook()
    about = workbook.active
    taken: set = set()
    about.title = sheet_name(_("Federation"), taken)
    about.append(xlsx_row(about, [str(report.federation)]))
    about["A1"].font = Font(bold=True, size=14)
    about.append(
        xlsx_row(
            about,
            [_("Year %(year)s as of %(as_of)s") % {"year": report.year, "as_of": report.as_of}],
        )
    )
    about.append(xlsx_row(about, [_(SUPPRESSION_NOTE)]))
    about.append([])
    about.append([_("CPAS")])
    about["A5"].font = Font(bold=True)
    for member in report.shown:
        about.append(xlsx_row(about, [member.name]))
    about.column_dimensions["A"].width = 60
    headers = [_("Figure"), _("Measure"), _("Federation")] + [m.name for m in report.shown]
    for table in report.side_by_side:
        sheet = workbook.create_sheet(sheet_name(table.title, taken))
        sheet.append(xlsx_row(sheet, [table.title]))
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(xlsx_row(sheet, headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append(xlsx_row(sheet, [row.label, row.measure] + [_cell(v) for v in row.cells]))
            for cell in sheet[sheet.max_row][2:]:
                _format(cell, row.kind)
        sheet.column_dimensions["A"].width = 44
        sheet.column_dimensions["B"].width = 24
        sheet.freeze_panes = "C3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
