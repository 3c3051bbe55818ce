"""Exporting the programme workbook (the format of docs/import-format.md), and its empty
template.

``export_workbook(organisation)`` gives every record of the organisation;
``export_workbook(organisation, first=…, last=…)`` the subset of a period, for a funder's
report: the enrolments active in it, the assessments, sessions and attendance dated in
it, and the participants, groups and enrolments they reference, so that the subset is
itself a workbook the importer accepts.

Dates are real dates (number format yyyy-mm-dd), times ``HH:MM`` text, yes/no as words,
as the format says; Excel and LibreOffice read them as such.
"""

import datetime
import io
from collections import defaultdict

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from parcours.assessments.models import Assessment, DomainRating
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.core.exports import is_formula_like, xlsx_text
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.workbook.format import (
    LISTS_SHEET,
    NO_WORD,
    RATING_CHOICES,
    SHEET_LABELS,
    SHEETS,
    YES_WORD,
)
from parcours.workbook.importer import PARTICIPANT_FIELDS
from parcours.workshops.models import Session

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
CHUNK = 5000
WIDTHS = {
    "date": 12,
    "month_or_date": 14,
    "time": 10,
    "rating": 10,
    "minutes": 10,
    "bool": 12,
    "text": 22,
}


def _time(value: datetime.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _or_none(value):
    return value if value not in ("", None) else None


class _Writer:
    def __init__(self, book, name):
        self.sheet = book.create_sheet(name)
        columns = SHEETS[name]
        for index, column in enumerate(columns, start=1):
            width = WIDTHS.get(column.kind, 16)
            self.sheet.column_dimensions[get_column_letter(index)].width = max(
                width, len(column.name) + 2
            )
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.name)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        self.date_columns = {
            index for index, column in enumerate(columns) if column.kind == "date"
        } | {index for index, column in enumerate(columns) if column.kind == "month_or_date"}

    def append(self, values):
        row = []
        for index, value in enumerate(values):
            if index in self.date_columns and isinstance(value, datetime.date):
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.number_format = DATE_FORMAT
                row.append(cell)
            elif is_formula_like(value):
                row.append(xlsx_text(WriteOnlyCell(self.sheet, value=value)))
            else:
                row.append(value)
        self.sheet.append(row)


def _querysets(organisation, first, last):
    enrolments = Enrolment.objects.filter(group__organisation=organisation)
    assessments = Assessment.objects.filter(enrolment__group__organisation=organisation)
    sessions = Session.objects.filter(organisation=organisation)
    attendance = Attendance.objects.filter(session__organisation=organisation)
    participants = Participant.objects.filter(organisation=organisation)
    groups = Group.objects.filter(organisation=organisation)
    if first is None and last is None:
        return participants, groups, enrolments, assessments, sessions, attendance
    if first is not None:
        enrolments = enrolments.filter(Q(exit_date__isnull=True) | Q(exit_date__gte=first))
        assessments = assessments.filter(date__gte=first)
        sessions = sessions.filter(date__gte=first)
        attendance = attendance.filter(session__date__gte=first)
    if last is not None:
        enrolments = enrolments.filter(start_date__lte=last)
        assessments = assessments.filter(date__lte=last)
        sessions = sessions.filter(date__lte=last)
        attendance = attendance.filter(session__date__lte=last)
    enrolment_ids = set(enrolments.values_list("pk", flat=True)) | set(
        assessments.values_list("enrolment_id", flat=True)
    )
    enrolments = Enrolment.objects.filter(pk__in=enrolment_ids)
    participant_ids = set(enrolments.values_list("participant_id", flat=True)) | set(
        attendance.values_list("participant_id", flat=True).distinct()
    )
    participants = participants.filter(pk__in=participant_ids)
    group_ids = set(enrolments.values_list("group_id", flat=True)) | set(
        Session.groups.through.objects.filter(session__in=sessions).values_list(
            "group_id", flat=True
        )
    )
    groups = groups.filter(pk__in=group_ids)
    return participants, groups, enrolments, assessments, sessions, attendance


def _no_progress(percent: int, stage: str = "") -> None:
    pass


