"""Export an organisation, import into an empty one, export again: the same records and
the same yearly figures."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from parcours.accounts.factories import OrganisationFactory
from parcours.assessments.factories import AssessmentFactory
from parcours.assessments.models import DomainRating
from parcours.attendance.marks import stale_marked
from parcours.attendance.models import Attendance
from parcours.attendance.runs import stale_runs
from parcours.core.domains import Domain
from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.figures import yearly_figures, yearly_report
from parcours.workbook.export import export_workbook
from parcours.workbook.format import SHEET_LABELS, SHEETS
from parcours.workbook.importer import PARTICIPANT_FIELDS, analyse_workbook, import_workbook
from parcours.workbook.tests.helpers import read_back, sample_sheets, workbook_bytes
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory
from parcours.workshops.models import Session

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 6, 30)


@pytest.fixture
def programme(organisation, coordinator):
    """An organisation filled partly by an import, partly as the screens would."""
    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)
    group = GroupFactory(
        organisation=organisation,
        name="Remobilisation 2023-B",
        start_date=datetime.date(2023, 9, 4),
        end_date=datetime.date(2024, 6, 28),
    )
    person = ParticipantFactory(
        organisation=organisation,
        reference="P-100",
        niss="",
        inactive_since=datetime.date(2019, 4, 1),
        inactive_since_month_only=True,
        never_worked=False,
        qualification_level="higher",
        qualification_recognised="pending",
        french_level="good",
        language_course="none",
        labour_market_status="unemployed",
        unemployment_duration="over_12",
        housing_exclusion="refused",
        rural_area="no",
        disability="yes",
        foreign_background="no",
        minority="refused",
        phone="0470 12 34 56",
        email="p100@example.be",
        address="Rue Haute 12",
        postal_code="1000",
        city="Bruxelles",
    )
    enrolment = EnrolmentFactory(
        participant=person,
        group=group,
        start_date=datetime.date(2023, 9, 4),
        exit_date=datetime.date(2024, 6, 28),
        outcome="social_project",
        outcome_detail="volunteering",
        qualification_gained="yes",
    )
    for moment, day, rating, minutes in (
        ("entry", datetime.date(2023, 9, 11), 2, 90),
        ("end", datetime.date(2024, 6, 20), 4, None),
    ):
        assessment = AssessmentFactory(
            enrolment=enrolment, moment=moment, date=day, duration_minutes=minutes
        )
        for domain in Domain.values:
            DomainRating.objects.create(
                assessment=assessment,
                domain=domain,
                rating=None if domain == Domain.FAMILY else rating,
            )
    provider = ProviderFactory(organisation=organisation, name="Vélo Mosan", kind="subcontractor")
    workshop = WorkshopFactory(organisation=organisation, name="Vélo", axis="cultural")
    for day in (datetime.date(2023, 10, 3), datetime.date(2024, 5, 14)):
        session = SessionFactory(
            organisation=organisation,
            workshop=workshop,
            date=day,
            start_time=datetime.time(9, 15),
            end_time=datetime.time(12, 0),
            provider_kind="subcontractor",
            provider=provider,
            groups=[group],
        )
        Attendance.objects.create(session=session, participant=person, status="present")
    return organisation


def test_round_trip(programme, coordinator):
    first_export = export_workbook(programme)
    copy = OrganisationFactory(slug="copie")
    result = import_workbook(first_export, organisation=copy, by=coordinator, file_name="x.xlsx")
    assert result.counts["participants"]["created"] == 4
    # The imported marks start their registers (the dashboard's registers not taken).
    assert Session.objects.filter(organisation=copy, has_marks=True).exists()
    assert list(stale_marked(copy.pk)) == []
    assert stale_runs(copy.pk) == []  # the marks imported in bulk have their runs
    second_export = export_workbook(copy)
    assert read_back(second_export) == read_back(first_export)
    # Every field the workbook carries, contact details included, compared one by one.
    fields = ("reference", *PARTICIPANT_FIELDS)
    assert list(
        Participant.objects.filter(organisation=copy).order_by("reference").values(*fields)
    ) == list(
        Participant.objects.filter(organisation=programme).order_by("reference").values(*fields)
    )
    assert Participant.objects.get(organisation=copy, reference="P-100").email == "p100@example.be"
    for year in (2023, 2024, 2025):
        original = yearly_figures(programme, year=year, as_of=AS_OF)
        copied = yearly_figures(copy, year=year, as_of=AS_OF)
        original.pop("organisation"), copied.pop("organisation")
        assert copied == original
        # The assessments' durations come along: the individual work too.
        assert (
            yearly_report(copy, year=year, as_of=AS_OF).work_share
            == yearly_report(programme, year=year, as_of=AS_OF).work_share
        )
    assert yearly_figures(copy, year=2024, as_of=AS_OF)["participants"] == 4
    # Importing the export into the organisation it came from changes nothing.
    plan = analyse_workbook(programme, first_export)
    assert plan.ok
    assert all(numbers["created"] == numbers["updated"] == 0 for numbers in plan.counts.values())


def test_export_has_real_dates_and_the_format_headers(programme):
    book = load_workbook(io.BytesIO(export_workbook(programme)))
    # In the language of the reader (English here), as the template names them.
    assert book.sheetnames == [str(SHEET_LABELS[name]) for name in SHEETS]
    for name, columns in SHEETS.items():
        header = [cell.value for cell in book[str(SHEET_LABELS[name])][1]]
        assert header == [str(column.label) for column in columns]
    cell = book["Participants"]["E2"]
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd"
    assert book["Groups"]["C2"].is_date
    assert book["Sessions"]["F2"].is_date
    assert book["Sessions"]["G2"].value == "09:15"  # the earliest session
    month_only = next(row for row in book["Participants"].values if row[0] == "P-100")
    assert month_only[11] == "2019-04"


def test_period_export_is_the_subset_of_the_period(programme, coordinator):
    content = export_workbook(
        programme, first=datetime.date(2023, 1, 1), last=datetime.date(2023, 12, 31)
    )
    sheets = read_back(content)
    assert [row[0] for row in sheets["participants"][1:]] == ["P-100"]
    assert [row[0] for row in sheets["groups"][1:]] == ["Remobilisation 2023-B"]
    assert len(sheets["sessions"]) == 2  # the header and the session of October 2023
    assert len(sheets["attendance"]) == 2
    assert [row[2] for row in sheets["assessments"][1:]] == ["Entry"]
    # The subset is itself a workbook the importer takes.
    copy = OrganisationFactory(slug="periode")
    import_workbook(content, organisation=copy, by=coordinator)
    original = yearly_figures(programme, year=2023, as_of=AS_OF)
    copied = yearly_figures(copy, year=2023, as_of=AS_OF)
    for key in ("participants", "characteristics", "results", "hours"):
        assert copied[key] == original[key]


def test_an_import_updates_what_changed(organisation, coordinator):
    import_workbook(workbook_bytes(sample_sheets()), organisation=organisation, by=coordinator)
    sheets = sample_sheets()
    sheets["participants"][0][2] = "Aminata"
    sheets["enrolments"][3][3:6] = [datetime.date(2025, 2, 28), "dropout", "moving"]
    sheets["assessments"][0][4] = 5
    sheets["sessions"][0][4] = "Remobilisation 2024-A;Immersion 2024"
    sheets["attendance"][1][4] = "excused"
    result = import_workbook(workbook_bytes(sheets), organisation=organisation, by=coordinator)
    updated = {sheet: numbers["updated"] for sheet, numbers in result.counts.items()}
    assert updated == {
        "participants": 1,
        "groups": 0,
        "enrolments": 1,
        "assessments": 1,
        "sessions": 1,
        "attendance": 1,
    }
    assert read_back(export_workbook(organisation))["participants"][1][2] == "Aminata"


def test_a_workbook_without_the_esf_columns_still_imports_and_keeps_them(organisation, coordinator):
    """A workbook of the format's first version has no ESF+ columns: it imports, and the
    answers already recorded stay as they are."""
    old_participants = [c.name for c in SHEETS["participants"]][:14]
    old_enrolments = [c.name for c in SHEETS["enrolments"]][:6]
    assert "labour_market_status" not in old_participants
    assert "qualification_gained" not in old_enrolments
    person = ParticipantFactory(
        organisation=organisation, reference="P-001", disability="yes", minority="refused"
    )
    group = GroupFactory(organisation=organisation, name="Remobilisation 2024-A")
    EnrolmentFactory(participant=person, group=group, qualification_gained="yes")
    sheets = sample_sheets()
    content = workbook_bytes(
        {
            "participants": [row[:14] for row in sheets["participants"]],
            "groups": sheets["groups"],
            "enrolments": [row[:6] for row in sheets["enrolments"]],
        },
        headers={"participants": old_participants, "enrolments": old_enrolments},
    )
    result = import_workbook(content, organisation=organisation, by=coordinator)
    assert result.counts["participants"]["updated"] == 1
    person.refresh_from_db()
    assert (person.disability, person.minority) == ("yes", "refused")
    assert person.enrolments.get(group=group).qualification_gained == "yes"
    newcomer = Participant.objects.get(organisation=organisation, reference="P-002")
    assert (newcomer.labour_market_status, newcomer.disability) == ("", "")
