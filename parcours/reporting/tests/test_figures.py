import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from parcours.assessments.enums import Moment
from parcours.assessments.factories import AssessmentFactory, DomainRatingFactory
from parcours.core.domains import Domain
from parcours.participants.factories import ParticipantFactory
from parcours.programme.enums import ExitOutcome
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.figures import eu_members, yearly_figures
from parcours.workshops.enums import Axis, ProviderKind
from parcours.workshops.factories import ProviderFactory, SessionFactory, WorkshopFactory

D = datetime.date
DOMAINS = {d.value for d in Domain}
TOP_KEYS = {
    "organisation",
    "year",
    "as_of",
    "participants",
    "characteristics",
    "results",
    "improvement_pct",
    "improvement_n",
    "deteriorated_pct",
    "hours",
    "projects",
    "evolution",
}
CHARACTERISTICS = {
    "men_pct",
    "women_pct",
    "x_pct",
    "average_age",
    "non_eu_pct",
    "no_qualification_pct",
    "inactive_24m_pct",
    "french_weak_to_medium_pct",
    "fle_pct",
    "literacy_pct",
}
RESULTS = {
    "exits",
    "dropout_pct",
    "extension_pct",
    "social_project_pct",
    "professional_project_pct",
    "dropout_reasons",
}
HOURS = {"total", "team", "subcontractor", "partner", "educational", "cultural"}


def group(organisation, start=None, end=None):
    return GroupFactory(
        organisation=organisation,
        start_date=start or D(2024, 1, 8),
        end_date=end or D(2024, 10, 31),
    )


def enrol(group, participant=None, start=None, exit_date=None, outcome="", detail="", **person):
    participant = participant or ParticipantFactory(organisation=group.organisation, **person)
    return EnrolmentFactory(
        group=group,
        participant=participant,
        start_date=start or group.start_date,
        exit_date=exit_date,
        outcome=outcome,
        outcome_detail=detail,
    )


def assert_shape(figures):
    assert set(figures) == TOP_KEYS
    assert set(figures["characteristics"]) == CHARACTERISTICS
    assert set(figures["results"]) == RESULTS
    assert set(figures["results"]["dropout_reasons"]) >= {"health", "moving", "other"}
    for key in ("improvement_pct", "improvement_n", "deteriorated_pct"):
        assert set(figures[key]) == DOMAINS
    assert set(figures["hours"]) == HOURS
    assert set(figures["projects"]) == {"signed", "evaluations_held"}
    for row in figures["evolution"]:
        assert set(row) == {"year", "participants", "hours"}
        assert set(row["hours"]) == HOURS


def test_eu_membership_table():
    assert "GB" in eu_members(2019)
    assert "GB" not in eu_members(2020)
    assert "HR" not in eu_members(2012)
    assert "HR" in eu_members(2013)
    assert len(eu_members(2024)) == 27
    assert len(eu_members(2019)) == 28


@pytest.mark.django_db
def test_empty_year_gives_nulls_and_zeros(organisation):
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))
    assert_shape(figures)
    assert figures["participants"] == 0
    assert set(figures["characteristics"].values()) == {None}
    assert figures["results"]["exits"] == 0
    assert figures["results"]["dropout_pct"] is None
    assert figures["results"]["dropout_reasons"] == {"health": 0, "moving": 0, "other": 0}
    assert set(figures["improvement_pct"].values()) == {None}
    assert set(figures["improvement_n"].values()) == {0}
    assert set(figures["hours"].values()) == {0}
    assert figures["evolution"] == [
        {"year": 2024, "participants": 0, "hours": dict.fromkeys(HOURS, 0)}
    ]
    assert figures["as_of"] == "2024-12-31"
    assert figures["organisation"] == "test"


@pytest.mark.django_db
def test_extension_counts_once_and_reference_is_earliest_start(organisation):
    first, second = group(organisation), group(organisation, D(2024, 6, 3), D(2025, 3, 28))
    person = ParticipantFactory(organisation=organisation, birth_date=D(1980, 3, 1))
    enrol(first, person, exit_date=D(2024, 5, 31), outcome=ExitOutcome.EXTENSION)
    enrol(second, person)
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))
    assert figures["participants"] == 1
    # Age on 8 January 2024 (the earliest start), not on 3 June 2024.
    assert figures["characteristics"]["average_age"] == 43.0
    assert figures["results"]["exits"] == 1
    assert figures["results"]["extension_pct"] == 100.0
    assert figures["results"]["dropout_pct"] == 0.0


@pytest.mark.django_db
def test_average_age_in_whole_years_with_one_decimal(organisation):
    g = group(organisation)  # starts 2024-01-08
    enrol(g, birth_date=D(1984, 1, 8))  # 40 on the day
    enrol(g, birth_date=D(1984, 1, 9))  # 39 until tomorrow
    enrol(g, birth_date=D(2000, 1, 1))  # 24
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))
    assert figures["characteristics"]["average_age"] == 34.3  # 103 / 3


