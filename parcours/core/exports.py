"""Cells that cannot turn into formulas, for every CSV and XLSX file the application writes.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
after a tab or a carriage return) as a formula: a participant named
``=HYPERLINK("http://x","y")`` would become a link, or worse, in the file a coordinator
opens. Text is therefore neutralised where it is written:

- in CSV, by a leading apostrophe (what spreadsheets themselves use to mark text), since
  a CSV file cannot say that a cell is text;
- in XLSX, by storing the cell as text (openpyxl's data type ``s``) with the "quote
  prefix" style, so the file keeps the exact string (the workbook importer reads back
  what the export wrote) and no spreadsheet makes a formula of it, even when the cell is
  edited.

Numbers stay numbers, and so does text that is only a number (``-1,50``, a phone number
``+32 2 555 12 12``): a spreadsheet reads those as values, never as formulas.
"""

import re

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[\d\s.,\u00a0\u202f]*\d[\d\s.,\u00a0\u202f]*%?")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet could take ``value`` for a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and _NUMBER.fullmatch(value) is None
    )


def safe_cell(value):
    """``value`` for a CSV file: formula-like text behind an apostrophe, the rest as is."""
    if is_formula_like(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A CSV row of ``safe_cell`` values."""
    return [safe_cell(value) for value in values]


def xlsx_text(cell):
    """Mark an openpyxl cell holding formula-like text as text; return the cell."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_row(sheet, values) -> list:
    """A row for ``sheet.append`` whose formula-like text is written as text. Works for
    write-only sheets and ordinary ones alike (both take cells in ``append``)."""
    return [
        xlsx_text(WriteOnlyCell(sheet, value=value)) if is_formula_like(value) else value
        for value in values
    ]
