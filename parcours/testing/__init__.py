"""Helpers for tests: counting the queries a page does, reading a PDF or a CSV back, the
frozen clock's day, and the files a test compares its output with (golden figures, SQL
snapshots; docs/testing.md).

PDFs are read with Debian's poppler-utils (``pdftotext``, ``pdffonts``, ``pdfinfo``), which
``scripts/system-packages`` (run by ``make install``) installs: a missing tool is a broken
machine, not a reason to skip, so the functions fail and say what to run.
"""

import csv
import datetime
import difflib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

# The day of the ``frozen_today`` fixture: a Wednesday in term, so that "this week",
# "today's sessions" and "due by Friday" all have something on both sides.
FROZEN_TODAY = datetime.date(2026, 3, 11)
FROZEN_NOW = datetime.datetime(2026, 3, 11, 10, 0, tzinfo=datetime.UTC)


def updating_snapshots() -> bool:
    """``UPDATE_SNAPSHOTS=1``: the tests rewrite their golden and snapshot files."""
    return os.environ.get("UPDATE_SNAPSHOTS") == "1"


def assert_matches_file(path: Path, content: bytes) -> None:
    """``content`` is byte for byte the committed file at ``path``; with
    ``UPDATE_SNAPSHOTS=1`` the file is written instead. A difference fails with a diff
    of the two texts, the committed file first."""
    if updating_snapshots():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return
    assert path.exists(), f"{path} is missing: run the test with UPDATE_SNAPSHOTS=1 to write it"
    expected = path.read_bytes()
    if content == expected:
        return
    diff = "".join(
        difflib.unified_diff(
            expected.decode(errors="replace").splitlines(keepends=True),
            content.decode(errors="replace").splitlines(keepends=True),
            fromfile=f"{path} (committed)",
            tofile="this run",
        )
    )
    raise AssertionError(
        f"{path} differs from this run (UPDATE_SNAPSHOTS=1 rewrites it if the change is "
        f"meant):\n{diff or 'the same text, different bytes (line ends, encoding)'}"
    )


def count_queries(client, url: str, *, expected_status: int = 200) -> int:
    """Fetch ``url`` and return how many SQL queries serving it took."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == expected_status, response.status_code
    return len(context.captured_queries)


def assert_bounded_queries(client, url: str, *, grow, expected: int) -> None:
    """The page does ``expected`` queries, and still does after ``grow()`` adds rows.

    A first request is made before counting: the first one of a session also writes the
    session's timestamps, which later requests do not.
    """
    client.get(url)
    before = count_queries(client, url)
    grow()
    after = count_queries(client, url)
    assert (before, after) == (expected, expected), (
        f"{url}: {before} queries with few rows, {after} with many; expected {expected}"
    )


@dataclass(frozen=True)
class PdfFont:
    name: str
    type: str
    embedded: bool
    subset: bool


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(
            f"{name} (Debian's poppler-utils) is missing: run scripts/system-packages"
        )
    return path


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text of every page, as ``pdftotext`` reads it."""
    arguments = [_tool("pdftotext"), *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(arguments, input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_page_count(pdf: bytes) -> int:
    """How many pages the document has: ``pdftotext`` ends each page with a form feed."""
    return pdf_text(pdf).count("\f")


def pdf_title(pdf: bytes) -> str:
    """The document's title, as ``pdfinfo`` reads it ("" without one)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        lines = subprocess.run(
            [_tool("pdfinfo"), "-enc", "UTF-8", str(path)],
            capture_output=True,
            check=True,
            text=True,
        ).stdout.splitlines()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("Title:")), "")


def pdf_language(pdf: bytes) -> str | None:
    """The document's language (the catalog's ``/Lang``), which poppler does not print:
    read from the objects, those packed in compressed streams too."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            # A decompressor object ignores the line end before ``endstream``.
            chunks.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue  # not a deflated stream (an image, a font's own encoding)
    for chunk in chunks:
        found = re.search(rb"/Lang\s*\(([^)]*)\)", chunk)
        if found:
            return found.group(1).decode("latin-1")
    return None


def pdf_fonts(pdf: bytes) -> list[PdfFont]:
    """The fonts the document uses, as ``pdffonts`` lists them (it reads files only)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        lines = subprocess.run(
            [_tool("pdffonts"), str(path)], capture_output=True, check=True, text=True
        ).stdout.splitlines()
    # A header, a ruler of dashes whose runs give the columns' widths, then a line a font.
    columns, position = [], 0
    for run in lines[1].split(" "):
        columns.append(slice(position, position + len(run)))
        position += len(run) + 1
    fonts = []
    for line in lines[2:]:
        name, kind, _encoding, emb, sub, *_ = (line[column].strip() for column in columns)
        fonts.append(PdfFont(name=name, type=kind, embedded=emb == "yes", subset=sub == "yes"))
    return fonts


@dataclass(frozen=True)
class PdfAccessibility:
    title: str
    tagged: bool  # the catalogue's /MarkInfo says /Marked true
    lang: str  # the catalogue's /Lang
    pdfua_part: str  # the XMP metadata's pdfuaid:part ("1" for PDF/UA-1), "" when absent
    structure: bool  # a /StructTreeRoot: the tags themselves


def _pdf_objects(pdf: bytes) -> bytes:
    """The file's bytes followed by its streams inflated: the catalogue of a compressed
    PDF lies inside an object stream."""
    parts, view = [pdf], memoryview(pdf)
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(view[match.end() :]))
        except zlib.error:
            continue  # a stream that is not deflated (or no stream at all)
    return b"\n".join(parts)


def pdf_accessibility(pdf: bytes) -> PdfAccessibility:
    """What makes the document readable by assistive technology: ``pdfinfo`` reads the
    title and the tagging; the language and the PDF/UA claim are read from the objects."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        lines = subprocess.run(
            [_tool("pdfinfo"), str(path)], capture_output=True, check=True, text=True
        ).stdout.splitlines()
    info = dict(line.split(":", 1) for line in lines if ":" in line)
    objects = _pdf_objects(pdf)
    lang = re.search(rb"/Lang\s*\(([^)]*)\)", objects)
    part = re.search(rb'pdfuaid:part="?(\d+)', objects)
    return PdfAccessibility(
        title=info.get("Title", "").strip(),
        tagged=info.get("Tagged", "").strip() == "yes",
        lang=lang.group(1).decode() if lang else "",
        pdfua_part=part.group(1).decode() if part else "",
        structure=b"/StructTreeRoot" in objects,
    )


def speaking(user, language: str):
    """``user`` with the screens in ``language`` (the language a page is rendered in is
    the signed-in person's own, whatever the test's active language)."""
    user.language = language
    user.save(update_fields=["language"])
    return user


def csv_rows(content) -> list[list[str]]:
    """The rows of a file written by ``core.exports.spreadsheet_csv`` (bytes or text),
    checking its byte-order mark."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    assert text.startswith("\ufeff"), "a spreadsheet's CSV starts with a byte-order mark"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def report_csv_values(content) -> dict[tuple[str, str, str], str]:
    """The report's CSV as ``{(table, row, column): value}``, the value as written."""
    return {tuple(row[:3]): row[4] for row in csv_rows(content)[1:]}


def local_float(text: str) -> float | None:
    """A number written with a decimal comma (French, Dutch) or point, read back."""
    return float(text.replace(",", ".")) if text else None


def sheet_by_code(workbook, code: str):
    """The sheet of an openpyxl workbook whose code name is ``code``."""
    return next(sheet for sheet in workbook.worksheets if sheet.sheet_properties.codeName == code)
