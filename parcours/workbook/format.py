"""The programme workbook: its sheets, their columns and the codes they use
(docs/import-format.md). Import, export and the empty template all read this
one description, so they cannot drift apart."""

import functools
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext_lazy

from parcours.assessments.enums import ActionStatus, Moment, Rating
from parcours.attendance.enums import Presence
from parcours.core.domains import Domain
from parcours.participants.enums import (
    Answer,
    ConsentPurpose,
    FrenchLevel,
    Gender,
    InterventionKind,
    LabourMarketStatus,
    LanguageCourse,
    LiteracyLevel,
    Orientation,
    QualificationLevel,
    Recognition,
    UnemploymentDuration,
)
from parcours.programme.enums import (
    OUTCOME_DETAILS,
    ExitOutcome,
    ProcessType,
    YesNo,
)
from parcours.workshops.enums import Axis, ProviderKind

# The explanation sheet of the templates made before issue 20: the importer skips it.
CODES_SHEET = "codes"
# The template's sheet of the drop-down lists (in the reader's language): skipped too.
LISTS_SHEET = pgettext_lazy("workbook sheet", "Lists")


def normalised(text) -> str:
    """A sheet or column name as the importer compares it: trimmed, in small letters,
    inner spaces single, accents kept (``Début`` is not ``debut``)."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).lower()


@dataclass(frozen=True)
class Column:
    name: str
    # text, email, code, date, month_or_date, time, bool, rating, minutes, niss, country,
    # groups, code_list (codes separated by ; written only by the export)
    kind: str
    required: bool = False
    codes: tuple = ()
    max_length: int | None = None
    # The header of the template in the reader's language (lazy), and what the codes
    # mean (lazy, in the order of ``codes``).
    label: str = ""
    meanings: tuple = ()
    note: str = ""
    # False for a column the export writes for the coordinator's records and the import
    # skips (saying so): the template leaves it out.
    imported: bool = True


def _coded(*choices) -> dict:
    """``codes`` and ``meanings`` of a code column, from its enums."""
    pairs = [pair for enum in choices for pair in enum.choices]
    return {
        "codes": tuple(code for code, _meaning in pairs),
        "meanings": tuple(meaning for _code, meaning in pairs),
    }


FILE_NUMBER = pgettext_lazy("workbook column", "File number")
GROUP = pgettext_lazy("workbook column", "Group")
WORKSHOP = pgettext_lazy("workbook column", "Workshop")
DATE = pgettext_lazy("workbook column", "Date")
START_TIME = pgettext_lazy("workbook column", "Start time")
START = pgettext_lazy("workbook column", "Start")
DURATION = pgettext_lazy("workbook column", "Duration (minutes)")
COMMENT = pgettext_lazy("workbook column", "Comment")
YES_NO_CHOICES = _coded(YesNo)
# A person of the team, in the sheets the export writes for the records: usernames are
# global, so the workbook names people as their colleagues do.
PERSON_NOTE = pgettext_lazy(
    "workbook column", "First and last name of the account (its username when it has none)."
)


def _participant_column() -> Column:
    return Column("participant", "text", required=True, max_length=40, label=FILE_NUMBER)


def _action_columns() -> tuple[Column, ...]:
    """What names an action: its participant, group, domain and wording (an action and
    each of its reviews)."""
    return (
        _participant_column(),
        Column("group", "text", required=True, max_length=100, label=GROUP),
        Column(
            "domain",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Domain"),
            **_coded(Domain),
        ),
        Column(
            "description", "text", required=True, label=pgettext_lazy("workbook column", "Action")
        ),
    )


def _person_column(name: str, label) -> Column:
    return Column(name, "text", label=label, note=PERSON_NOTE, imported=False)


SHEETS: dict[str, tuple[Column, ...]] = {
    "participants": (
        Column(
            "reference",
            "text",
            required=True,
            max_length=40,
            label=FILE_NUMBER,
            note=pgettext_lazy(
                "workbook column", "The CPAS's file number, unique: the key of the row."
            ),
        ),
        Column(
            "last_name",
            "text",
            required=True,
            max_length=150,
            label=pgettext_lazy("workbook column", "Last name"),
        ),
        Column(
            "first_name",
            "text",
            required=True,
            max_length=150,
            label=pgettext_lazy("workbook column", "First name"),
        ),
        Column(
            "gender",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Gender"),
            **_coded(Gender),
        ),
        Column(
            "birth_date",
            "date",
            required=True,
            label=pgettext_lazy("workbook column", "Date of birth"),
        ),
        Column(
            "birth_country", "country", label=pgettext_lazy("workbook column", "Country of birth")
        ),
        Column("nationality", "country", label=pgettext_lazy("workbook column", "Nationality")),
        Column("niss", "niss", label=pgettext_lazy("workbook column", "National register number")),
        Column(
            "qualification_level",
            "code",
            label=pgettext_lazy("workbook column", "Qualification level"),
            **_coded(QualificationLevel),
        ),
        Column(
            "qualification_recognised",
            "code",
            label=pgettext_lazy("workbook column", "Qualification recognised"),
            **_coded(Recognition),
        ),
        Column("never_worked", "bool", label=pgettext_lazy("workbook column", "Never worked")),
        Column(
            "inactive_since",
            "month_or_date",
            label=pgettext_lazy("workbook column", "Without work since"),
            note=pgettext_lazy("workbook column", "When the last job ended."),
        ),
        Column(
            "french_level",
            "code",
            label=pgettext_lazy("workbook column", "Level of French"),
            **_coded(FrenchLevel),
        ),
        Column(
            "language_course",
            "code",
            label=pgettext_lazy("workbook column", "Language course"),
            **_coded(LanguageCourse),
        ),
        # On entering, for the ESF+ indicators; a workbook without them keeps what is stored.
        Column(
            "labour_market_status",
            "code",
            label=pgettext_lazy("workbook column", "Labour market status"),
            note=pgettext_lazy("workbook column", "On entering the programme."),
            **_coded(LabourMarketStatus),
        ),
        Column(
            "unemployment_duration",
            "code",
            label=pgettext_lazy("workbook column", "Unemployment duration"),
            note=pgettext_lazy("workbook column", "On entering the programme."),
            **_coded(UnemploymentDuration),
        ),
        Column(
            "housing_exclusion",
            "code",
            label=pgettext_lazy("workbook column", "Housing exclusion"),
            **_coded(Answer),
        ),
        Column(
            "rural_area",
            "code",
            label=pgettext_lazy("workbook column", "Rural area"),
            **_coded(Answer),
        ),
        Column(
            "disability",
            "code",
            label=pgettext_lazy("workbook column", "Disability"),
            **_coded(Answer),
        ),
        Column(
            "foreign_background",
            "code",
            label=pgettext_lazy("workbook column", "Foreign background"),
            **_coded(Answer),
        ),
        Column(
            "minority", "code", label=pgettext_lazy("workbook column", "Minority"), **_coded(Answer)
        ),
        # The contact details (issue 20: "every record" left them out); a workbook without
        # them keeps what is stored.
        Column("phone", "text", max_length=30, label=pgettext_lazy("workbook column", "Phone")),
        Column("email", "email", max_length=254, label=pgettext_lazy("workbook column", "E-mail")),
        Column(
            "address", "text", max_length=200, label=pgettext_lazy("workbook column", "Address")
        ),
        Column(
            "postal_code",
            "text",
            max_length=10,
            label=pgettext_lazy("workbook column", "Postal code"),
        ),
        Column("city", "text", max_length=100, label=pgettext_lazy("workbook column", "Town")),
        # Exported for the records; the import leaves the assignment to Parcours, as
        # accounts are not part of the workbook (docs/import-format.md §3).
        _person_column("social_worker", pgettext_lazy("workbook column", "Social worker")),
    ),
    "groups": (
        Column(
            "name",
            "text",
            required=True,
            max_length=100,
            label=pgettext_lazy("workbook column", "Group name"),
            note=pgettext_lazy("workbook column", "Unique: the key of the row."),
        ),
        Column(
            "process_type",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Process"),
            **_coded(ProcessType),
        ),
        Column("start_date", "date", required=True, label=START),
        Column("end_date", "date", required=True, label=pgettext_lazy("workbook column", "End")),
    ),
    "enrolments": (
        Column("participant", "text", required=True, max_length=40, label=FILE_NUMBER),
        Column("group", "text", required=True, max_length=100, label=GROUP),
        Column("start_date", "date", required=True, label=START),
        Column(
            "exit_date",
            "date",
            label=pgettext_lazy("workbook column", "Exit date"),
            note=pgettext_lazy("workbook column", "Empty while the enrolment runs."),
        ),
        Column(
            "outcome",
            "code",
            label=pgettext_lazy("workbook column", "Outcome"),
            note=pgettext_lazy("workbook column", "Required with an exit date."),
            **_coded(ExitOutcome),
        ),
        Column(
            "outcome_detail",
            "code",
            label=pgettext_lazy("workbook column", "Outcome detail"),
            note=pgettext_lazy("workbook column", "It must belong to the outcome."),
            **_coded(*(details for details in OUTCOME_DETAILS.values() if details)),
        ),
        Column(
            "qualification_gained",
            "code",
            label=pgettext_lazy("workbook column", "Qualification gained"),
            **YES_NO_CHOICES,
        ),
    ),
    "assessments": (
        Column("participant", "text", required=True, max_length=40, label=FILE_NUMBER),
        Column("group", "text", required=True, max_length=100, label=GROUP),
        Column(
            "moment",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Moment"),
            **_coded(Moment),
        ),
        Column("date", "date", required=True, label=DATE),
        # Optional: older workbooks have no duration, and an assessment without one is
        # counted as such in the report.
        Column("duration_minutes", "minutes", label=DURATION),
        *(Column(domain.value, "rating", label=domain.label) for domain in Domain),
    ),
    "sessions": (
        Column("workshop", "text", required=True, max_length=150, label=WORKSHOP),
        Column(
            "axis",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Axis"),
            **_coded(Axis),
        ),
        Column(
            "provider_kind",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Led by"),
            **_coded(ProviderKind),
        ),
        Column(
            "provider",
            "text",
            max_length=150,
            label=pgettext_lazy("workbook column", "Provider"),
            note=pgettext_lazy(
                "workbook column", "Required for a subcontractor or a partner, empty for the team."
            ),
        ),
        Column("groups", "groups", required=True, label=pgettext_lazy("workbook column", "Groups")),
        Column("date", "date", required=True, label=DATE),
        Column("start_time", "time", required=True, label=START_TIME),
        Column(
            "end_time", "time", required=True, label=pgettext_lazy("workbook column", "End time")
        ),
        Column("cancelled", "bool", label=pgettext_lazy("workbook column", "Cancelled")),
    ),
    "attendance": (
        Column("participant", "text", required=True, max_length=40, label=FILE_NUMBER),
        Column("workshop", "text", required=True, max_length=150, label=WORKSHOP),
        Column("date", "date", required=True, label=DATE),
        Column("start_time", "time", required=True, label=START_TIME),
        # The format lists present, absent and excused; `late` (a late arrival, who
        # attended) is the application's fourth mark, accepted so that an export of
        # registers taken in Parcours imports back unchanged.
        Column(
            "status",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Mark"),
            **_coded(Presence),
        ),
    ),
    # The records the export writes for the coordinator and the import skips, saying so
    # (EXPORT_ONLY_SHEETS).
    "consents": (
        _participant_column(),
        Column(
            "purpose",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Purpose"),
            **_coded(ConsentPurpose),
        ),
        Column(
            "given_on", "date", required=True, label=pgettext_lazy("workbook column", "Given on")
        ),
        Column("withdrawn_on", "date", label=pgettext_lazy("workbook column", "Withdrawn on")),
        _person_column("collected_by", pgettext_lazy("workbook column", "Collected by")),
    ),
    "interventions": (
        _participant_column(),
        Column("date", "date", required=True, label=DATE),
        Column(
            "kind",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Kind of intervention"),
            **_coded(InterventionKind),
        ),
        Column("duration_minutes", "minutes", required=True, label=DURATION),
        Column(
            "domains",
            "code_list",
            label=pgettext_lazy("workbook column", "Domains concerned"),
            **_coded(Domain),
        ),
        _person_column("author", pgettext_lazy("workbook column", "Written by")),
    ),
    "literacy_tests": (
        _participant_column(),
        Column("date", "date", required=True, label=DATE),
        *(
            Column(name, "code", required=True, label=label, **_coded(LiteracyLevel))
            for name, label in (
                ("oral_comprehension", pgettext_lazy("workbook column", "Oral comprehension")),
                ("oral_expression", pgettext_lazy("workbook column", "Oral expression")),
                ("reading", pgettext_lazy("workbook column", "Reading")),
                ("writing", pgettext_lazy("workbook column", "Writing")),
            )
        ),
        Column(
            "orientation",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Orientation"),
            **_coded(Orientation),
        ),
        Column("duration_minutes", "minutes", label=DURATION),
        Column("comment", "text", label=COMMENT),
        _person_column("examiner", pgettext_lazy("workbook column", "Run by")),
    ),
    "actions": (
        *_action_columns(),
        Column(
            "own_words",
            "text",
            label=pgettext_lazy("workbook column", "In the participant's words"),
        ),
        Column("responsible", "text", required=True, label=pgettext_lazy("workbook column", "Who")),
        Column(
            "due_date", "date", required=True, label=pgettext_lazy("workbook column", "By when")
        ),
        Column(
            "status",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Status"),
            **_coded(ActionStatus),
        ),
        Column(
            "agreed_on",
            "date",
            label=pgettext_lazy("workbook column", "Agreed at the assessment of"),
        ),
        Column(
            "reviewed_on",
            "date",
            label=pgettext_lazy("workbook column", "Last reviewed at the assessment of"),
        ),
    ),
    # Every review of an action, from the trail (an action keeps only its last one).
    "action_reviews": (
        *_action_columns(),
        Column(
            "moment",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Assessment"),
            **_coded(Moment),
        ),
        Column(
            "date",
            "date",
            required=True,
            label=pgettext_lazy("workbook column", "Date of the assessment"),
        ),
        Column(
            "status",
            "code",
            required=True,
            label=pgettext_lazy("workbook column", "Status given"),
            **_coded(ActionStatus),
        ),
    ),
}

# The sheets of records the import does not write: it skips them and says so.
EXPORT_ONLY_SHEETS = frozenset(
    {"consents", "interventions", "literacy_tests", "actions", "action_reviews"}
)

SHEET_LABELS = {
    "participants": pgettext_lazy("workbook sheet", "Participants"),
    "groups": pgettext_lazy("workbook sheet", "Groups"),
    "enrolments": pgettext_lazy("workbook sheet", "Enrolments"),
    "assessments": pgettext_lazy("workbook sheet", "Assessments"),
    "sessions": pgettext_lazy("workbook sheet", "Sessions"),
    "attendance": pgettext_lazy("workbook sheet", "Attendance"),
    "consents": pgettext_lazy("workbook sheet", "Consents"),
    "interventions": pgettext_lazy("workbook sheet", "Interventions"),
    "literacy_tests": pgettext_lazy("workbook sheet", "Literacy tests"),
    "actions": pgettext_lazy("workbook sheet", "Actions"),
    "action_reviews": pgettext_lazy("workbook sheet", "Action reviews"),
}

REQUIRED_SHEETS = ("participants",)

# The words of a yes/no cell, as the template's drop-down offers them.
YES_WORD = pgettext_lazy("workbook yes/no", "yes")
NO_WORD = pgettext_lazy("workbook yes/no", "no")
RATING_CHOICES = _coded(Rating)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _in_every_language(text) -> set[str]:
    names = set()
    for language in _languages():
        with translation.override(language):
            names.add(normalised(text))
    return names


@functools.cache
def sheet_names() -> dict[str, str]:
    """Every accepted sheet title (normalised) → the sheet: its code name, and its label
    in each of the interface's languages (a template filled in Dutch imports anywhere)."""
    names = {}
    for sheet, label in SHEET_LABELS.items():
        names[sheet] = sheet
        for name in _in_every_language(label):
            names.setdefault(name, sheet)
    return names