@pytest.mark.django_db
def test_previous_years_and_exits_before_the_year_are_out(organisation):
    old = group(organisation, D(2022, 1, 10), D(2022, 10, 28))
    enrol(old, exit_date=D(2023, 12, 31), outcome=ExitOutcome.SOCIAL_PROJECT)
    still = group(organisation, D(2023, 3, 1), D(2024, 2, 28))
    enrol(still, exit_date=D(2024, 1, 1), outcome=ExitOutcome.SOCIAL_PROJECT)
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))
    assert figures["participants"] == 1
    assert figures["results"]["exits"] == 1
    assert [row["year"] for row in figures["evolution"]] == [2022, 2023, 2024]
    assert [row["participants"] for row in figures["evolution"]] == [1, 2, 1]


@pytest.mark.django_db
def test_as_of_in_the_middle_of_the_year(organisation):
    g = group(organisation)
    later = group(organisation, D(2024, 9, 2), D(2025, 6, 30))
    enrol(g, exit_date=D(2024, 3, 29), outcome=ExitOutcome.DROPOUT, detail="health")
    enrol(g, exit_date=D(2024, 7, 31), outcome=ExitOutcome.SOCIAL_PROJECT)  # after as_of
    enrol(later)  # starts after as_of: does not exist yet
    SessionFactory(organisation=organisation, date=D(2024, 5, 31))
    SessionFactory(organisation=organisation, date=D(2024, 6, 3))  # after as_of
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 6, 1))
    assert figures["as_of"] == "2024-06-01"
    assert figures["participants"] == 2
    assert figures["results"]["exits"] == 1
    assert figures["results"]["dropout_pct"] == 100.0
    assert figures["results"]["dropout_reasons"] == {"health": 1, "moving": 0, "other": 0}
    assert figures["hours"]["total"] == 3.0
    assert figures["evolution"][-1] == {
        "year": 2024,
        "participants": 2,
        "hours": figures["hours"],
    }
    complete = yearly_figures(organisation, year=2024, as_of=D(2025, 1, 15))
    assert complete["participants"] == 3
    assert complete["results"]["exits"] == 2
    assert complete["hours"]["total"] == 6.0


@pytest.mark.django_db
def test_evolution_earlier_years_are_complete(organisation):
    g = group(organisation, D(2023, 9, 4), D(2024, 6, 28))
    enrol(g, start=D(2023, 11, 6))
    SessionFactory(organisation=organisation, date=D(2023, 12, 5))
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 1, 31))
    assert figures["evolution"][0]["year"] == 2023
    assert figures["evolution"][0]["participants"] == 1
    assert figures["evolution"][0]["hours"]["total"] == 3.0
    assert figures["evolution"][1]["hours"]["total"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "year", "non_eu"),
    [("GB", 2019, 0.0), ("GB", 2020, 100.0), ("HR", 2012, 100.0), ("HR", 2013, 0.0)],
)
def test_eu_membership_by_year(organisation, country, year, non_eu):
    g = group(organisation, D(year, 1, 7), D(year, 10, 31))
    enrol(g, birth_country=country)
    figures = yearly_figures(organisation, year=year, as_of=D(year, 12, 31))
    assert figures["characteristics"]["non_eu_pct"] == non_eu


@pytest.mark.django_db
def test_unknown_country_in_the_denominator_not_non_eu(organisation):
    g = group(organisation)
    enrol(g, birth_country="MA")
    enrol(g, birth_country="BE")
    enrol(g, birth_country="")
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))
    assert figures["characteristics"]["non_eu_pct"] == 33.3


@pytest.mark.django_db
def test_characteristics_shares(organisation):
    g = group(organisation)
    enrol(g, gender="M", qualification_level="none", french_level="weak", language_course="fle")
    enrol(
        g,
        gender="F",
        qualification_level="higher",
        qualification_recognised="pending",
        french_level="good",
        language_course="literacy",
    )
    enrol(
        g,
        gender="X",
        qualification_level="upper_secondary",
        qualification_recognised="yes",
        french_level="native",
        language_course="none",
    )
    c = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))["characteristics"]
    assert (c["men_pct"], c["women_pct"], c["x_pct"]) == (33.3, 33.3, 33.3)
    assert c["no_qualification_pct"] == 66.7
    assert c["french_weak_to_medium_pct"] == 33.3
    assert (c["fle_pct"], c["literacy_pct"]) == (33.3, 33.3)


@pytest.mark.django_db
def test_inactive_24_months(organisation):
    g = group(organisation, D(2024, 3, 1), D(2024, 12, 20))
    # Month-only, stored as the first of the month: exactly 24 months before.
    enrol(g, inactive_since=D(2022, 3, 1), inactive_since_month_only=True)
    enrol(g, inactive_since=D(2022, 3, 2))  # one day short
    enrol(g, never_worked=True)
    enrol(g)  # unknown: not counted as inactive
    c = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))["characteristics"]
    assert c["inactive_24m_pct"] == 50.0


def _rate(enrolment, moment, **ratings):
    assessment = AssessmentFactory(enrolment=enrolment, moment=moment, date=enrolment.start_date)
    for domain, rating in ratings.items():
        DomainRatingFactory(assessment=assessment, domain=domain, rating=rating)


