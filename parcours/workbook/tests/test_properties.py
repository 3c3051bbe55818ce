"""Random bad cells thrown at the importer (hypothesis): it never crashes, every problem
names its sheet, row and column, and a workbook with a problem writes nothing."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.workbook.format import SHEETS
from parcours.workbook.importer import WorkbookInvalid, import_workbook
from parcours.workbook.tests.conftest import record_counts
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells a spreadsheet can hold: text (with odd characters), numbers, dates, times, booleans.
ANY_CELL = st.one_of(
    st.none(),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60
    ),  # openpyxl refuses control characters
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 12, 31)),
    st.times(),
    st.sampled_from(["", " ", "yes", "no", "F", "2024-02-30", "13:60", "0", "-1", ";", "P-001"]),
)

# Values that are wrong for every cell of a kind.
BAD_FOR_KIND = {
    "date": st.sampled_from(["31/02/1990", "2024-13-01", "tomorrow", "1990", 12.5, True]),
    "month_or_date": st.sampled_from(["2014-13", "March 2014", "14-03", 3.5]),
    "time": st.sampled_from(["25:00", "noon", "14:60", 1.5, "-1:00"]),
    "code": st.sampled_from(["unknown", "Ω", "12", "present absent"]),
    "bool": st.sampled_from(["maybe", "2", "oui non", 7]),
    "rating": st.sampled_from([0, 6, "three", 2.5, -1, True]),
    "country": st.sampled_from(["Belgique", "XX", "B", "123"]),
    "niss": st.sampled_from(["85073003327", "123", "abcdefghijk", 1.5]),
}


def _cells():
    """(sheet, data row, column index) of every cell of the sample."""
    sample = sample_sheets()
    return [
        (sheet, row, index)
        for sheet, rows in sample.items()
        for row in range(len(rows))
        for index in range(len(SHEETS[sheet]))
    ]


def _import(sheets, organisation):
    author = UserFactory(organisation=organisation, coordinator=True)
    return import_workbook(workbook_bytes(sheets), organisation=organisation, by=author)


def _try_import(sheets, organisation):
    """(result, None) when the workbook imports, (None, problems) when it does not."""
    try:
        return _import(sheets, organisation), None
    except WorkbookInvalid as invalid:
        return None, invalid.problems


def _put(sheets, sheet, row, index, value):
    line = sheets[sheet][row]
    line.extend([None] * (index + 1 - len(line)))
    line[index] = value


@FAST
@given(cell=st.sampled_from(_cells()), value=ANY_CELL)
def test_any_cell_never_crashes_nor_half_writes(cell, value):
    organisation = OrganisationFactory()
    sheets = sample_sheets()
    _put(sheets, *cell, value)
    before = record_counts()
    result, problems = _try_import(sheets, organisation)
    if problems is None:
        assert result.counts["participants"]["created"] >= 1
    else:
        assert problems
        for problem in problems:
            assert problem.sheet in SHEETS
            assert problem.row >= 2
            assert problem.column
            assert problem.message
        assert record_counts() == before


CHECKED_CELLS = [
    (sheet, row, index)
    for sheet, row, index in _cells()
    if SHEETS[sheet][index].kind in BAD_FOR_KIND
]


@FAST
@given(data=st.data(), cell=st.sampled_from(CHECKED_CELLS))
def test_a_bad_cell_is_named_and_nothing_is_written(data, cell):
    sheet, row, index = cell
    column = SHEETS[sheet][index]
    value = data.draw(BAD_FOR_KIND[column.kind])
    organisation = OrganisationFactory()
    sheets = sample_sheets()
    _put(sheets, sheet, row, index, value)
    before = record_counts()
    with pytest.raises(WorkbookInvalid, match=r"^\d+ problems? in the workbook$") as failure:
        _import(sheets, organisation)
    assert (sheet, row + 2, column.name) in {
        (p.sheet, p.row, p.column) for p in failure.value.problems
    }
    assert record_counts() == before


@FAST
@given(rows=st.lists(st.lists(ANY_CELL, min_size=0, max_size=16), min_size=1, max_size=8))
def test_random_rows_under_every_header(rows):
    """Whole sheets of random cells: problems or an import, never a crash."""
    organisation = OrganisationFactory()
    sheets = {name: [list(r) for r in rows] for name in SHEETS}
    before = record_counts()
    _result, problems = _try_import(sheets, organisation)
    if problems is not None:
        assert all(p.sheet and p.message for p in problems)
        assert record_counts() == before
