"""Bad input gets a clear error naming its sheet, row and column, and writes nothing."""

import datetime
import io
import zipfile

import pytest

from parcours.participants.factories import ParticipantFactory
from parcours.workbook.importer import WorkbookInvalid, analyse_workbook, import_workbook
from parcours.workbook.tests.conftest import record_counts
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db


def _problems(organisation, content):
    """Import ``content``; it must fail, write nothing, and give its problems."""
    before = record_counts()
    with pytest.raises(WorkbookInvalid, match=r"^\d+ problems? in the workbook$") as failure:
        import_workbook(content, organisation=organisation, file_name="bad.xlsx")
    assert record_counts() == before
    return [(p.sheet, p.row, p.column, p.message) for p in failure.value.problems]


def _with(change):
    sheets = sample_sheets()
    change(sheets)
    return workbook_bytes(sheets)


def _set(sheet, row, column, value):
    """Set the cell of data row ``row`` (0 = the first row under the header)."""
    from parcours.workbook.format import SHEETS

    index = [c.name for c in SHEETS[sheet]].index(column)

    def change(sheets):
        line = sheets[sheet][row]
        line.extend([None] * (index + 1 - len(line)))
        line[index] = value

    return change


CELL_CASES = [
    # (sheet, data row, column, bad value, words of the message)
    ("participants", 1, "birth_date", "31/02/1990", "'31/02/1990' is not a date"),
    ("participants", 0, "birth_date", 12.5, "'12.5' is not a date"),
    ("participants", 0, "gender", "W", "'W' is not a value of this column"),
    ("participants", 0, "niss", "85073003327", "85073003327"),
    ("participants", 0, "birth_country", "Maroc", "not a country code"),
    ("participants", 0, "french_level", "fluent", "not a value"),
    ("participants", 0, "never_worked", "peut-être", "neither yes nor no"),
    ("participants", 0, "inactive_since", "2014-13", "neither a date"),
    ("participants", 0, "last_name", None, "This cell is required."),
    ("participants", 0, "reference", "x" * 41, "too long"),
    ("groups", 0, "process_type", "workshop", "not a value"),
    ("groups", 0, "end_date", datetime.date(2023, 1, 1), "comes before the start"),
    ("enrolments", 0, "exit_date", datetime.date(2023, 12, 1), "comes before the start"),
    ("enrolments", 0, "outcome", None, "An exit needs its outcome."),
    ("enrolments", 3, "outcome", "dropout", "An outcome needs its exit date."),
    ("enrolments", 0, "outcome_detail", "health", "is not a detail of the outcome"),
    ("enrolments", 0, "start_date", datetime.date(2024, 11, 4), "nobody can be enrolled in it"),
    ("enrolments", 0, "participant", "P-999", "Unknown participant 'P-999'"),
    ("enrolments", 0, "group", "Groupe fantôme", "Unknown group 'Groupe fantôme'"),
    ("assessments", 0, "moment", "final", "not a value"),
    ("assessments", 0, "health", 6, "not a rating from 1 to 5"),
    ("assessments", 0, "group", "Immersion 2024", "Unknown enrolment"),
    ("sessions", 0, "start_time", "25:00", "not a time"),
    ("sessions", 0, "end_time", "12:00", "is not after the start"),
    ("sessions", 0, "provider", "ASBL X", "names no provider"),
    ("sessions", 1, "provider", None, "Name the subcontractor or partner"),
    ("sessions", 0, "groups", "Remobilisation 2024-A;Inconnu", "Unknown group 'Inconnu'"),
    ("sessions", 2, "axis", "cultural", "has the axis educational on row 2"),
    ("sessions", 0, "cancelled", "maybe", "neither yes nor no"),
    ("attendance", 0, "status", "sick", "not a value"),
    ("attendance", 0, "participant", "P-404", "Unknown participant"),
    ("attendance", 0, "date", datetime.date(2024, 3, 6), "Unknown session"),
]


@pytest.mark.parametrize(("sheet", "row", "column", "value", "words"), CELL_CASES)
def test_bad_cell(organisation, sheet, row, column, value, words):
    problems = _problems(organisation, _with(_set(sheet, row, column, value)))
    # A missing exit date is reported where it is missing.
    reported = {"An outcome needs its exit date.": "exit_date", "Unknown session": "workshop"}.get(
        words, column
    )
    matching = [p for p in problems if p[0] == sheet and p[2] == reported]
    assert matching, problems
    _found_sheet, found_row, _found_column, message = matching[0]
    assert found_row == row + 2  # Excel's numbering: the header is row 1
    assert words in message


def test_the_message_reads_plainly(organisation):
    from parcours.workbook.importer import analyse_workbook

    plan = analyse_workbook(
        organisation, _with(_set("participants", 10 - 10, "birth_date", "31/02/1990"))
    )
    assert [str(p) for p in plan.problems] == [
        "Sheet participants, row 2, column birth_date: '31/02/1990' is not a date "
        "(write it as 2016-09-05)."
    ]


