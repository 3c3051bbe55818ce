"""Reading a workbook file into typed rows, collecting every problem with its sheet,
row and column instead of stopping at the first one.

Nothing here touches the database: ``read_workbook`` turns cells into Python values
(dates, times, codes) and reports what cannot be read; ``importer`` then checks the
rows against each other and against the records already stored.
"""

import datetime
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django_countries import countries

from parcours.core.durations import MAX_MINUTES, MIN_MINUTES
from parcours.workbook.format import (
    EXPORT_ONLY_SHEETS,
    REQUIRED_SHEETS,
    SHEETS,
    Column,
    code_aliases,
    column_names,
    normalised,
    sheet_names,
    skipped_sheet_names,
)
from parcours.workbook.problems import Problem
from parcours.workbook.xlsx import NotAWorkbook, XlsxReader

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A workbook is a zip: a small file can hide an enormous sheet (a "zip bomb").
DEFAULT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
# Rows per sheet, the header apart: more is refused before the sheet is read in full.
DEFAULT_MAX_ROWS = 1_000_000


class CellError(ValueError):
    """A cell that cannot be read: the code of the problem (``problems.MESSAGES``) and its
    parameters, worded for the person who filled it when they read it."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Row:
    number: int  # the row number as Excel shows it
    values: dict
    ok: bool = True  # False when one of its cells could not be read


@dataclass
class Sheet:
    name: str
    columns: frozenset
    rows: list[Row] = field(default_factory=list)


@dataclass
class ReadResult:
    sheets: dict[str, Sheet]
    problems: list[Problem]
    # What the import skips and says so (an export's sheets and columns for the records).
    notices: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        """False when the file itself (not a cell) is the problem."""
        return not any(problem.row is None for problem in self.problems)


def max_bytes() -> int:
    return getattr(settings, "WORKBOOK_MAX_BYTES", DEFAULT_MAX_BYTES)


def _shown(raw) -> str:
    if isinstance(raw, datetime.datetime | datetime.date | datetime.time):
        return raw.isoformat()
    return str(raw)


# -- cells ---------------------------------------------------------------------------------


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime | datetime.date | datetime.time):
        return raw.isoformat()
    return str(raw).strip()


def parse_text(raw, column: Column):
    value = _text(raw)
    if column.max_length and len(value) > column.max_length:
        raise CellError("too_long", value=value[:30], max=column.max_length)
    return value


def parse_code(raw, column: Column):
    """A code, or its meaning in any of the interface's languages (what the export and
    the template's drop-downs write), compared as headers are (case, spaces)."""
    text = _text(raw)
    code = code_aliases(column).get(normalised(text))
    if code is None:
        raise CellError("not_a_code", value=text, codes=", ".join(column.codes))
    return code


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})[:hH.](\d{2})(?::(\d{2}))?$")


def _check_year(day: datetime.date, raw) -> datetime.date:
    if not 1900 <= day.year <= 2100:
        raise CellError("implausible_date", value=_shown(raw))
    return day


def parse_date(raw, column: Column):
    if isinstance(raw, datetime.datetime):
        return _check_year(raw.date(), raw)
    if isinstance(raw, datetime.date):
        return _check_year(raw, raw)
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return _check_year(datetime.date.fromisoformat(text), raw)
            # 05/09/2016: the way dates are typed in Belgium, day first.
            match = _DAY_FIRST.match(text)
            if match:
                day, month, year = (int(part) for part in match.groups())
                return _check_year(datetime.date(year, month, day), raw)
        except ValueError:
            pass
    if column.kind == "date" and isinstance(raw, str) and _MONTH.match(raw.strip()):
        raise CellError("month_not_date", value=_shown(raw))
    raise CellError("not_a_date", value=_shown(raw))


def parse_month_or_date(raw, column: Column):
    """(first day, month only) for a date or a month such as 2014-03."""
    if isinstance(raw, str):
        match = _MONTH.match(raw.strip())
        if match:
            year, month = (int(part) for part in match.groups())
            if 1 <= month <= 12:
                return _check_year(datetime.date(year, month, 1), raw), True
    try:
        return parse_date(raw, column), False
    except CellError:
        raise CellError("not_date_or_month", value=_shown(raw)) from None