@functools.cache
def skipped_sheet_names() -> frozenset[str]:
    """The template's explanation sheets, in every language: never imported."""
    return frozenset({CODES_SHEET, *_in_every_language(LISTS_SHEET)})


@functools.cache
def column_names(sheet: str) -> dict[str, str]:
    """Every accepted header of ``sheet`` (normalised) → the column's code name: the code
    name (the headers of every workbook made before issue 20, and of the export) and the
    label in each language."""
    names = {column.name: column.name for column in SHEETS[sheet]}
    for column in SHEETS[sheet]:
        for name in _in_every_language(column.label):
            names.setdefault(name, column.name)
    return names


def sheet_label(sheet: str) -> str:
    """A sheet's name in the active language, as the template names it (the code name for
    a sheet the template has not, or an unknown one as it was written)."""
    label = SHEET_LABELS.get(sheet)
    return str(label) if label else sheet


def column_label(sheet: str, column: str) -> str:
    """A column's header in the active language, as the template writes it."""
    for known in SHEETS.get(sheet, ()):
        if known.name == column:
            return str(known.label)
    return column


def imported_sheets() -> list[str]:
    """The sheets the import writes, in the order of the workbook (the template's)."""
    return [name for name in SHEETS if name not in EXPORT_ONLY_SHEETS]