def export_workbook(
    organisation,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    progress=None,
) -> bytes:
    """The programme workbook of ``organisation`` (restricted to the period
    ``first``..``last`` when given), as the bytes of an .xlsx file.

    ``progress(percent, stage)``, when given, is told before each sheet is written (a
    background download shows it); it changes nothing in the file."""
    progress = progress or _no_progress
    progress(0, _("Selecting the records"))
    participants, groups, enrolments, assessments, sessions, attendance = _querysets(
        organisation, first, last
    )
    book = Workbook(write_only=True)

    progress(5, _("Writing the sheet %(sheet)s") % {"sheet": "participants"})
    out = _Writer(book, "participants")
    for p in participants.order_by("reference").values_list("reference", *PARTICIPANT_FIELDS):
        inactive = p[11]
        if inactive and p[12]:
            inactive = inactive.strftime("%Y-%m")
        out.append(
            [
                p[0],
                p[1],
                p[2],
                p[3],
                p[4],
                _or_none(p[5]),
                _or_none(p[6]),
                _or_none(p[7]),
                _or_none(p[8]),
                _or_none(p[9]),
                _yes_no(p[10]),
                inactive,
                _or_none(p[13]),
                _or_none(p[14]),
                *(_or_none(value) for value in p[15:]),
            ]
        )

    progress(20, _("Writing the sheet %(sheet)s") % {"sheet": "groups"})
    out = _Writer(book, "groups")
    for row in groups.order_by("start_date", "name").values_list(
        "name", "process_type", "start_date", "end_date"
    ):
        out.append(row)

    progress(25, _("Writing the sheet %(sheet)s") % {"sheet": "enrolments"})
    out = _Writer(book, "enrolments")
    for ref, group, start, exit_date, outcome, detail, qualification in enrolments.order_by(
        "participant__reference", "start_date", "group__name"
    ).values_list(
        "participant__reference",
        "group__name",
        "start_date",
        "exit_date",
        "outcome",
        "outcome_detail",
        "qualification_gained",
    ):
        out.append(
            [
                ref,
                group,
                start,
                exit_date,
                _or_none(outcome),
                _or_none(detail),
                _or_none(qualification),
            ]
        )

    progress(35, _("Writing the sheet %(sheet)s") % {"sheet": "assessments"})
    out = _Writer(book, "assessments")
    ratings = defaultdict(dict)
    for assessment_id, domain, rating in DomainRating.objects.filter(
        assessment__in=assessments
    ).values_list("assessment_id", "domain", "rating"):
        ratings[assessment_id][domain] = rating
    moments = {"entry": 0, "middle": 1, "end": 2}
    rows = sorted(
        assessments.values_list(
            "pk",
            "enrolment__participant__reference",
            "enrolment__group__name",
            "moment",
            "date",
            "duration_minutes",
        ),
        key=lambda row: (row[1], row[4], moments.get(row[3], 3), row[2]),
    )
    for pk, ref, group, moment, day, minutes in rows:
        out.append([ref, group, moment, day, minutes, *(ratings[pk].get(d) for d in Domain.values)])

    progress(50, _("Writing the sheet %(sheet)s") % {"sheet": "sessions"})
    out = _Writer(book, "sessions")
    session_groups = defaultdict(list)
    for session_id, name in (
        Session.groups.through.objects.filter(session__in=sessions)
        .order_by("group__name")
        .values_list("session_id", "group__name")
        .iterator(chunk_size=CHUNK)
    ):
        session_groups[session_id].append(name)
    for pk, workshop, axis, kind, provider, day, start, end, cancelled in (
        sessions.order_by("date", "start_time", "workshop__name")
        .values_list(
            "pk",
            "workshop__name",
            "workshop__axis",
            "provider_kind",
            "provider__name",
            "date",
            "start_time",
            "end_time",
            "cancelled",
        )
        .iterator(chunk_size=CHUNK)
    ):
        out.append(
            [
                workshop,
                axis,
                kind,
                provider,
                ";".join(session_groups[pk]),
                day,
                _time(start),
                _time(end),
                _yes_no(cancelled),
            ]
        )

    progress(60, _("Writing the sheet %(sheet)s") % {"sheet": "attendance"})
    out = _Writer(book, "attendance")
    for ref, workshop, day, start, status in (
        attendance.order_by(
            "session__date",
            "session__start_time",
            "session__workshop__name",
            "participant__reference",
        )
        .values_list(
            "participant__reference",
            "session__workshop__name",
            "session__date",
            "session__start_time",
            "status",
        )
        .iterator(chunk_size=CHUNK)
    ):
        out.append([ref, workshop, day, _time(start), status])

    progress(90, _("Saving the file"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Rows of the template given a drop-down list and a line of help.
TEMPLATE_ROWS = 5000
TEMPLATE_DATE_FORMAT = "dd/mm/yyyy"
TEMPLATE_TIME_FORMAT = "hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def _kind_help(column) -> str:
    helps = {
        "text": _("Text, up to %(max)s characters.") % {"max": column.max_length},
        "code": _("Pick a value of the list; its meaning is in the sheet %(sheet)s.")
        % {"sheet": LISTS_SHEET},
        "date": _("A date, such as 05/09/2016."),
        "month_or_date": _("A date, or a month such as 2014-03."),
        "time": _("A time, such as 14:00."),
        "bool": _("Yes or no; empty means no."),
        "rating": _("A rating from 1 to 5; empty means not concerned."),
        "minutes": _("A whole number of minutes, from 1 to 720; empty when not recorded."),
        "niss": _("11 digits, with or without dots and dashes; checked."),
        "email": _("An e-mail address, such as name@example.be."),
        "country": _("A two-letter country code, such as BE or MA."),
        "groups": _("Group names separated by ;"),
    }
    if column.kind == "text" and not column.max_length:
        return _("Text.")
    return helps[column.kind]


def column_help(column) -> str:
    """The line of help of a template column, in the active language."""
    parts = [_("Required.") if column.required else _("Optional."), _kind_help(column)]
    if column.note:
        parts.append(str(column.note))
    return " ".join(parts)


LISTED_KINDS = ("code", "bool", "rating")


def _values_of(column) -> tuple:
    """The values of a drop-down: the codes, yes and no in the reader's language, 1 to 5."""
    if column.kind == "bool":
        return (str(YES_WORD), str(NO_WORD))
    if column.kind == "rating":
        return tuple(str(code) for code in RATING_CHOICES["codes"])
    return column.codes


def _meanings_of(column) -> list[str]:
    if column.kind == "bool":
        return [_("Yes"), _("No")]
    if column.kind == "rating":
        return [str(meaning) for meaning in RATING_CHOICES["meanings"]]
    return [str(meaning) for meaning in column.meanings]


def _template_lists(book):
    """The sheet of the drop-down lists: for each list its values and their meaning side
    by side. Returns, per list of values, the range the drop-downs read."""
    sheet = book.create_sheet(str(LISTS_SHEET))
    title = quote_sheetname(str(LISTS_SHEET))
    ranges = {}
    bold = Font(bold=True)
    column_index = 1
    for columns in SHEETS.values():
        for column in columns:
            if column.kind not in LISTED_KINDS:
                continue
            values, meanings = _values_of(column), _meanings_of(column)
            if values in ranges:
                continue
            code_letter = get_column_letter(column_index)
            meaning_letter = get_column_letter(column_index + 1)
            sheet.cell(1, column_index, str(column.label)).font = bold
            sheet.cell(1, column_index + 1, _("Meaning")).font = bold
            for row, (value, meaning) in enumerate(zip(values, meanings, strict=True), start=2):
                sheet.cell(row, column_index, value)
                sheet.cell(row, column_index + 1, meaning)
            sheet.column_dimensions[code_letter].width = max(14, len(str(column.label)) + 2)
            sheet.column_dimensions[meaning_letter].width = max([len(m) for m in meanings] + [12])
            last = len(values) + 1
            ranges[values] = f"{title}!${code_letter}$2:${code_letter}${last}"
            column_index += 3  # a blank column between two lists
    sheet.freeze_panes = "A2"
    return ranges


def template_workbook(language: str | None = None) -> bytes:
    """The empty workbook in ``language`` (the active one by default): each sheet with
    its headers in that language, a line of help on each header (a comment, and the
    message shown when a cell is chosen), a drop-down on every coded column reading the
    sheet of lists, and the date and time cells formatted as such. The importer accepts
    it in any language, filled in as it is."""
    with translation.override(language or translation.get_language()):
        return _template()


def _template() -> bytes:
    book = Workbook()
    book.remove(book.active)
    sheets = [(name, book.create_sheet(str(SHEET_LABELS[name]))) for name in SHEETS]
    ranges = _template_lists(book)
    bold = Font(bold=True)
    last_row = TEMPLATE_ROWS + 1
    for name, sheet in sheets:
        for index, column in enumerate(SHEETS[name], start=1):
            letter = get_column_letter(index)
            label = str(column.label)
            help_text = column_help(column)
            cell = sheet.cell(1, index, label)
            cell.font = bold
            cell.fill = HEADER_FILL
            cell.comment = Comment(help_text, "Parcours", width=260, height=110)
            sheet.column_dimensions[letter].width = max(WIDTHS.get(column.kind, 16), len(label) + 3)
            cells = f"{letter}2:{letter}{last_row}"
            if column.kind in LISTED_KINDS:
                check = DataValidation(
                    type="list",
                    formula1=ranges[_values_of(column)],
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="stop",
                    errorTitle=label[:32],
                    error=_("Pick a value of the list."),
                )
            else:
                check = DataValidation(allow_blank=True)
            check.showInputMessage = True
            check.promptTitle = label[:32]
            check.prompt = help_text[:255]
            check.add(cells)
            sheet.add_data_validation(check)
            number_format = {
                "date": TEMPLATE_DATE_FORMAT,
                "month_or_date": TEMPLATE_DATE_FORMAT,
                "time": TEMPLATE_TIME_FORMAT,
            }.get(column.kind, "@" if column.kind in ("text", "niss", "groups") else None)
            if number_format:
                # The column's own style: what Excel and LibreOffice give every cell typed
                # in it, on any row.
                sheet.column_dimensions[letter].number_format = number_format
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_file_name(organisation, *, first=None, last=None) -> str:
    name = f"parcours-{organisation.slug}"
    if first or last:
        name += f"-{first.isoformat() if first else ''}-{last.isoformat() if last else ''}"
    return name + ".xlsx"
