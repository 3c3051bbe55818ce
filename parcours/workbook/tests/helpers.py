"""Building small workbooks for the tests."""

import datetime
import io

from openpyxl import Workbook, load_workbook

from parcours.workbook.format import SHEETS, normalised, sheet_names

D = datetime.date


def workbook_bytes(sheets: dict[str, list[list]], *, headers: dict | None = None) -> bytes:
    """An .xlsx with a sheet per entry: the format's headers (or ``headers[name]``), then
    the rows."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append((headers or {}).get(name) or [column.name for column in SHEETS.get(name, ())])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sample_sheets() -> dict[str, list[list]]:
    """A small valid programme: three people, two groups, exits, assessments, sessions
    led by the team and a partner, attendance."""
    return {
        "participants": [
            [
                "P-001",
                "Haddad",
                "Amina",
                "F",
                D(1985, 7, 30),
                "MA",
                "BE",
                "85073003328",
                "primary",
                "no",
                "no",
                "2014-03",
                "weak",
                "fle",
            ],
            [
                "P-002",
                "Dupont",
                "Jean",
                "M",
                "1970-01-15",
                "BE",
                "BE",
                None,
                "upper_secondary",
                "yes",
                "yes",
                None,
                "native",
                "none",
            ],
            [
                "P-003",
                "Nsimba",
                "Grace",
                "X",
                D(1992, 2, 29),
                "CD",
                None,
                None,
                None,
                None,
                None,
                D(2020, 6, 15),
                "medium",
                "literacy",
            ],
        ],
        "groups": [
            ["Remobilisation 2024-A", "remobilisation", D(2024, 1, 8), D(2024, 10, 31)],
            ["Immersion 2024", "immersion", "2024-09-02", "2025-08-29"],
        ],
        "enrolments": [
            [
                "P-001",
                "Remobilisation 2024-A",
                D(2024, 1, 8),
                D(2024, 10, 31),
                "professional_project",
                "qualifying_training",
            ],
            ["P-002", "Remobilisation 2024-A", D(2024, 1, 8), D(2024, 3, 15), "dropout", "health"],
            ["P-003", "Remobilisation 2024-A", D(2024, 1, 8), D(2024, 8, 30), "extension", None],
            ["P-003", "Immersion 2024", D(2024, 9, 2), None, None, None],
        ],
        "assessments": [
            ["P-001", "Remobilisation 2024-A", "entry", D(2024, 1, 15), 75, 2, 3, 1, 2, 2, 3, 1],
            ["P-001", "Remobilisation 2024-A", "end", D(2024, 10, 25), "60", 3, 3, 4, 2, 3, 3, 2],
            # Its duration was not recorded.
            [
                "P-003",
                "Remobilisation 2024-A",
                "entry",
                D(2024, 1, 16),
                None,
                1,
                None,
                2,
                3,
                2,
                2,
                1,
            ],
        ],
        "sessions": [
            [
                "Citoyenneté",
                "educational",
                "team",
                None,
                "Remobilisation 2024-A",
                D(2024, 3, 5),
                "13:30",
                "16:30",
                "no",
            ],
            [
                "Couture",
                "cultural",
                "partner",
                "ASBL Fil Rouge",
                "Remobilisation 2024-A;Immersion 2024",
                D(2024, 9, 10),
                datetime.time(14, 0),
                "16:00",
                None,
            ],
            [
                "Citoyenneté",
                "educational",
                "team",
                None,
                "Remobilisation 2024-A",
                D(2024, 3, 12),
                "13:30",
                "16:30",
                "yes",
            ],
        ],
        "attendance": [
            ["P-001", "Citoyenneté", D(2024, 3, 5), "13:30", "present"],
            ["P-002", "Citoyenneté", D(2024, 3, 5), "13:30", "absent"],
            ["P-003", "Citoyenneté", D(2024, 3, 5), "13:30", "excused"],
            ["P-003", "Couture", D(2024, 9, 10), "14:00", "late"],
        ],
    }


def read_back(content: bytes, *, by_title: bool = False) -> dict[str, list[tuple]]:
    """The values of every sheet of a workbook, header included, by the sheet's code name
    (the title of a sheet the format has not), or by its title."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        (name if by_title else sheet_names().get(normalised(name), name)): list(
            book[name].iter_rows(values_only=True)
        )
        for name in book.sheetnames
    }