def imported_columns(sheet: str) -> tuple[Column, ...]:
    """The columns of ``sheet`` the import reads (the template's)."""
    return tuple(column for column in SHEETS[sheet] if column.imported)


def meanings(column: Column) -> dict[str, str]:
    """Each code of ``column`` → its meaning in the active language (what the export
    writes and the template's drop-down offers)."""
    return {code: str(meaning) for code, meaning in zip(column.codes, column.meanings, strict=True)}


_ALIASES: dict[int, dict[str, str]] = {}


def code_aliases(column: Column) -> dict[str, str]:
    """Every accepted value of a coded column (normalised) → its code: the code, and its
    meaning in each of the interface's languages (an export read in another language
    imports as it is). A code wins over a meaning that would read as another code."""
    aliases = _ALIASES.get(id(column))
    if aliases is None:
        aliases = {}
        for code, meaning in zip(column.codes, column.meanings, strict=True):
            for name in _in_every_language(meaning):
                aliases.setdefault(name, code)
        aliases |= {normalised(code): code for code in column.codes}
        _ALIASES[id(column)] = aliases
    return aliases


@functools.cache
def _columns_by_codes() -> dict[tuple, Column]:
    found = {}
    for columns in SHEETS.values():
        for column in columns:
            if column.codes:
                found.setdefault(column.codes, column)
    return found


def worded_codes(codes: tuple) -> list[str]:
    """The meanings, in the active language, of the codes of a column (as a problem keeps
    them); the codes themselves when no column has exactly these."""
    column = _columns_by_codes().get(tuple(codes))
    if column is None:
        return list(codes)
    return [meanings(column)[code] for code in codes]


def code_meaning(sheet: str, column: str, code: str) -> str:
    """The meaning, in the active language, of a code of the column ``column`` of
    ``sheet`` (the code itself when it has none): to word a code a problem names."""
    for known in SHEETS.get(sheet, ()):
        if known.name == column:
            return meanings(known).get(code, code)
    return code
