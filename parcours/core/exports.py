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

import csv
import io
import re

from django.utils import formats
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


def spreadsheet_csv(header, rows) -> str:
    """A CSV file as a Belgian office's spreadsheet opens it with a double click: ``;``
    between cells (the list separator of French and Dutch Windows, where a comma is the
    decimal mark), a byte-order mark so that the accents are read as UTF-8, CRLF line
    ends, and ``safe_cell`` text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return "\ufeff" + out.getvalue()


def local_number(value, decimal_pos=None) -> str:
    """A number written as the active language's spreadsheet reads it (``12,5`` in French
    and Dutch, ``12.5`` in English), without a thousands separator."""
    return formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True)


SHEET_NAME_LENGTH = 31  # Excel's limit
FORBIDDEN_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def sheet_name(title, taken: set) -> str:
    """``title`` as a sheet name: without the characters Excel refuses, at most 31
    characters, made unique (whatever the case, as Excel compares them) by a number when
    two titles begin alike. ``taken`` holds the names given so far."""
    base = str(title).translate(FORBIDDEN_IN_SHEET_NAMES).strip()[:SHEET_NAME_LENGTH]
    name, number = base, 2
    while name.casefold() in taken:
        suffix = f" {number}"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name.casefold())
    return name