@pytest.mark.django_db
def test_improvement_by_domain(organisation):
    g = group(organisation)
    exit_kw = {"exit_date": D(2024, 10, 31)}
    up = enrol(g, outcome=ExitOutcome.SOCIAL_PROJECT, **exit_kw)
    _rate(up, Moment.ENTRY, housing=2, health=3, family=2)
    _rate(up, Moment.END, housing=4, health=2, family=None)  # family not rated at the end
    same = enrol(g, outcome=ExitOutcome.PROFESSIONAL_PROJECT, **exit_kw)
    _rate(same, Moment.ENTRY, housing=3, health=3)
    _rate(same, Moment.MIDDLE, housing=5)
    _rate(same, Moment.END, housing=3)  # health not rated at the end
    dropout = enrol(g, outcome=ExitOutcome.DROPOUT, detail="moving", **exit_kw)
    _rate(dropout, Moment.ENTRY, housing=1)
    _rate(dropout, Moment.END, housing=5)
    figures = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))
    assert figures["improvement_n"]["housing"] == 2
    assert figures["improvement_pct"]["housing"] == 50.0
    assert figures["deteriorated_pct"]["housing"] == 0.0
    assert figures["improvement_n"]["health"] == 1
    assert figures["improvement_pct"]["health"] == 0.0
    assert figures["deteriorated_pct"]["health"] == 100.0
    assert figures["improvement_n"]["family"] == 0
    assert figures["improvement_pct"]["family"] is None
    assert figures["results"]["dropout_reasons"]["moving"] == 1
    assert figures["results"]["dropout_pct"] == 33.3


@pytest.mark.django_db
def test_hours_shared_and_cancelled_sessions(organisation):
    a, b = group(organisation), group(organisation)
    cultural = WorkshopFactory(organisation=organisation, axis=Axis.CULTURAL)
    SessionFactory(organisation=organisation, date=D(2024, 3, 5), groups=[a, b])
    SessionFactory(
        organisation=organisation,
        workshop=cultural,
        date=D(2024, 3, 6),
        provider_kind=ProviderKind.PARTNER,
        provider=ProviderFactory(organisation=organisation),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(10, 15),
        groups=[a],
    )
    SessionFactory(
        organisation=organisation,
        date=D(2024, 3, 7),
        cancelled=True,
        cancel_reason="Grève",
        groups=[a],
    )
    SessionFactory(organisation=organisation, date=D(2023, 12, 29), groups=[a])
    hours = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))["hours"]
    assert hours == {
        "total": 4.25,
        "team": 3.0,
        "subcontractor": 0,
        "partner": 1.25,
        "educational": 3.0,
        "cultural": 1.25,
    }


@pytest.mark.django_db
def test_as_of_before_the_year_gives_an_empty_year(organisation):
    enrol(group(organisation))
    figures = yearly_figures(organisation, year=2025, as_of=D(2024, 12, 31))
    assert_shape(figures)
    assert figures["participants"] == 0
    assert figures["evolution"][-1]["year"] == 2025


@pytest.mark.django_db
def test_figures_use_a_fixed_number_of_queries(organisation, django_assert_num_queries):
    g = group(organisation)
    for _ in range(5):
        enrol(g, exit_date=D(2024, 9, 30), outcome=ExitOutcome.SOCIAL_PROJECT)
    enrol(group(organisation, start=D(2021, 9, 6)))
    # 7 for the year (the characteristics that also give the participants of every year
    # of the evolution, results, improvement, the hours per quarter that also give the
    # evolution's, the hours by domain, the individual work, the individual projects)
    # + 2 for the first year with data, whatever the number of people and of years.
    with django_assert_num_queries(9):
        figures = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))
    assert [row["year"] for row in figures["evolution"]] == [2021, 2022, 2023, 2024]


@pytest.mark.django_db
def test_other_organisation_is_not_counted(organisation, other_organisation):
    enrol(group(other_organisation))
    assert yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))["participants"] == 0


@pytest.mark.django_db
def test_command_prints_json_with_the_shape(organisation, capsys, tmp_path):
    enrol(group(organisation), birth_country="MA")
    call_command(
        "annual_report", "--organisation", "test", "--year", "2024", "--as-of", "2024-06-01"
    )
    figures = json.loads(capsys.readouterr().out)
    assert_shape(figures)
    assert figures["as_of"] == "2024-06-01"
    assert figures["participants"] == 1
    output = tmp_path / "figures.json"
    call_command(
        "annual_report",
        "--organisation=test",
        "--year=2024",
        "--format=json",
        f"--output={output}",
    )
    assert_shape(json.loads(output.read_text(encoding="utf-8")))


@pytest.mark.django_db
def test_command_refuses_unknown_organisation_and_other_formats(organisation):
    with pytest.raises(CommandError, match="Unknown organisation"):
        call_command("annual_report", "--organisation", "nope", "--year", "2024")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("annual_report", "--organisation", "test", "--year", "2024", "--format=odt")
