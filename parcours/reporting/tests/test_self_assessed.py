"""The self-assessed progression by domain: counted only at the organisation's choice,
beside the other figures and never in them (docs/statistics.md §7)."""

import datetime

import pytest
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.services import organisation_settings_update
from parcours.assessments.models import SelfAssessment, SelfRating
from parcours.programme.enums import ExitOutcome
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.disclosure import Masked, suppress_small_cells
from parcours.reporting.figures import (
    Period,
    _self_assessed_progression,
    exits_of,
    yearly_figures,
    yearly_report,
)
from parcours.reporting.tables import report_tables

D = datetime.date
AS_OF = D(2024, 12, 31)
ANSWERED_ON = D(2024, 6, 1)


def answered(enrolment, moment, by, date=ANSWERED_ON, **ratings):
    self_assessment = SelfAssessment.objects.create(
        enrolment=enrolment, moment=moment, date=date, language="fr", started_by=by
    )
    for domain, rating in ratings.items():
        SelfRating.objects.create(self_assessment=self_assessment, domain=domain, rating=rating)


@pytest.fixture
def answers(organisation, coordinator):
    """Three completed exits and a dropout: improved, stable, went down, skipped."""
    group = GroupFactory(
        organisation=organisation, start_date=D(2024, 1, 8), end_date=D(2024, 10, 31)
    )

    def exit_(outcome):
        return EnrolmentFactory(
            group=group, start_date=group.start_date, exit_date=D(2024, 10, 31), outcome=outcome
        )

    a = exit_(ExitOutcome.SOCIAL_PROJECT)
    answered(a, "entry", coordinator, housing=2, health=3, family=4, financial=3)
    # The end answers stand for the later moment: the middle one plays no part.
    answered(a, "middle", coordinator, housing=1, financial=5)
    answered(a, "end", coordinator, housing=4, health=3, family=2, financial=None)
    b = exit_(ExitOutcome.EXTENSION)
    # No end self-assessment: the middle one is the latest later moment.
    answered(b, "entry", coordinator, housing=3, administrative=None)
    answered(b, "middle", coordinator, housing=2, administrative=4)
    # Given after the report's date: not counted.
    answered(b, "end", coordinator, date=D(2025, 1, 15), housing=5)
    dropout = exit_(ExitOutcome.DROPOUT)
    answered(dropout, "entry", coordinator, housing=1)
    answered(dropout, "end", coordinator, housing=5)
    exit_(ExitOutcome.PROFESSIONAL_PROJECT)  # never given the tablet
    return organisation


def counting(organisation):
    # Through the trail, as the settings page does: the cached reports are then stale.
    organisation_settings_update(
        organisation=organisation,
        by=organisation.users.get(role=Role.COORDINATOR),
        self_assessment_in_report=True,
    )


@pytest.mark.django_db
def test_off_the_figures_have_no_self_assessed_group_and_no_table(answers):
    report = yearly_report(answers, year=2024, as_of=AS_OF)

    assert "self_assessed" not in report.figures
    assert "self_assessed" not in report.counts
    assert "self_assessed" not in {table.key for table in report_tables(report)}


@pytest.mark.django_db
def test_on_the_self_assessed_group_is_added_and_nothing_else_changes(answers):
    before = yearly_figures(answers, year=2024, as_of=AS_OF)
    counting(answers)
    report = yearly_report(answers, year=2024, as_of=AS_OF)

    assert {k: v for k, v in report.figures.items() if k != "self_assessed"} == before
    assert list(report.figures) == [*list(before)[:-1], "self_assessed", "evolution"]
    figures = report.figures["self_assessed"]
    # housing: A 2 → 4 improved, B 3 → 2 (middle) went down; health: A 3 → 3 stable;
    # family: A 4 → 2 went down; financial: skipped at A's end; administrative: skipped
    # at B's entry.
    assert figures["improvement_n"] == {
        "administrative": 0,
        "family": 1,
        "social_cultural": 0,
        "housing": 2,
        "financial": 0,
        "health": 1,
        "employment_training": 0,
    }
    assert figures["improvement_pct"]["housing"] == 50.0
    assert figures["deteriorated_pct"]["housing"] == 50.0
    assert figures["improvement_pct"]["health"] == 0.0
    assert figures["deteriorated_pct"]["health"] == 0.0
    assert figures["improvement_pct"]["family"] == 0.0
    assert figures["deteriorated_pct"]["family"] == 100.0
    assert figures["improvement_pct"]["financial"] is None
    assert figures["improvement_pct"]["administrative"] is None
    counts = report.counts["self_assessed"]
    assert counts["improved"]["housing"] == 1
    assert counts["deteriorated"]["family"] == 1
    assert counts["not_rated"] == {
        "administrative": 3,
        "family": 2,
        "social_cultural": 3,
        "housing": 1,
        "financial": 3,
        "health": 2,
        "employment_training": 3,
    }
    table = {t.key: t for t in report_tables(report)}["self_assessed"]
    assert table.cell("housing", "rated") == 2
    assert table.cell("family", "deteriorated_pct") == 100.0
    assert table.rows[0].key == "housing"  # the best progression first


@pytest.mark.django_db
def test_the_self_assessed_group_is_read_in_a_bounded_number_of_queries(
    answers, coordinator, django_assert_max_num_queries
):
    counting(answers)
    exits = exits_of(answers, Period.of_year(2024, AS_OF))
    with django_assert_max_num_queries(1):
        figures, _counts = _self_assessed_progression(exits, AS_OF, 3)
    assert figures["improvement_n"]["housing"] == 2


@pytest.mark.django_db
def test_the_report_page_shows_the_table_only_when_counted(client, viewer, answers):
    client.force_login(viewer)
    url = reverse("reporting:report") + "?year=2024&as_of=2024-12-31"

    assert 'data-table="self_assessed"' not in client.get(url).content.decode()
    counting(answers)
    page = client.get(url).content.decode()
    assert 'data-table="self_assessed"' in page
    assert "Progression auto-évaluée par domaine" in page
    json_figures = client.get(
        reverse("reporting:report_json") + "?year=2024&as_of=2024-12-31"
    ).json()
    assert json_figures["self_assessed"]["improvement_n"]["housing"] == 2


@pytest.mark.django_db
def test_the_funders_files_hide_the_small_self_assessed_counts_too(answers):
    counting(answers)
    tables = report_tables(yearly_report(answers, year=2024, as_of=AS_OF))

    table = {t.key: t for t in suppress_small_cells(tables)}["self_assessed"]

    assert isinstance(table.cell("housing", "rated"), Masked)
    assert isinstance(table.cell("housing", "improvement_pct"), Masked)
    # A zero names nobody: kept.
    assert table.cell("social_cultural", "rated") == 0