def parse_time(raw, column: Column):
    if isinstance(raw, datetime.datetime):
        return raw.time().replace(microsecond=0)
    if isinstance(raw, datetime.time):
        return raw.replace(microsecond=0)
    if isinstance(raw, float | int) and not isinstance(raw, bool) and 0 <= raw < 1:
        # A time cell without its time format: a fraction of a day.
        minutes = round(raw * 24 * 60)
        if minutes < 24 * 60:
            return datetime.time(minutes // 60, minutes % 60)
    if isinstance(raw, str):
        match = _TIME.match(raw.strip())
        if match:
            hours, minutes, seconds = match.groups()
            try:
                return datetime.time(int(hours), int(minutes), int(seconds or 0))
            except ValueError:
                pass
    raise CellError("not_a_time", value=_shown(raw))


_YES = {"yes", "oui", "ja", "true", "1", "y"}
_NO = {"no", "non", "nee", "false", "0", "n"}


def parse_bool(raw, column: Column):
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError("not_yes_no", value=_shown(raw))


def parse_rating(raw, column: Column):
    if isinstance(raw, bool):
        raise CellError("not_a_rating", value=_shown(raw))
    text = _text(raw)
    if text in {"1", "2", "3", "4", "5"}:
        return int(text)
    raise CellError("not_a_rating", value=_shown(raw))


_WHOLE = re.compile(r"^-?\d+$")


def parse_minutes(raw, column: Column):
    """A whole number of minutes within the bounds every form applies."""
    text = _text(raw)
    if isinstance(raw, bool) or not _WHOLE.match(text):
        raise CellError("not_minutes", value=_shown(raw))
    minutes = int(text)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise CellError("minutes_out_of_bounds")
    return minutes


def parse_niss(raw, column: Column):
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float) and not raw.is_integer():
            raise CellError("not_a_niss", value=_shown(raw))
        # A number typed in a number cell loses its leading zero (people born in 200x).
        return str(int(raw)).zfill(11)
    return _text(raw)


_COUNTRY_CODES = None


def parse_country(raw, column: Column):
    global _COUNTRY_CODES
    if _COUNTRY_CODES is None:
        _COUNTRY_CODES = {code for code, _name in countries}
    value = _text(raw).upper()
    if value not in _COUNTRY_CODES:
        raise CellError("not_a_country", value=_shown(raw))
    return value


def parse_groups(raw, column: Column):
    names = []
    for part in _text(raw).split(";"):
        name = part.strip()
        if len(name) > 100:
            raise CellError("group_name_too_long", value=name[:30])
        if name and name not in names:
            names.append(name)
    if not names:
        raise CellError("no_group")
    return tuple(names)


def parse_email(raw, column: Column):
    value = parse_text(raw, column)
    try:
        validate_email(value)
    except ValidationError:
        raise CellError("not_an_email", value=value[:60]) from None
    return value


PARSERS: dict[str, Callable] = {
    "text": parse_text,
    "email": parse_email,
    "code": parse_code,
    "date": parse_date,
    "month_or_date": parse_month_or_date,
    "time": parse_time,
    "bool": parse_bool,
    "rating": parse_rating,
    "minutes": parse_minutes,
    "niss": parse_niss,
    "country": parse_country,
    "groups": parse_groups,
}


# -- the file ------------------------------------------------------------------------------


def _size_of(source) -> int:
    if isinstance(source, bytes | bytearray):
        return len(source)
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    position = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def _as_file(source):
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, str | os.PathLike):
        return open(source, "rb")
    source.seek(0)
    return source


def _not_a_workbook() -> Problem:
    return Problem(code="not_a_workbook")


