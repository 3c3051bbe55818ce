"""What can be wrong with a workbook, by code: a problem is kept as its code and its
parameters (the job's ``errors``), and worded only when someone reads it, in their own
language (issue 20). A problem stored before the codes (a ``message`` already worded) is
shown as it was written.

The code is what is stored: change a message's words freely, never its code.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.core.durations import DURATION_BOUNDS
from parcours.workbook.format import code_meaning, worded_codes


def _niss_reason(params) -> str:
    """Why a national number was refused, found again (in the reader's language) from
    the number and the birth date the row gave."""
    from parcours.participants.services import checked_niss

    birth_date = params.get("birth_date")
    try:
        checked_niss(params["value"], birth_date=_date(birth_date) if birth_date else None)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _date(text):
    import datetime

    return datetime.date.fromisoformat(text)


MESSAGES = {
    # the file
    "not_a_workbook": gettext_lazy(
        "This file is not an Excel workbook (.xlsx). Save it in the .xlsx format "
        "(Excel, or LibreOffice: “Excel 2007-365”) and send it again."
    ),
    "file_too_large": gettext_lazy(
        "The file is too large (%(size)s MB): the limit is %(limit)s MB."
    ),
    "unpacked_too_large": gettext_lazy("The workbook is too large once unpacked."),
    # the sheets and their headers
    "unknown_sheet": gettext_lazy("Unknown sheet; the sheets of the workbook are: %(sheets)s."),
    "sheet_twice": gettext_lazy("This sheet appears twice."),
    "sheet_missing": gettext_lazy("This sheet is missing: it is required."),
    "too_many_rows": gettext_lazy(
        "The sheet has more than %(limit)s rows: split the workbook, nothing has been imported."
    ),
    "no_header": gettext_lazy("The sheet has no header row."),
    "column_twice": gettext_lazy("This column appears twice."),
    "unknown_column": gettext_lazy("Unknown column; the columns of this sheet are: %(columns)s."),
    "required_column_missing": gettext_lazy("This required column is missing."),
    # a cell
    "required_cell": gettext_lazy("This cell is required."),
    "too_long": gettext_lazy("'%(value)s…' is too long: at most %(max)s characters."),
    "not_an_email": gettext_lazy("'%(value)s' is not an e-mail address."),
    "not_a_code": gettext_lazy(
        "'%(value)s' is not a value of this column; use one of: %(allowed)s."
    ),
    "implausible_date": gettext_lazy("'%(value)s' is not a plausible date."),
    "month_not_date": gettext_lazy(
        "'%(value)s' is a month: this column needs a full date (2016-09-05)."
    ),
    "not_a_date": gettext_lazy("'%(value)s' is not a date (write it as 2016-09-05)."),
    "not_date_or_month": gettext_lazy(
        "'%(value)s' is neither a date (2016-09-05) nor a month (2014-03)."
    ),
    "not_a_time": gettext_lazy("'%(value)s' is not a time (write it as 14:00)."),
    "not_yes_no": gettext_lazy("'%(value)s' is neither yes nor no."),
    "not_a_rating": gettext_lazy("'%(value)s' is not a rating from 1 to 5."),
    "not_minutes": gettext_lazy(
        "'%(value)s' is not a duration: write a whole number of minutes, such as 75."
    ),
    "minutes_out_of_bounds": DURATION_BOUNDS,
    "not_a_niss": gettext_lazy("'%(value)s' is not a national register number."),
    "not_a_country": gettext_lazy(
        "'%(value)s' is not a country code (two letters, such as BE or MA)."
    ),
    "group_name_too_long": gettext_lazy("'%(value)s…' is too long for a group name."),
    "no_group": gettext_lazy("Give at least one group name."),
    # a row, and rows against each other and the records stored
    "duplicate_key": gettext_lazy("This row repeats the key of row %(row)s."),
    "birth_in_future": gettext_lazy("'%(value)s' is in the future."),
    "niss_invalid": gettext_lazy("'%(value)s': %(reason)s"),
    "niss_twice": gettext_lazy("This national register number is already on row %(row)s."),
    "niss_taken": gettext_lazy(
        "The participant %(reference)s already has this national register number."
    ),
    "unknown_participant": gettext_lazy(
        "Unknown participant '%(value)s': the reference is neither in the participants "
        "sheet nor in the application."
    ),
    "unknown_group": gettext_lazy(
        "Unknown group '%(value)s': it is neither in the groups sheet nor in the application."
    ),
    "unknown_session": gettext_lazy(
        "Unknown session %(value)s: it is neither in the sessions sheet nor in the application."
    ),
    "unknown_enrolment": gettext_lazy(
        "Unknown enrolment: %(participant)s is not enrolled in the group "
        "'%(group)s', neither in the enrolments sheet nor in the application."
    ),
    "end_before_start": gettext_lazy("The end (%(end)s) comes before the start (%(start)s)."),
    "group_ended": gettext_lazy(
        "The group %(group)s ended on %(date)s: nobody can be enrolled in it any more."
    ),
    "exit_before_start": gettext_lazy("The exit (%(exit)s) comes before the start (%(start)s)."),
    "exit_without_outcome": gettext_lazy("An exit needs its outcome."),
    "outcome_without_exit": gettext_lazy("An outcome needs its exit date."),
    "detail_without_outcome": gettext_lazy("A detail needs its outcome."),
    "detail_not_of_outcome": gettext_lazy(
        "'%(detail)s' is not a detail of the outcome %(outcome)s (use: %(allowed)s)."
    ),
    "end_not_after_start": gettext_lazy("The end (%(end)s) is not after the start (%(start)s)."),
    "team_names_provider": gettext_lazy(
        "A session led by the team names no provider (provider_kind is team)."
    ),
    "provider_missing": gettext_lazy("Name the subcontractor or partner who leads this session."),
    "workshop_two_axes": gettext_lazy(
        "The workshop '%(workshop)s' has the axis %(axis)s on row %(row)s."
    ),
}

# What an import says without stopping (``Plan.notices``): kept and worded the same way.
NOTICES = {
    "sheet_not_imported": gettext_lazy(
        "This sheet is exported for your records and is not imported."
    ),
    "column_not_imported": gettext_lazy(
        "This column is exported for your records and is not imported."
    ),
}
MESSAGES |= NOTICES


def _grouped_limit(params) -> str:
    return number_format(params["limit"], force_grouping=True)


def _codes(text: str) -> list[str]:
    return [code for code in text.split(", ") if code and code != "—"]


def _allowed_values(params) -> str:
    """The values a coded cell accepts, in the reader's language (a problem keeps the
    column's codes)."""
    return "; ".join(worded_codes(tuple(_codes(params.get("codes", ""))))) or "—"


def _allowed_details(params) -> str:
    worded = [code_meaning("enrolments", "outcome_detail", c) for c in _codes(params["allowed"])]
    return "; ".join(worded) or "—"


# Parameters worded when read (in the reader's language and number format).
WORDED_PARAMETERS = {
    "niss_invalid": {"reason": _niss_reason},
    "too_many_rows": {"limit": _grouped_limit},
    "not_a_code": {"allowed": _allowed_values},
    "detail_not_of_outcome": {
        "detail": lambda params: code_meaning("enrolments", "outcome_detail", params["detail"]),
        "outcome": lambda params: code_meaning("enrolments", "outcome", params["outcome"]),
        "allowed": _allowed_details,
    },
}


def word(code: str, params: dict) -> str:
    """The message of ``code`` in the active language."""
    params = dict(params)
    for name, find in WORDED_PARAMETERS.get(code, {}).items():
        params[name] = find(params)
    text = str(MESSAGES[code])
    return text % params if params else text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where it is and what to do about it: ``code`` (a
    key of ``MESSAGES``) and its ``params``, worded in the reader's language."""

    sheet: str = ""
    row: int | None = None
    column: str = ""
    code: str = ""
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return word(self.code, self.params)

    def __str__(self):
        return placed(self.sheet, self.row, self.column, self.message)

    def as_dict(self) -> dict:
        """What a job keeps: the place, the code and its parameters, no words."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "params": self.params,
        }


def placed(sheet, row, column, message) -> str:
    if sheet and row and column:
        return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
            "sheet": sheet,
            "row": row,
            "column": column,
            "message": message,
        }
    if sheet and row:
        return _("Sheet %(sheet)s, row %(row)s: %(message)s") % {
            "sheet": sheet,
            "row": row,
            "message": message,
        }
    if sheet:
        return _("Sheet %(sheet)s: %(message)s") % {"sheet": sheet, "message": message}
    return message


def stored_message(error: dict) -> str:
    """The message of a problem kept by a job, in the reader's language: worded from its
    code, or, for one kept before the codes (or of a code since retired), as written."""
    code = error.get("code")
    if code in MESSAGES:
        return word(code, error.get("params") or {})
    return error.get("message", "")
