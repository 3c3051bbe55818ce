"""Exporting the programme workbook (the format of docs/import-format.md), and its empty
template.

``export_workbook(organisation)`` gives every record of the organisation;
``export_workbook(organisation, first=…, last=…)`` the subset of a period, for a funder's
report: the enrolments active in it, the assessments, sessions and attendance dated in
it, and the participants, groups and enrolments they reference, so that the subset is
itself a workbook the importer accepts. The sheets of records the import does not write
(consents, interventions, literacy tests, action plans) follow, for the coordinator's
records.

The workbook is in the reader's language, as the template is: sheet names, headers, the
codes written as their meanings, yes/no as the language's words. Dates are real dates
(number format yyyy-mm-dd), times ``HH:MM`` text; Excel and LibreOffice read them as such.
The import reads it back in any language.
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from parcours.assessments.models import Action, Assessment, DomainRating
from parcours.assessments.selectors import action_reviews
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.core.exports import is_formula_like, xlsx_text
from parcours.participants.models import (
    Consent,
    Intervention,
    InterventionDomain,
    LiteracyTest,
    Participant,
)
from parcours.programme.models import Enrolment, Group
from parcours.workbook.format import (
    LISTS_SHEET,
    NO_WORD,
    RATING_CHOICES,
    SHEET_LABELS,
    SHEETS,
    YES_WORD,
    imported_columns,
    imported_sheets,
    meanings,
    sheet_label,
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
    "code": 22,
    "code_list": 30,
}
# The fields of a person of the team, named as ``_person`` names them.
PERSON = ("first_name", "last_name", "username")


def _time(value: datetime.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _person(first_name, last_name, username):
    """A person of the team as their colleagues name them: the first and last names, the
    username (global to every organisation, so not a name to read) when there is none."""
    return " ".join(part for part in (first_name, last_name) if part) or username or None


def _person_fields(relation: str) -> tuple[str, ...]:
    return tuple(f"{relation}__{field}" for field in PERSON)


class _Writer:
    """A sheet of the export: its headers in the reader's language, then the stored
    values (codes, booleans, dates) written as the reader reads them, codes as their
    meanings; the import reads both back."""

    def __init__(self, book, name):
        self.sheet = book.create_sheet(sheet_label(name))
        columns = SHEETS[name]
        bold = Font(bold=True)
        header = []
        for index, column in enumerate(columns, start=1):
            label = str(column.label)
            width = WIDTHS.get(column.kind, 16)
            self.sheet.column_dimensions[get_column_letter(index)].width = max(
                width, len(label) + 2
            )
            cell = WriteOnlyCell(self.sheet, value=label)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        self.converters = [self._converter(column) for column in columns]

    def _converter(self, column):
        if column.kind == "code":
            words = meanings(column)
            return lambda value: self._text(words.get(value, value))
        if column.kind == "code_list":
            words = meanings(column)
            return lambda codes: self._text("; ".join(words.get(code, code) for code in codes))
        if column.kind == "bool":
            yes, no = str(YES_WORD), str(NO_WORD)
            return lambda value: yes if value else no
        if column.kind in ("date", "month_or_date"):
            return self._date
        return self._text

    def _date(self, value):
        if isinstance(value, datetime.date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        return value

    def _text(self, value):
        if value in ("", None):
            return None
        if is_formula_like(value):
            return xlsx_text(WriteOnlyCell(self.sheet, value=value))
        return value

    def append(self, values):
        self.sheet.append(
            [convert(value) for convert, value in zip(self.converters, values, strict=True)]
        )


@dataclass
class _Records:
    """What an export writes, as querysets (of the organisation, or of a period)."""

    organisation_id: int
    participants: QuerySet
    groups: QuerySet
    enrolments: QuerySet
    assessments: QuerySet
    sessions: QuerySet
    attendance: QuerySet
    consents: QuerySet
    interventions: QuerySet
    literacy_tests: QuerySet


def _querysets(organisation, first, last) -> _Records:
    enrolments = Enrolment.objects.filter(group__organisation=organisation)
    assessments = Assessment.objects.filter(enrolment__group__organisation=organisation)
    sessions = Session.objects.filter(organisation=organisation)
    attendance = Attendance.objects.filter(session__organisation=organisation)
    participants = Participant.objects.filter(organisation=organisation)
    groups = Group.objects.filter(organisation=organisation)
    if first is None and last is None:
        return _Records(
            organisation.pk,
            participants,
            groups,
            enrolments,
            assessments,
            sessions,
            attendance,
            Consent.objects.filter(participant__organisation=organisation),
            Intervention.objects.filter(participant__organisation=organisation),
            LiteracyTest.objects.filter(participant__organisation=organisation),
        )
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
    return _Records(
        organisation.pk,
        participants,
        groups,
        enrolments,
        assessments,
        sessions,
        attendance,
        *_period_records(participant_ids, first, last),
    )


def _period_records(participant_ids, first, last) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The consents in force at some time of the period, and the interventions and
    literacy tests dated in it, of the participants of the period's workbook."""
    consents = Consent.objects.filter(participant_id__in=participant_ids)
    interventions = Intervention.objects.filter(participant_id__in=participant_ids)
    tests = LiteracyTest.objects.filter(participant_id__in=participant_ids)
    if first is not None:
        consents = consents.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=first))
        interventions = interventions.filter(date__gte=first)
        tests = tests.filter(date__gte=first)
    if last is not None:
        consents = consents.filter(given_on__lte=last)
        interventions = interventions.filter(date__lte=last)
        tests = tests.filter(date__lte=last)
    return consents, interventions, tests


