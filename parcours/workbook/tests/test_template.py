"""The empty workbook a coordinator downloads (issue 20): in their language, a line of
help on each header, a drop-down on every coded column, dates formatted as dates; and
the importer reads it in any of the three languages, as it reads the code names."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from parcours.workbook.export import template_workbook
from parcours.workbook.format import (
    SHEETS,
    column_names,
    imported_columns,
    imported_sheets,
    meanings,
    normalised,
    sheet_names,
)
from parcours.workbook.importer import analyse_workbook, import_workbook
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db

SHEET_TITLES = {
    "fr": ["Participants", "Groupes", "Inscriptions", "Bilans", "Séances", "Présences", "Listes"],
    "nl": [
        "Deelnemers",
        "Groepen",
        "Inschrijvingen",
        "Balansen",
        "Sessies",
        "Aanwezigheden",
        "Lijsten",
    ],
    "en": [
        "Participants",
        "Groups",
        "Enrolments",
        "Assessments",
        "Sessions",
        "Attendance",
        "Lists",
    ],
}


def _book(language):
    return load_workbook(io.BytesIO(template_workbook(language)))


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_the_sheets_are_named_in_the_language_of_the_reader(language):
    assert _book(language).sheetnames == SHEET_TITLES[language]


def test_the_headers_are_words_with_a_line_of_help():
    people = _book("fr")["Participants"]
    headers = [cell.value for cell in people[1]]
    assert headers[:5] == ["N° de dossier", "Nom", "Prénom", "Genre", "Date de naissance"]
    assert people["A1"].comment.text == (
        "Obligatoire. Texte, 40 caractères au plus. "
        "Le numéro de dossier du CPAS, unique : la clé de la ligne."
    )
    assert people["F1"].comment.text.startswith("Facultatif. Un code de pays")
    dutch = _book("nl")["Inschrijvingen"]
    assert [cell.value for cell in dutch[1]][:4] == [
        "Dossiernummer",
        "Groep",
        "Begin",
        "Uitstapdatum",
    ]
    assert (
        dutch["D1"].comment.text
        == "Optioneel. Een datum, zoals 05/09/2016. Leeg zolang de inschrijving loopt."
    )


def _validations(sheet) -> dict[str, object]:
    """Each validated column's letter → its validation."""
    found = {}
    for check in sheet.data_validations.dataValidation:
        for cells in check.sqref.ranges:
            found[cells.coord.split(":")[0].rstrip("0123456789")] = check
    return found


def _list_values(book, formula) -> list:
    sheet_name, cells = formula.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    first, last = cells.replace("$", "").split(":")
    return [row[0].value for row in sheet[first:last]]


def test_every_coded_column_has_a_drop_down_reading_the_lists_sheet():
    book = _book("nl")
    checks = _validations(book["Deelnemers"])
    gender = checks["D"]
    assert gender.type == "list"
    assert gender.formula1 == "'Lijsten'!$A$2:$A$4"
    with translation.override("nl"):
        assert _list_values(book, gender.formula1) == list(
            meanings(SHEETS["participants"][3]).values()
        )
    lists = book["Lijsten"]
    assert [lists["A2"].value, lists["B2"].value] == ["Vrouw", "F"]
    assert _list_values(book, checks["K"].formula1) == ["ja", "nee"]  # never worked
    assert checks["K"].prompt.startswith("Optioneel. Ja of nee")
    # Every code, yes/no and rating column of every sheet, none of the others.
    for name, title in zip(imported_sheets(), SHEET_TITLES["nl"], strict=False):
        checks = _validations(book[title])
        for index, column in enumerate(imported_columns(name)):
            letter = chr(ord("A") + index)
            if column.kind == "code":
                with translation.override("nl"):
                    words = list(meanings(column).values())
                assert _list_values(book, checks[letter].formula1) == words, column
            elif column.kind in ("bool", "rating"):
                assert checks[letter].type == "list", column
            else:
                assert checks[letter].type is None, column
            assert checks[letter].showInputMessage
    ratings = _validations(book["Balansen"])["F"]
    assert _list_values(book, ratings.formula1) == ["1", "2", "3", "4", "5"]


def test_date_and_time_cells_are_formatted_as_such():
    # The column's style, which every cell typed in it takes.
    book = _book("fr")
    people, sessions = book["Participants"], book["Séances"]
    assert people.column_dimensions["E"].number_format == "dd/mm/yyyy"  # date of birth
    assert people.column_dimensions["L"].number_format == "dd/mm/yyyy"  # without work since
    assert sessions.column_dimensions["G"].number_format == "hh:mm"
    assert people.column_dimensions["A"].number_format == "@"  # a file number stays text


def _filled(language) -> bytes:
    """The template of ``language`` with the sample programme typed in."""
    book = _book(language)
    for name, title in zip(imported_sheets(), SHEET_TITLES[language], strict=False):
        sheet = book[title]
        for row_number, row in enumerate(sample_sheets()[name], start=2):
            for column_number, value in enumerate(row, start=1):
                sheet.cell(row_number, column_number, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_a_filled_in_template_imports_in_every_language(organisation, coordinator, language):
    # Whatever the language of the person importing it.
    with translation.override("fr" if language == "nl" else "nl"):
        plan = analyse_workbook(organisation, _filled(language))
    assert plan.problems == []
    expected = analyse_workbook(organisation, workbook_bytes(sample_sheets()))
    assert plan.counts == expected.counts
    import_workbook(_filled(language), organisation=organisation, by=coordinator)
    again = analyse_workbook(organisation, workbook_bytes(sample_sheets()))
    assert {sheet: counts["created"] for sheet, counts in again.counts.items()} == dict.fromkeys(
        again.counts, 0
    )


def test_the_empty_template_imports_and_creates_nothing(organisation):
    for language in ("fr", "nl", "en"):
        plan = analyse_workbook(organisation, template_workbook(language))
        assert plan.ok
        assert plan.counts == {}


def test_the_codes_sheet_of_the_templates_of_before_is_still_skipped(organisation):
    content = workbook_bytes(
        {
            "participants": sample_sheets()["participants"],
            "codes": [["participants", "gender", "F", "femme"]],
        },
        headers={"codes": ["feuille", "colonne", "code", "signification"]},
    )
    plan = analyse_workbook(organisation, content)
    assert plan.problems == []
    assert plan.counts["participants"]["created"] == 3


def test_headers_of_any_language_and_code_names_may_be_mixed(organisation):
    sheets = sample_sheets()
    headers = {
        "participants": [column.name for column in SHEETS["participants"]],
    }
    headers["participants"][0] = "  N°   de DOSSIER "
    headers["participants"][1] = "Achternaam"
    headers["participants"][4] = "Date of birth"
    content = workbook_bytes(
        {"Deelnemers": sheets["participants"]}, headers={"Deelnemers": headers["participants"]}
    )
    plan = analyse_workbook(organisation, content)
    assert plan.problems == []
    assert plan.counts["participants"]["created"] == 3


def test_every_header_and_sheet_name_means_one_column_in_every_language():
    # No label of one column is, in any language, the label or code name of another.
    for language in ("fr", "nl", "en"):
        with translation.override(language):
            for name, columns in SHEETS.items():
                aliases = column_names(name)
                for column in columns:
                    assert aliases[normalised(column.label)] == column.name, (language, column)
                    assert aliases[column.name] == column.name
    titles = sheet_names()
    for language, names in SHEET_TITLES.items():
        for title, sheet in zip(names, imported_sheets(), strict=False):
            assert titles[normalised(title)] == sheet, language
