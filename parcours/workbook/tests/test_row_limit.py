"""A workbook over the row limit is refused before its sheets are read in full, with a
clear message, and nothing is written."""

import io
import re
import zipfile

import pytest
from django.test import override_settings
from django.utils import translation

from parcours.workbook import xlsx
from parcours.workbook.importer import WorkbookInvalid, import_workbook
from parcours.workbook.tests.conftest import record_counts
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db


def _without_dimensions(content: bytes) -> bytes:
    """The same workbook with no ``<dimension>`` in its sheets: the rows must be counted."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(info, data)
    return out.getvalue()


def _rows_read(monkeypatch):
    """How many rows the reader gave out, per sheet."""
    counts = {}
    real = xlsx.XlsxReader.rows

    def counting(self, name, **kwargs):
        for row in real(self, name, **kwargs):
            counts[name] = counts.get(name, 0) + 1
            yield row

    monkeypatch.setattr(xlsx.XlsxReader, "rows", counting)
    return counts


def _refused(organisation, content):
    before = record_counts()
    with (
        translation.override("en"),
        pytest.raises(WorkbookInvalid, match=r"^\d+ problems? in the workbook$") as failure,
    ):
        import_workbook(content, organisation=organisation, file_name="big.xlsx")
    assert record_counts() == before
    return [(p.sheet, p.message) for p in failure.value.problems]


def _big_sheets():
    sheets = sample_sheets()
    sheets["attendance"] = sheets["attendance"] * 4  # well over 3 rows
    return sheets


@override_settings(WORKBOOK_MAX_ROWS=3)
def test_the_declared_size_refuses_a_sheet_before_reading_its_rows(organisation, monkeypatch):
    content = workbook_bytes(_big_sheets())
    read = _rows_read(monkeypatch)

    problems = _refused(organisation, content)

    assert (
        "attendance",
        "The sheet has more than 3 rows: split the workbook, nothing has been imported.",
    ) in problems
    assert "attendance" not in read


@override_settings(WORKBOOK_MAX_ROWS=3)
def test_without_a_declared_size_counting_stops_at_the_limit(organisation, monkeypatch):
    content = _without_dimensions(workbook_bytes(_big_sheets()))
    read = _rows_read(monkeypatch)

    problems = _refused(organisation, content)

    assert any(sheet == "attendance" and "more than 3 rows" in m for sheet, m in problems)
    assert read["attendance"] == 1 + 3 + 1  # the header, the rows allowed, the one over


@override_settings(WORKBOOK_MAX_ROWS=1000)
def test_under_the_limit_the_workbook_is_imported(organisation, coordinator):
    result = import_workbook(
        workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator, file_name="ok"
    )
    assert result.counts