def check_file(source) -> Problem | None:
    """The problem with the file as a whole (size, not a workbook), or None."""
    size = _size_of(source)
    limit = max_bytes()
    if size > limit:
        return Problem(
            code="file_too_large",
            params={"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024)},
        )
    handle = _as_file(source)
    try:
        if not zipfile.is_zipfile(handle):
            return _not_a_workbook()
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            return _not_a_workbook()
        if unpacked > getattr(
            settings, "WORKBOOK_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES
        ):
            return Problem(code="unpacked_too_large")
    except (zipfile.BadZipFile, OSError, EOFError):
        return _not_a_workbook()
    finally:
        if isinstance(source, str | os.PathLike):
            handle.close()
    return None


def _header_names(sheet: str, header_row) -> list[str | None]:
    """Each header as its column's code name, whichever language it was written in; an
    unknown header stays as written (in small letters) for the message."""
    aliases = column_names(sheet)
    names = []
    for cell in header_row:
        if _blank(cell):
            names.append(None)
            continue
        header = normalised(_text(cell))
        names.append(aliases.get(header, header))
    return names


def max_rows() -> int:
    return getattr(settings, "WORKBOOK_MAX_ROWS", DEFAULT_MAX_ROWS)


def _too_many_rows(name, limit) -> Problem:
    return Problem(sheet=name, code="too_many_rows", params={"limit": limit})


def _read_sheet(name, rows, problems, notices) -> Sheet | None:
    spec = {column.name: column for column in SHEETS[name]}
    header = next(rows, None)
    names = _header_names(name, header or ())
    present = [n for n in names if n]
    if not present:
        problems.append(Problem(sheet=name, code="no_header"))
        return None
    sheet_ok = True
    seen = set()
    for header_name in present:
        if header_name in seen:
            problems.append(Problem(sheet=name, row=1, column=header_name, code="column_twice"))
            sheet_ok = False
        seen.add(header_name)
        if header_name not in spec:
            problems.append(
                Problem(
                    sheet=name,
                    row=1,
                    column=header_name,
                    code="unknown_column",
                    params={"columns": ", ".join(spec)},
                )
            )
            sheet_ok = False
    for column in spec.values():
        if column.required and column.name not in seen:
            problems.append(
                Problem(sheet=name, row=1, column=column.name, code="required_column_missing")
            )
            sheet_ok = False
    if not sheet_ok:
        return None
    for header_name in present:
        if not spec[header_name].imported:
            notices.append(
                Problem(sheet=name, row=1, column=header_name, code="column_not_imported")
            )
    layout = [
        (index, spec[header_name], PARSERS[spec[header_name].kind])
        for index, header_name in enumerate(names)
        if header_name and spec[header_name].imported
    ]
    required = [column.name for column in spec.values() if column.required]
    sheet = Sheet(name=name, columns=frozenset(seen))
    last_allowed = max_rows() + 1  # the header is row 1
    for number, raw_row in enumerate(rows, start=2):
        if number > last_allowed:
            # A sheet without a <dimension>, or one that lied: stop at the first row over.
            problems.append(_too_many_rows(name, max_rows()))
            return None
        values = {}
        failed = None
        width = len(raw_row)
        for index, column, parse in layout:
            raw = raw_row[index] if index < width else None
            if raw is None or (raw.__class__ is str and not raw.strip()):
                values[column.name] = None
                continue
            try:
                values[column.name] = parse(raw, column)
            except CellError as error:
                problems.append(Problem(name, number, column.name, error.code, error.params))
                values[column.name] = None
                failed = failed or set()
                failed.add(column.name)
        if failed is None and all(value is None for value in values.values()):
            continue  # an empty line
        for column_name in required:
            if values[column_name] is None and not (failed and column_name in failed):
                problems.append(Problem(name, number, column_name, "required_cell"))
                failed = failed or set()
                failed.add(column_name)
        ok = failed is None
        sheet.rows.append(Row(number, values, ok))
    return sheet


def read_workbook(source, *, progress: Callable[[int], None] | None = None) -> ReadResult:
    """Every sheet of the file, read into typed rows, and every problem found.

    ``progress`` receives a percentage (0-99) of the file read so far.
    """
    problem = check_file(source)
    if problem:
        return ReadResult(sheets={}, problems=[problem])
    problems: list[Problem] = []
    notices: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    handle = _as_file(source)
    book = None
    try:
        book = XlsxReader(handle)
        by_name = {}
        titles = sheet_names()
        for title in book.sheets:
            if normalised(title) in skipped_sheet_names():
                continue  # the drop-down lists or the explanation of the codes of a template
            key = titles.get(normalised(title))
            if key is None:
                problems.append(
                    Problem(sheet=title, code="unknown_sheet", params={"sheets": ", ".join(SHEETS)})
                )
                continue
            if key in by_name:
                problems.append(Problem(sheet=title, code="sheet_twice"))
                continue
            if key in EXPORT_ONLY_SHEETS:
                if all(notice.sheet != key for notice in notices):
                    notices.append(Problem(sheet=key, code="sheet_not_imported"))
                continue
            by_name[key] = title
        for name in REQUIRED_SHEETS:
            if name not in by_name:
                problems.append(Problem(sheet=name, code="sheet_missing"))
        total = sum(book.sheet_size(title) for title in by_name.values()) or 1
        done = 0
        last_reported = -1

        def on_read(size):
            nonlocal done, last_reported
            done += size
            percent = min(99, done * 100 // total)
            if progress and percent != last_reported:
                last_reported = percent
                progress(percent)

        for name in SHEETS:
            declared = book.declared_rows(by_name[name]) if name in by_name else None
            if declared is not None and declared - 1 > max_rows():
                problems.append(_too_many_rows(name, max_rows()))
                del by_name[name]
        for name in SHEETS:
            if name in by_name:
                rows = book.rows(by_name[name], on_read=on_read)
                sheet = _read_sheet(name, rows, problems, notices)
                if sheet is not None:
                    sheets[name] = sheet
    except (NotAWorkbook, SyntaxError, KeyError, ValueError, OSError, zipfile.BadZipFile):
        # A damaged part inside a valid zip: not a workbook we can read.
        return ReadResult(sheets={}, problems=[_not_a_workbook()])
    finally:
        if book is not None:
            book.close()
        if isinstance(source, str | os.PathLike):
            handle.close()
    return ReadResult(sheets=sheets, problems=problems, notices=notices)
