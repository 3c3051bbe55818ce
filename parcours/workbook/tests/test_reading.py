"""The workbook reader: cell types as Excel and LibreOffice store them, row numbers as
Excel shows them."""

import datetime
import io

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from parcours.workbook.export import export_workbook
from parcours.workbook.format import SHEETS
from parcours.workbook.reading import read_workbook
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes


def _book(rows, *, epoch=None, gaps=False):
    book = Workbook()
    if epoch:
        book.epoch = epoch
    sheet = book.active
    sheet.title = "participants"
    sheet.append([column.name for column in SHEETS["participants"]])
    for offset, row in enumerate(rows):
        line = 2 + offset * (3 if gaps else 1)
        for index, value in enumerate(row, start=1):
            sheet.cell(row=line, column=index, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PERSON = ["P-1", "Haddad", "Amina", "F", datetime.date(1985, 7, 30)]


def test_cells_of_every_type():
    row = [*PERSON, "ma", None, 85073003328, "PRIMARY", None, True, "2014-03"]
    read = read_workbook(_book([row]))
    assert read.problems == []
    values = read.sheets["participants"].rows[0].values
    assert values["birth_date"] == datetime.date(1985, 7, 30)
    assert values["birth_country"] == "MA"
    assert values["niss"] == "85073003328"
    assert values["qualification_level"] == "primary"
    assert values["never_worked"] is True
    assert values["inactive_since"] == (datetime.date(2014, 3, 1), True)


def test_dates_of_the_1904_calendar():
    read = read_workbook(_book([PERSON], epoch=CALENDAR_MAC_1904))
    assert read.sheets["participants"].rows[0].values["birth_date"] == datetime.date(1985, 7, 30)


def test_rows_are_numbered_as_excel_shows_them():
    """Empty lines between rows are skipped, and errors keep Excel's row numbers."""
    bad = ["P-2", "Dupont", "Jean", "M", "someday"]
    read = read_workbook(_book([PERSON, bad], gaps=True))
    assert [row.number for row in read.sheets["participants"].rows] == [2, 5]
    assert [(p.row, p.column) for p in read.problems] == [(5, "birth_date")]


def test_times_as_real_times_and_as_text():
    sheets = sample_sheets()
    sheets["sessions"][0][6] = datetime.time(13, 30)
    sheets["sessions"][0][7] = "16h30"
    read = read_workbook(workbook_bytes(sheets))
    assert read.problems == []
    session = read.sheets["sessions"].rows[0].values
    assert (session["start_time"], session["end_time"]) == (
        datetime.time(13, 30),
        datetime.time(16, 30),
    )


@pytest.mark.django_db
def test_the_export_reads_back(organisation, coordinator):
    """The export writes inline strings (write-only mode); the reader takes them."""
    from parcours.workbook.importer import import_workbook

    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)
    read = read_workbook(export_workbook(organisation))
    assert read.problems == []
    assert len(read.sheets["attendance"].rows) == 4
