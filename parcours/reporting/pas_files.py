"""The PAS justification's files: a workbook with a summary sheet and one sheet per part,
and an A4 landscape PDF with the same tables. Both read the lines through
``pas_report.COLUMNS``; amounts are numbers (two decimals), never text."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parcours.core.exports import xlsx_row
from parcours.core.pdf import render_pdf
from parcours.reporting.charts import format_number
from parcours.reporting.pas_report import as_number, columns_of
from parcours.reporting.pdf import css_string

MONEY_FORMAT = "#,##0.00"
BOLD = Font(bold=True)


def _summary_rows(report):
    """(label, value per part A, B, C, whole) for the summary sheet and the PDF."""
    parts = list(report.parts.values())
    rows = [
        (_("Amount of the part"), [part.amount for part in parts], report.amount),
        (_("Expenses justified"), [part.spent for part in parts], report.spent),
        (
            _("Left to justify"),
            [part.remaining for part in parts],
            report.amount - report.spent,
        ),
        (_("Staff costs"), [part.staff_costs for part in parts], None),
        (_("Staff costs allowed (10 %)"), [part.staff_cap for part in parts], None),
        (_("Staff costs still allowed"), [part.staff_headroom for part in parts], None),
    ]
    return [(label, [*values, whole]) for label, values, whole in rows]


def _sheet_title(part) -> str:
    return (_("Part %(part)s") % {"part": part.part})[:31]


def _append_part(workbook, part):
    sheet = workbook.create_sheet(_sheet_title(part))
    sheet.append(xlsx_row(sheet, [str(part.label)]))
    sheet["A1"].font = Font(bold=True, size=13)
    columns = columns_of(part.part)
    sheet.append(xlsx_row(sheet, [str(header) for header, _get in columns]))
    for cell in sheet[2]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line in part.lines:
        sheet.append(xlsx_row(sheet, [as_number(get(line)) for _header, get in columns]))
    sheet.append(xlsx_row(sheet, [as_number(get(part.total_line)) for _header, get in columns]))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = MONEY_FORMAT
    sheet.column_dimensions["A"].width = 36
    return sheet


def pas_xlsx(report) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append(xlsx_row(summary, [report.title()]))
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(xlsx_row(summary, [report.organisation.name]))
    summary.append(xlsx_row(summary, [_("Figures as of"), report.as_of]))
    summary["B3"].number_format = "DD/MM/YYYY"
    summary.append(
        xlsx_row(summary, [_("Grants"), ", ".join(grant.name for grant in report.grants)])
    )
    summary.append([])
    summary.append(
        xlsx_row(summary, ["", *(str(part.label) for part in report.parts.values()), _("Total")])
    )
    for cell in summary[summary.max_row]:
        cell.font = BOLD
    for label, values in _summary_rows(report):
        summary.append(xlsx_row(summary, [label, *(as_number(value) for value in values)]))
        for cell in summary[summary.max_row][1:]:
            cell.number_format = MONEY_FORMAT
    summary.column_dimensions["A"].width = 32
    for part in report.parts.values():
        _append_part(workbook, part)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _printed(value) -> str:
    """A cell as printed: money and hours with two decimals, counts whole."""
    if isinstance(value, Decimal | float):
        return format_number(value, 2)
    if isinstance(value, int):
        return format_number(value)
    return "" if value is None else str(value)


def _part_table(part) -> dict:
    columns = columns_of(part.part)
    return {
        "label": part.label,
        "headers": [header for header, _get in columns],
        "rows": [[_printed(get(line)) for _header, get in columns] for line in part.lines],
        "totals": [_printed(get(part.total_line)) for _header, get in columns],
    }


def pas_pdf(report) -> bytes:
    title = report.title()
    footer = f"{report.organisation.name} · {title}"
    context = {
        "title": title,
        "organisation": report.organisation.name,
        "as_of": date_format(report.as_of, "DATE_FORMAT"),
        "grants": ", ".join(grant.name for grant in report.grants),
        "part_labels": [part.label for part in report.parts.values()],
        "summary": [
            (label, [_printed(value) for value in values])
            for label, values in _summary_rows(report)
        ],
        "parts": [_part_table(part) for part in report.parts.values()],
        "footer_left": css_string(footer),
        "footer_page": css_string(_("Page")),
        "printed_on": date_format(timezone.localdate(), "DATE_FORMAT"),
    }
    return render_pdf("funding/pas_report_pdf.html", context)
