"""Individual and collective work: interventions, assessments and literacy tests summed
per quarter against the workshop hours, with the records whose duration was not kept."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from parcours.assessments.enums import Moment
from parcours.assessments.factories import AssessmentFactory
from parcours.funding.scope import Scope
from parcours.participants.factories import InterventionFactory, LiteracyTestFactory
from parcours.reporting.closing import report_for_year
from parcours.reporting.exports import report_csv, report_xlsx
from parcours.reporting.figures import (
    WHOLE_PROGRAMME,
    Period,
    Report,
    individual_work_by_quarter,
    period_report,
    yearly_report,
)
from parcours.reporting.models import YearClosing
from parcours.reporting.pdf import report_pdf
from parcours.reporting.tables import report_tables
from parcours.reporting.tests.test_figures import enrol, group
from parcours.reporting.tests.test_report import two_hour_session
from parcours.testing import pdf_text, report_csv_values, sheet_by_code, speaking

D = datetime.date
FIRST, LAST = D(2024, 1, 1), D(2024, 6, 30)


@pytest.fixture
def programme(organisation, social_worker):
    """Two quarters of group A, and a person of group B with one assessment in Q1.

    Group A, Q1: 6 h of workshops; 30 min intervention + 60 min entry assessment + 30 min
    literacy test of Ana, and Ben's entry assessment kept without a duration.
    Group A, Q2: 2 h of workshops; Ana's 90 min middle assessment and Ben's 30 min test.
    Group B, Q1: Chloé's 60 min entry assessment, no workshop.
    """
    a, b = group(organisation), group(organisation)
    ana, ben = enrol(a), enrol(a)
    chloe = enrol(b)
    for day in (D(2024, 1, 15), D(2024, 2, 12), D(2024, 3, 11)):
        two_hour_session(organisation, day, [a])
    two_hour_session(organisation, D(2024, 5, 6), [a])
    InterventionFactory(
        participant=ana.participant, author=social_worker, date=D(2024, 2, 20), duration_minutes=30
    )
    AssessmentFactory(enrolment=ana, date=D(2024, 1, 8), duration_minutes=60)
    AssessmentFactory(enrolment=ben, date=D(2024, 1, 9), duration_minutes=None)
    LiteracyTestFactory(participant=ana.participant, date=D(2024, 1, 22), duration_minutes=30)
    AssessmentFactory(enrolment=ana, moment=Moment.MIDDLE, date=D(2024, 5, 13), duration_minutes=90)
    LiteracyTestFactory(participant=ben.participant, date=D(2024, 4, 2), duration_minutes=30)
    AssessmentFactory(enrolment=chloe, date=D(2024, 2, 1), duration_minutes=60)
    # Left out: before the period, and a person of no enrolment of the period.
    InterventionFactory(
        participant=ana.participant,
        author=social_worker,
        date=D(2023, 12, 20),
        duration_minutes=600,
    )
    LiteracyTestFactory(
        participant__organisation=organisation, date=D(2024, 2, 2), duration_minutes=45
    )
    return {"a": a, "b": b}


def share_of(organisation, scope=WHOLE_PROGRAMME):
    return period_report(organisation, first=FIRST, last=LAST, as_of=LAST, scope=scope).work_share


@pytest.mark.django_db
def test_the_three_kinds_of_individual_work_per_quarter(organisation, programme):
    share = share_of(organisation, Scope(group=programme["a"]))

    first, second = share["quarters"]
    assert first == {
        "quarter": "2024 Q1",
        "individual_hours": 2.0,
        "collective_hours": 6.0,
        "individual_pct": 25.0,
        "collective_pct": 75.0,
        "individual_items": 4,
        "individual_no_duration": 1,
    }
    assert second == {
        "quarter": "2024 Q2",
        "individual_hours": 2.0,
        "collective_hours": 2.0,
        "individual_pct": 50.0,
        "collective_pct": 50.0,
        "individual_items": 2,
        "individual_no_duration": 0,
    }
    assert share["total"] == {
        "quarter": None,
        "individual_hours": 4.0,
        "collective_hours": 8.0,
        "individual_pct": 33.3,
        "collective_pct": 66.7,
        "individual_items": 6,
        "individual_no_duration": 1,
    }


@pytest.mark.django_db
def test_the_whole_programme_counts_every_group(organisation, programme):
    share = share_of(organisation)

    first = share["quarters"][0]
    assert (first["individual_hours"], first["collective_hours"]) == (3.0, 6.0)
    assert (first["individual_pct"], first["collective_pct"]) == (33.3, 66.7)
    assert (first["individual_items"], first["individual_no_duration"]) == (5, 1)
    assert share["total"]["individual_hours"] == 5.0


@pytest.mark.django_db
def test_the_individual_work_is_read_in_one_query(
    organisation, programme, django_assert_num_queries
):
    with django_assert_num_queries(1):
        work = individual_work_by_quarter(organisation, Period(FIRST, LAST, LAST))
    assert work == {
        D(2024, 1, 1): {"minutes": 180, "items": 5, "no_duration": 1},
        D(2024, 4, 1): {"minutes": 120, "items": 2, "no_duration": 0},
    }


@pytest.mark.django_db
def test_every_file_shows_the_records_without_duration(organisation, programme):
    report = period_report(organisation, first=FIRST, last=LAST, as_of=LAST)
    table = {table.key: table for table in report_tables(report)}["work_share"]
    assert table.cell("total", "individual_items") == 7
    assert table.cell("total", "individual_no_duration") == 1

    rows = report_csv_values(report_csv(report))
    assert rows[("work_share", "2024 Q1", "individual_no_duration")] == "1"
    assert rows[("work_share", "total", "individual_items")] == "7"
    with translation.override("en"):
        sheet = sheet_by_code(load_workbook(io.BytesIO(report_xlsx(report))), "work_share")
        pdf = " ".join(pdf_text(report_pdf(report)).split())
    header = [cell.value for cell in sheet[2]]
    assert header[-2:] == ["Individual records", "Of which without duration"]
    assert [cell.value for cell in sheet[sheet.max_row]][-2:] == [7, 1]
    assert "without duration" in pdf


@pytest.mark.django_db
def test_the_page_says_the_individual_hours_are_a_floor(client, coordinator, programme):
    client.force_login(speaking(coordinator, "en"))
    with translation.override("en"):
        response = client.get(reverse("reporting:report"), {"year": 2024, "as_of": "2024-06-30"})
    html = response.content.decode()
    assert "1 of the 7 individual records has no duration recorded" in html


@pytest.mark.django_db
def test_a_year_closed_before_the_counts_still_reads(client, organisation, coordinator):
    """A closing stored before durations were counted has rows without the two counts."""
    enrol(group(organisation))
    frozen = yearly_report(organisation, year=2024, as_of=D(2024, 12, 31)).as_json()
    for row in [*frozen["work_share"]["quarters"], frozen["work_share"]["total"]]:
        del row["individual_items"], row["individual_no_duration"]
    YearClosing.objects.create(
        organisation=organisation,
        year=2024,
        report=frozen,
        definitions_version="2026.1",
        closed_by=coordinator,
    )

    report = report_for_year(organisation, year=2024)

    assert isinstance(report, Report)
    assert report.closing is not None
    table = {table.key: table for table in report_tables(report)}["work_share"]
    assert table.cell("total", "individual_no_duration") is None
    counts = [
        value
        for (table, _row, column), value in report_csv_values(report_csv(report)).items()
        if table == "work_share" and column == "individual_items"
    ]
    assert counts
    assert all(value == "" for value in counts)
    client.force_login(speaking(coordinator, "en"))
    with translation.override("en"):
        page = client.get(reverse("reporting:report"), {"year": 2024})
    assert page.status_code == 200
    assert "no duration recorded" not in page.content.decode()