def test_every_error_is_listed_not_only_the_first(organisation):
    def change(sheets):
        sheets["participants"][0][3] = "W"
        sheets["groups"][1][3] = "not a date"
        sheets["attendance"][2][4] = "sick"

    problems = _problems(organisation, _with(change))
    assert [(p[0], p[1], p[2]) for p in problems] == [
        ("participants", 2, "gender"),
        ("groups", 3, "end_date"),
        ("attendance", 4, "status"),
    ]


@pytest.mark.parametrize(
    ("sheet", "row"),
    [("participants", 0), ("groups", 0), ("enrolments", 0), ("assessments", 0),
     ("sessions", 0), ("attendance", 0)],
)  # fmt: skip
def test_duplicate_keys(organisation, sheet, row):
    def change(sheets):
        sheets[sheet].append(list(sheets[sheet][row]))

    problems = _problems(organisation, _with(change))
    last = len(sample_sheets()[sheet]) + 2
    assert (sheet, last) in {(p[0], p[1]) for p in problems}
    assert any("repeats the key of row 2" in p[3] for p in problems)


def test_a_national_number_already_taken_by_another_participant(organisation):
    ParticipantFactory(organisation=organisation, reference="OLD-1", niss="85073003328")
    problems = _problems(organisation, workbook_bytes(sample_sheets()))
    assert problems == [
        (
            "participants",
            2,
            "niss",
            "The participant OLD-1 already has this national register number.",
        )
    ]


def test_missing_sheet(organisation):
    sheets = sample_sheets()
    del sheets["participants"]
    problems = _problems(organisation, workbook_bytes(sheets))
    assert ("participants", None, "", "This sheet is missing: it is required.") in problems


def test_missing_column(organisation):
    sheets = sample_sheets()
    headers = {"groups": ["name", "process_type", "start_date"]}
    sheets["groups"] = [row[:3] for row in sheets["groups"]]
    problems = _problems(organisation, workbook_bytes(sheets, headers=headers))
    assert ("groups", 1, "end_date", "This required column is missing.") in problems


def test_unknown_column_and_sheet(organisation):
    sheets = sample_sheets()
    sheets["notes"] = [["anything"]]
    headers = {
        "groups": ["name", "process_type", "start_date", "end_date", "colour"],
        "notes": ["note"],
    }
    problems = _problems(organisation, workbook_bytes(sheets, headers=headers))
    assert any(p[:3] == ("groups", 1, "colour") and "Unknown column" in p[3] for p in problems)
    assert any(p[0] == "notes" and "Unknown sheet" in p[3] for p in problems)


def test_optional_columns_may_be_left_out(organisation):
    sheets = {
        "participants": [["P-1", "Haddad", "Amina", "F", "1985-07-30"]],
    }
    headers = {"participants": ["reference", "last_name", "first_name", "gender", "birth_date"]}
    result = import_workbook(
        workbook_bytes(sheets, headers=headers), organisation=organisation, file_name="x.xlsx"
    )
    assert result.counts == {"participants": {"created": 1, "updated": 0, "unchanged": 0}}


@pytest.mark.parametrize(
    "content",
    [
        b"reference;last_name\nP-1;Haddad\n",  # a CSV
        b"",  # empty
        b"PK\x03\x04 not really a zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),  # an old .xls
    ],
)
def test_not_a_workbook(organisation, content):
    problems = _problems(organisation, content)
    assert len(problems) == 1
    assert "not an Excel workbook (.xlsx)" in problems[0][3]


def test_a_zip_that_is_not_a_workbook(organisation):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    problems = _problems(organisation, buffer.getvalue())
    assert "not an Excel workbook" in problems[0][3]


def test_a_damaged_workbook(organisation):
    content = workbook_bytes(sample_sheets())
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut in the middle of the XML
            out.writestr(item, data)
    problems = _problems(organisation, buffer.getvalue())
    assert "not an Excel workbook" in problems[0][3]


def test_a_huge_file(organisation, settings):
    settings.WORKBOOK_MAX_BYTES = 1024
    problems = _problems(organisation, workbook_bytes(sample_sheets()))
    assert problems[0][3].startswith("The file is too large")
    assert "the limit is 0 MB" in problems[0][3] or "limit" in problems[0][3]


def test_a_zip_bomb(organisation, settings):
    settings.WORKBOOK_MAX_UNCOMPRESSED_BYTES = 10_000
    problems = _problems(organisation, workbook_bytes(sample_sheets()))
    assert "too large once unpacked" in problems[0][3]


def test_an_analysis_writes_nothing(organisation):
    before = record_counts()
    plan = analyse_workbook(organisation, workbook_bytes(sample_sheets()))
    assert plan.ok
    assert record_counts() == before


def test_a_failure_while_writing_leaves_nothing(organisation, coordinator, monkeypatch):
    """Even a database error in the middle of the writing leaves no partial data."""
    from parcours.workbook import writing

    original = writing.write_plan

    def write_then_fail(plan, organisation, *, author):
        original(plan, organisation, author=author)
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "write_plan", write_then_fail)
    before = record_counts()
    with pytest.raises(RuntimeError, match=r"^disk full$"):
        import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)
    assert record_counts() == before
