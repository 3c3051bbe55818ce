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
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from parcours.assessments.models import Assessment, DomainRating
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.core.exports import is_formula_like, xlsx_text
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.workbook.format import CODE_EXPLANATIONS_FR, CODES_HEADER_FR, CODES_SHEET, SHEETS
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


def template_workbook() -> bytes:
    """The empty workbook: every sheet with its headers, and a `codes` sheet that
    explains the codes in French."""
    book = Workbook(write_only=True)
    for name in SHEETS:
        _Writer(book, name)
    codes = book.create_sheet(CODES_SHEET)
    for letter, width in zip("ABCD", (14, 34, 22, 48), strict=True):
        codes.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for title in CODES_HEADER_FR:
        cell = WriteOnlyCell(codes, value=title)
        cell.font = bold
        header.append(cell)
    codes.append(header)
    for row in CODE_EXPLANATIONS_FR:
        codes.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_file_name(organisation, *, first=None, last=None) -> str:
    name = f"parcours-{organisation.slug}"
    if first or last:
        name += f"-{first.isoformat() if first else ''}-{last.isoformat() if last else ''}"
    return name + ".xlsx"
