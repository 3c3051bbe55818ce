"""A small streaming reader of .xlsx files: sheet names, then the rows of a sheet as
tuples of Python values (str, int, float, bool, datetime, time).

openpyxl's read-only mode is correct but slow on large sheets (a Python object per
cell, and a pass over the whole sheet to find its size when the file does not say it):
500,000 attendance rows took minutes. This reader parses the sheet XML with the
standard library's expat-based ``iterparse`` and keeps openpyxl's rules for what a date
is (number formats) and how Excel counts days, so that both read the same values.
"""

import posixpath
import zipfile
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

DIMENSION = f"{MAIN}dimension"
C, V, T, IS, ROW, SHEET_DATA, SI, R = (
    f"{MAIN}c",
    f"{MAIN}v",
    f"{MAIN}t",
    f"{MAIN}is",
    f"{MAIN}row",
    f"{MAIN}sheetData",
    f"{MAIN}si",
    f"{MAIN}r",
)


class NotAWorkbook(Exception):
    """The archive is not a readable .xlsx workbook."""


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


class _CountingReader:
    """Wraps a file to count the bytes read (the progress of a sheet)."""

    def __init__(self, raw, on_read):
        self.raw = raw
        self.on_read = on_read

    def read(self, size=-1):
        data = self.raw.read(size)
        self.on_read(len(data))
        return data


class XlsxReader:
    def __init__(self, file):
        try:
            self.archive = zipfile.ZipFile(file)
            self._read_workbook()
            self._read_shared_strings()
            self._read_styles()
        except NotAWorkbook:
            raise
        except (KeyError, zipfile.BadZipFile, SyntaxError, ValueError, OSError) as error:
            raise NotAWorkbook(str(error)) from error

    def close(self):
        self.archive.close()

    # -- the parts ---------------------------------------------------------------------

    def _parse(self, path):
        root = None
        for _event, element in iterparse(self.archive.open(path), events=("end",)):
            root = element
        return root

    def _read_workbook(self):
        names = set(self.archive.namelist())
        rels_path = "xl/_rels/workbook.xml.rels"
        if "xl/workbook.xml" not in names or rels_path not in names:
            raise NotAWorkbook("no workbook part")
        targets = {}
        self.shared_strings_path = None
        self.styles_path = None
        for rel in self._parse(rels_path).iter(f"{PACKAGE_RELATIONSHIPS}Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            path = posixpath.normpath(path)
            targets[rel.get("Id")] = path
            kind = rel.get("Type", "")
            if kind.endswith("/sharedStrings"):
                self.shared_strings_path = path
            elif kind.endswith("/styles"):
                self.styles_path = path
        workbook = self._parse("xl/workbook.xml")
        properties = workbook.find(f"{MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.sheets = {}
        for sheet in workbook.iter(f"{MAIN}sheet"):
            path = targets.get(sheet.get(f"{RELATIONSHIPS}id"))
            if path in names:
                self.sheets[sheet.get("name")] = path

    def _read_shared_strings(self):
        self.shared = []
        path = self.shared_strings_path
        if not path or path not in self.archive.namelist():
            return
        for _event, element in iterparse(self.archive.open(path), events=("end",)):
            if element.tag == SI:
                text = element.find(T)
                if text is not None:
                    self.shared.append(text.text or "")
                else:  # rich text: the runs' texts one after the other
                    self.shared.append("".join(t.text or "" for t in element.iter(T)))
                element.clear()

    def _read_styles(self):
        """For each cell style index, True when its number format is a date or time."""
        self.date_styles = set()
        path = self.styles_path
        if not path or path not in self.archive.namelist():
            return
        styles = self._parse(path)
        formats = dict(BUILTIN_FORMATS)
        for number_format in styles.iter(f"{MAIN}numFmt"):
            formats[int(number_format.get("numFmtId"))] = number_format.get("formatCode", "")
        cell_xfs = styles.find(f"{MAIN}cellXfs")
        if cell_xfs is None:
            return
        for index, xf in enumerate(cell_xfs.iter(f"{MAIN}xf")):
            code = formats.get(int(xf.get("numFmtId", 0)))
            if code and is_date_format(code):
                self.date_styles.add(str(index))

    # -- the rows ----------------------------------------------------------------------

    def sheet_size(self, name) -> int:
        return self.archive.getinfo(self.sheets[name]).file_size

    def declared_rows(self, name) -> int | None:
        """The number of the last row the sheet says it uses (its ``<dimension>``, written
        before the rows), or None when it does not say. Only the head of the sheet is
        read."""
        with self.archive.open(self.sheets[name]) as stream:
            for _event, element in iterparse(stream, events=("start",)):
                if element.tag == SHEET_DATA:
                    return None
                if element.tag == DIMENSION:
                    last = element.get("ref", "").rpartition(":")[2]
                    digits = "".join(char for char in last if char.isdigit())
                    return int(digits) if digits else None
        return None

    def rows(self, name, *, on_read=None):
        """The rows of sheet ``name`` as tuples, including empty ones, in order (a row
        missing from the file is given as an empty tuple)."""
        stream = self.archive.open(self.sheets[name])
        if on_read:
            stream = _CountingReader(stream, on_read)
        shared, date_styles, epoch = self.shared, self.date_styles, self.epoch
        expected = 1
        values = {}
        column = 0
        parent = None
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == SHEET_DATA:
                    parent = element
                elif tag == ROW:
                    values = {}
                    column = 0
                continue
            if tag == C:
                ref = element.get("r")
                if ref:
                    column = _column_index(ref)
                kind = element.get("t")
                if kind == "inlineStr":
                    holder = element.find(IS)
                    text = holder.find(T) if holder is not None else None
                    if text is not None:
                        value = text.text or ""
                    elif holder is not None:
                        value = "".join(t.text or "" for t in holder.iter(T))
                    else:
                        value = None
                else:
                    raw = element.find(V)
                    raw = raw.text if raw is not None else None
                    if raw is None:
                        value = None
                    elif kind == "s":
                        value = shared[int(raw)]
                    elif kind in ("str", "e"):
                        value = raw
                    elif kind == "b":
                        value = raw == "1"
                    elif kind == "d":
                        from datetime import datetime

                        value = datetime.fromisoformat(raw)
                    else:
                        try:
                            number = int(raw)
                        except ValueError:
                            number = float(raw)
                        if element.get("s") in date_styles:
                            value = from_excel(number, epoch)
                        else:
                            value = number
                if value is not None:
                    values[column] = value
                column += 1
            elif tag == ROW:
                number = element.get("r")
                number = int(number) if number else expected
                while expected < number:  # rows the file leaves out are empty
                    yield ()
                    expected += 1
                width = max(values) + 1 if values else 0
                yield tuple(values.get(index) for index in range(width))
                expected = number + 1
                element.clear()
                if parent is not None:
                    parent.clear()
