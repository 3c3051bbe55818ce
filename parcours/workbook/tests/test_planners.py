"""The planners' column tables are built from ``format.SHEETS``, the one list of the
columns: a column named that the format has not is refused at once, and the fields the
planners fill are those the writer writes."""

import pytest

from parcours.workbook.format import SHEETS
from parcours.workbook.planners import assessments, enrolments, groups, participants, sessions
from parcours.workbook.planners.base import column_table, read_for, text_or_empty, yes_or_no
from parcours.workbook.writing import ENROLMENT_FIELDS, GROUP_FIELDS


def test_a_table_naming_a_column_the_format_has_not_is_refused():
    with pytest.raises(LookupError, match="The sheet groups has no column capacity"):
        column_table("groups", key=("name",), apart=("capacity",))


def test_every_column_but_the_key_fills_the_field_of_its_name():
    columns = [column.name for column in SHEETS["groups"]]
    assert columns[0] == "name"
    assert groups.TABLE.fields == tuple(columns[1:]) == GROUP_FIELDS
    assert enrolments.TABLE.fields == ENROLMENT_FIELDS


def test_a_month_fills_two_fields_in_the_order_of_the_columns():
    fields = participants.PARTICIPANT_FIELDS
    assert fields[fields.index("inactive_since") + 1] == "inactive_since_month_only"
    assert [name for name in fields if name != "inactive_since_month_only"] == [
        column.name for column in SHEETS["participants"][1:] if column.imported
    ]


def test_a_column_the_import_skips_fills_no_field():
    skipped = [column.name for column in SHEETS["participants"] if not column.imported]
    assert skipped == ["social_worker"]
    assert "social_worker" not in participants.PARTICIPANT_FIELDS


def test_references_ratings_and_the_axis_fill_no_field():
    assert sessions.TABLE.fields == ("provider_kind", "provider", "end_time", "cancelled")
    assert assessments.TABLE.fields == ("date", "duration_minutes")
    assert [(ref.column, ref.kind, ref.each) for ref in sessions.TABLE.references] == [
        ("groups", "group", True)
    ]


def test_an_exit_column_brings_the_others_and_a_new_record_gets_empty_cells():
    read = [field for _column, field, _read in enrolments.TABLE.readers({"start_date", "outcome"})]
    assert read == ["start_date", "exit_date", "outcome", "outcome_detail"]
    assert enrolments.TABLE.defaults() == {
        "start_date": None,
        "exit_date": None,
        "outcome": "",
        "outcome_detail": "",
        "qualification_gained": "",
    }


def test_a_cell_is_read_by_its_kind():
    by_name = {column.name: column for column in SHEETS["participants"]}
    assert read_for(by_name["never_worked"]) is yes_or_no
    assert read_for(by_name["phone"]) is text_or_empty
    assert read_for(by_name["birth_date"])(None) is None