def _no_progress(percent: int, stage: str = "") -> None:
    pass


def export_workbook(
    organisation,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    progress=None,
    language: str | None = None,
) -> bytes:
    """The programme workbook of ``organisation`` (restricted to the period
    ``first``..``last`` when given), as the bytes of an .xlsx file, in ``language`` (the
    active one by default): sheet names, headers and the meanings of the codes.

    ``progress(percent, stage)``, when given, is told before each sheet is written (a
    background download shows it); it changes nothing in the file."""
    with translation.override(language or translation.get_language()):
        return _export(organisation, first, last, progress or _no_progress)


def _export(organisation, first, last, progress) -> bytes:
    progress(0, _("Selecting the records"))
    records = _querysets(organisation, first, last)
    book = Workbook(write_only=True)
    for percent, write in (
        (5, _write_participants),
        (20, _write_groups),
        (25, _write_enrolments),
        (35, _write_assessments),
        (50, _write_sessions),
        (60, _write_attendance),
        (80, _write_consents),
        (82, _write_interventions),
        (84, _write_literacy_tests),
        (86, _write_actions),
    ):
        write(book, records, lambda name, percent=percent: _tell(progress, percent, name))
    progress(90, _("Saving the file"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _tell(progress, percent, name) -> None:
    progress(percent, _("Writing the sheet %(sheet)s") % {"sheet": sheet_label(name)})


def _write_participants(book, records, tell):
    tell("participants")
    out = _Writer(book, "participants")
    fields = ("reference", *PARTICIPANT_FIELDS, *_person_fields("social_worker"))
    month_only = fields.index("inactive_since_month_only")
    for p in (
        records.participants.order_by("reference").values_list(*fields).iterator(chunk_size=CHUNK)
    ):
        inactive = p[month_only - 1]
        if inactive and p[month_only]:
            inactive = inactive.strftime("%Y-%m")
        out.append([*p[: month_only - 1], inactive, *p[month_only + 1 : -3], _person(*p[-3:])])


def _write_groups(book, records, tell):
    tell("groups")
    out = _Writer(book, "groups")
    for row in records.groups.order_by("start_date", "name").values_list(
        "name", "process_type", "start_date", "end_date"
    ):
        out.append(row)


def _write_enrolments(book, records, tell):
    tell("enrolments")
    out = _Writer(book, "enrolments")
    for row in (
        records.enrolments.order_by("participant__reference", "start_date", "group__name")
        .values_list(
            "participant__reference",
            "group__name",
            "start_date",
            "exit_date",
            "outcome",
            "outcome_detail",
            "qualification_gained",
        )
        .iterator(chunk_size=CHUNK)
    ):
        out.append(row)


def _write_assessments(book, records, tell):
    tell("assessments")
    out = _Writer(book, "assessments")
    ratings = defaultdict(dict)
    for assessment_id, domain, rating in (
        DomainRating.objects.filter(assessment__in=records.assessments)
        .values_list("assessment_id", "domain", "rating")
        .iterator(chunk_size=CHUNK)
    ):
        ratings[assessment_id][domain] = rating
    moments = {"entry": 0, "middle": 1, "end": 2}
    rows = sorted(
        records.assessments.values_list(
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


def _write_sessions(book, records, tell):
    tell("sessions")
    out = _Writer(book, "sessions")
    session_groups = defaultdict(list)
    for session_id, name in (
        Session.groups.through.objects.filter(session__in=records.sessions)
        .order_by("group__name")
        .values_list("session_id", "group__name")
        .iterator(chunk_size=CHUNK)
    ):
        session_groups[session_id].append(name)
    for pk, workshop, axis, kind, provider, day, start, end, cancelled in (
        records.sessions.order_by("date", "start_time", "workshop__name")
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
                cancelled,
            ]
        )


def _write_attendance(book, records, tell):
    tell("attendance")
    out = _Writer(book, "attendance")
    for ref, workshop, day, start, status in (
        records.attendance.order_by(
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


def _write_consents(book, records, tell):
    tell("consents")
    out = _Writer(book, "consents")
    for row in (
        records.consents.order_by("participant__reference", "purpose", "given_on", "pk")
        .values_list(
            "participant__reference",
            "purpose",
            "given_on",
            "withdrawn_on",
            *_person_fields("collected_by"),
        )
        .iterator(chunk_size=CHUNK)
    ):
        out.append([*row[:4], _person(*row[4:])])


def _write_interventions(book, records, tell):
    tell("interventions")
    out = _Writer(book, "interventions")
    order = {domain: index for index, domain in enumerate(Domain.values)}
    domains = defaultdict(list)
    for intervention_id, domain in (
        InterventionDomain.objects.filter(intervention__in=records.interventions)
        .values_list("intervention_id", "domain")
        .iterator(chunk_size=CHUNK)
    ):
        domains[intervention_id].append(domain)
    # The notes stay out: confidential, never shown to leaders or funders, and a
    # period's workbook goes to a funder.
    for pk, ref, day, kind, minutes, *author in (
        records.interventions.order_by("participant__reference", "date", "pk")
        .values_list(
            "pk",
            "participant__reference",
            "date",
            "kind",
            "duration_minutes",
            *_person_fields("author"),
        )
        .iterator(chunk_size=CHUNK)
    ):
        concerned = sorted(domains[pk], key=lambda domain: order.get(domain, len(order)))
        out.append([ref, day, kind, minutes, concerned, _person(*author)])


def _write_literacy_tests(book, records, tell):
    tell("literacy_tests")
    out = _Writer(book, "literacy_tests")
    for row in (
        records.literacy_tests.order_by("participant__reference", "date", "pk")
        .values_list(
            "participant__reference",
            "date",
            *LiteracyTest.SKILLS,
            "orientation",
            "duration_minutes",
            "comment",
            *_person_fields("examiner"),
        )
        .iterator(chunk_size=CHUNK)
    ):
        out.append([*row[:-3], _person(*row[-3:])])


def _write_actions(book, records, tell):
    """The action plans: every action, then every review of them (the trail keeps them;
    an action keeps only its last)."""
    tell("actions")
    out = _Writer(book, "actions")
    actions = []
    for pk, *row in (
        Action.objects.filter(enrolment__in=records.enrolments)
        .order_by("enrolment__participant__reference", "enrolment__group__name", "due_date", "pk")
        .values_list(
            "pk",
            "enrolment__participant__reference",
            "enrolment__group__name",
            "domain",
            "description",
            "own_words",
            "responsible",
            "due_date",
            "status",
            "agreed_at__date",
            "reviewed_at__date",
        )
        .iterator(chunk_size=CHUNK)
    ):
        out.append(row)
        actions.append((pk, row[:4]))
    tell("action_reviews")
    out = _Writer(book, "action_reviews")
    for start in range(0, len(actions), CHUNK):
        _write_reviews(out, actions[start : start + CHUNK], records.organisation_id)


def _write_reviews(out, actions, organisation_id):
    """The reviews of a chunk of actions: the trail's rows of them, and the assessments
    they were reviewed at (a few queries a chunk, whatever its size)."""
    reviews = action_reviews(
        [Action(pk=pk) for pk, _row in actions], organisation_id=organisation_id
    )
    assessment_ids = {review.assessment_id for found in reviews.values() for review in found}
    assessments = {
        pk: (moment, day)
        for pk, moment, day in Assessment.objects.filter(pk__in=assessment_ids).values_list(
            "pk", "moment", "date"
        )
    }
    for pk, (ref, group, domain, description) in actions:
        for review in reviews[pk]:
            moment, day = assessments.get(review.assessment_id, (None, None))
            out.append([ref, group, domain, description, moment, day, review.status or None])


# Rows of the template given a drop-down list and a line of help.
TEMPLATE_ROWS = 5000
TEMPLATE_DATE_FORMAT = "dd/mm/yyyy"
TEMPLATE_TIME_FORMAT = "hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def _kind_help(column) -> str:
    helps = {
        "text": _("Text, up to %(max)s characters.") % {"max": column.max_length},
        "code": _("Pick a value of the list; the sheet %(sheet)s gives the code of each.")
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
    """The values of a drop-down: the codes' meanings in the reader's language, yes and
    no in that language, 1 to 5."""
    if column.kind == "bool":
        return (str(YES_WORD), str(NO_WORD))
    if column.kind == "rating":
        return tuple(str(code) for code in RATING_CHOICES["codes"])
    return tuple(meanings(column).values())


def _beside_values(column) -> tuple[str, list[str]]:
    """The heading and the cells written beside a drop-down's values: the codes (which
    the import accepts as well), or what a yes/no or a rating means."""
    if column.kind == "bool":
        return _("Meaning"), [_("Yes"), _("No")]
    if column.kind == "rating":
        return _("Meaning"), [str(meaning) for meaning in RATING_CHOICES["meanings"]]
    return _("Code"), list(column.codes)


def _template_lists(book):
    """The sheet of the drop-down lists: for each list its values and, beside them, their
    codes (or meaning). Returns, per list of values, the range the drop-downs read."""
    sheet = book.create_sheet(str(LISTS_SHEET))
    title = quote_sheetname(str(LISTS_SHEET))
    ranges = {}
    bold = Font(bold=True)
    column_index = 1
    for name in imported_sheets():
        for column in imported_columns(name):
            if column.kind not in LISTED_KINDS:
                continue
            values = _values_of(column)
            if values in ranges:
                continue
            heading, beside = _beside_values(column)
            value_letter = get_column_letter(column_index)
            beside_letter = get_column_letter(column_index + 1)
            sheet.cell(1, column_index, str(column.label)).font = bold
            sheet.cell(1, column_index + 1, heading).font = bold
            for row, (value, other) in enumerate(zip(values, beside, strict=True), start=2):
                sheet.cell(row, column_index, value)
                sheet.cell(row, column_index + 1, other)
            sheet.column_dimensions[value_letter].width = max(
                [len(value) for value in values] + [14, len(str(column.label)) + 2]
            )
            sheet.column_dimensions[beside_letter].width = max([len(b) for b in beside] + [12])
            last = len(values) + 1
            ranges[values] = f"{title}!${value_letter}$2:${value_letter}${last}"
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
    sheets = [(name, book.create_sheet(str(SHEET_LABELS[name]))) for name in imported_sheets()]
    ranges = _template_lists(book)
    bold = Font(bold=True)
    last_row = TEMPLATE_ROWS + 1
    for name, sheet in sheets:
        for index, column in enumerate(imported_columns(name), start=1):
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
