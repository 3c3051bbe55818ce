"""Cells that cannot turn into formulas, in every CSV and XLSX the application writes."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from parcours.core.exports import is_formula_like, safe_cell, xlsx_row
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.grant_pack import grant_pack
from parcours.workbook.export import export_workbook
from parcours.workbook.importer import import_workbook

EVIL = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    "text", [EVIL, "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1", "-a", "+", "-"]
)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text):
    assert is_formula_like(text)
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Dupont", "", "12", "-1,50", "-3", "+32 2 555 12 12", "50,00 %", -3, 2.5, None]
)
def test_plain_text_and_numbers_are_left_as_they_are(value):
    assert not is_formula_like(value)
    assert safe_cell(value) == value


def test_an_xlsx_cell_keeps_the_exact_text_and_is_no_formula():
    book = Workbook()
    sheet = book.active
    sheet.append(xlsx_row(sheet, [EVIL, -3, "Dupont"]))
    out = io.BytesIO()
    book.save(out)
    cells = load_workbook(io.BytesIO(out.getvalue())).active[1]
    assert (cells[0].value, cells[0].data_type, cells[0].quotePrefix) == (EVIL, "s", True)
    assert (cells[1].value, cells[1].data_type) == (-3, "n")
    assert cells[2].value == "Dupont"


def _assert_text_cells(workbook_bytes):
    found = 0
    for sheet in load_workbook(io.BytesIO(workbook_bytes)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if cell.value == EVIL:
                    assert cell.data_type == "s"
                    found += 1
    return found


@pytest.fixture
def evil_programme(organisation):
    group = GroupFactory(
        organisation=organisation,
        name="@Groupe",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 6, 30),
    )
    person = ParticipantFactory(
        organisation=organisation, reference="P-666", last_name=EVIL, first_name="-Eve"
    )
    EnrolmentFactory(participant=person, group=group, start_date=datetime.date(2026, 1, 5))
    return group


def test_the_workbook_export_writes_formula_like_names_as_text_and_reads_them_back(
    evil_programme, organisation, coordinator, other_organisation
):
    exported = export_workbook(organisation)
    assert _assert_text_cells(exported) == 1
    import_workbook(exported, organisation=other_organisation, by=coordinator)
    copy = Participant.objects.get(organisation=other_organisation, reference="P-666")
    assert (copy.last_name, copy.first_name) == (EVIL, "-Eve")


def test_the_grant_pack_neutralises_names_in_its_csv_and_writes_its_workbook_as_text(
    evil_programme, organisation
):
    funder = Funder.objects.create(
        organisation=organisation, name="Funder", kind="esf", needs_names=True
    )
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="=Grant",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal("1000"),
    )
    GroupCharge.objects.create(grant=grant, group=evil_programme, share=Decimal("100"))
    archive = zipfile.ZipFile(io.BytesIO(grant_pack(grant, as_of=datetime.date(2026, 12, 31))))
    rows = list(
        csv.reader(io.StringIO(archive.read("participants.csv").decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][:3] == ["P-666", "'" + EVIL, "'-Eve"]
    assert rows[1][5] == "'@Groupe"
    for name in archive.namelist():
        if name.endswith(".csv"):
            text = io.StringIO(archive.read(name).decode("utf-8-sig"))
            for row in csv.reader(text, delimiter="," if name == "rapport.csv" else ";"):
                assert not any(is_formula_like(cell) for cell in row)
    _assert_text_cells(archive.read("rapport.xlsx"))
