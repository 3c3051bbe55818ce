"""The assessments' durations in the workbook: imported, exported, checked, and optional
for the workbooks made before they existed."""

import pytest

from parcours.assessments.models import Assessment
from parcours.workbook.export import export_workbook
from parcours.workbook.format import SHEETS
from parcours.workbook.importer import WorkbookInvalid, analyse_workbook, import_workbook
from parcours.workbook.tests.conftest import record_counts
from parcours.workbook.tests.helpers import read_back, sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db

HEADERS = [column.name for column in SHEETS["assessments"]]
WITHOUT_DURATION = [name for name in HEADERS if name != "duration_minutes"]


def _durations(organisation) -> dict:
    """Each person's entry assessment duration."""
    entries = Assessment.objects.filter(enrolment__group__organisation=organisation, moment="entry")
    return dict(entries.values_list("enrolment__participant__reference", "duration_minutes"))


def _old_workbook() -> bytes:
    """The sample as a workbook made before durations: no such column."""
    sheets = sample_sheets()
    index = HEADERS.index("duration_minutes")
    sheets["assessments"] = [row[:index] + row[index + 1 :] for row in sheets["assessments"]]
    return workbook_bytes(sheets, headers={"assessments": WITHOUT_DURATION})


def test_the_durations_are_imported_and_exported(organisation, coordinator):
    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)

    assert _durations(organisation) == {"P-001": 75, "P-003": None}
    rows = read_back(export_workbook(organisation))["assessments"]
    assert rows[0][: HEADERS.index("duration_minutes") + 1] == (
        "File number",
        "Group",
        "Moment",
        "Date",
        "Duration (minutes)",
    )
    assert [row[4] for row in rows[1:]] == [75, 60, None]


def test_an_old_workbook_without_the_column_imports(organisation, coordinator):
    result = import_workbook(_old_workbook(), organisation=organisation, by=coordinator)

    assert result.counts["assessments"]["created"] == 3
    assert _durations(organisation) == {"P-001": None, "P-003": None}


def test_an_old_workbook_leaves_the_durations_kept_since(organisation, coordinator):
    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)

    plan = analyse_workbook(organisation, _old_workbook())

    assert plan.ok
    assert plan.counts["assessments"] == {"created": 0, "updated": 0, "unchanged": 3}
    import_workbook(_old_workbook(), organisation=organisation, by=coordinator)
    assert _durations(organisation) == {"P-001": 75, "P-003": None}


def test_a_changed_duration_is_an_update(organisation, coordinator):
    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)
    sheets = sample_sheets()
    sheets["assessments"][2][4] = 45  # P-003's entry assessment, now recorded

    result = import_workbook(workbook_bytes(sheets), organisation=organisation, by=coordinator)

    assert result.counts["assessments"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert _durations(organisation)["P-003"] == 45


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-30, "A duration goes from 1 minute to 720 minutes (12 hours)."),
        (0, "A duration goes from 1 minute to 720 minutes (12 hours)."),
        ("721", "A duration goes from 1 minute to 720 minutes (12 hours)."),
        (75.5, "'75.5' is not a duration: write a whole number of minutes, such as 75."),
        ("1h15", "'1h15' is not a duration: write a whole number of minutes, such as 75."),
        (True, "'True' is not a duration: write a whole number of minutes, such as 75."),
    ],
)
def test_an_impossible_duration_is_refused_and_nothing_is_written(organisation, value, message):
    sheets = sample_sheets()
    sheets["assessments"][1][4] = value
    before = record_counts()

    with pytest.raises(WorkbookInvalid, match=r"^1 problem in the workbook$") as failure:
        import_workbook(workbook_bytes(sheets), organisation=organisation, file_name="bad.xlsx")

    assert record_counts() == before
    assert [(p.sheet, p.row, p.column, p.message) for p in failure.value.problems] == [
        ("assessments", 3, "duration_minutes", message)
    ]
