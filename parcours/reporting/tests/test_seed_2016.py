"""The seed's 2016 slides computed from the rows of the history (demo/seed_history)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parcours.accounts.models import Organisation
from parcours.assessments.models import Assessment, DomainRating
from parcours.demo.seed_history import build_seed_history
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.reporting.figures import yearly_figures
from parcours.workshops.models import Session

D = datetime.date


def whole(value):
    """The seed prints whole percents: half up, from the one-decimal figure."""
    return int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))


@pytest.fixture
def history(organisation):
    build_seed_history(organisation)
    return organisation


@pytest.fixture
def figures_2016(history):
    return yearly_figures(history, year=2016, as_of=D(2016, 12, 31))


def test_characteristics_give_the_seed_slide(figures_2016):
    characteristics = figures_2016["characteristics"]
    assert figures_2016["participants"] == 90
    assert {key: whole(value) for key, value in characteristics.items()} == {
        "men_pct": 36,
        "women_pct": 63,
        "x_pct": 1,
        "average_age": 42,
        "non_eu_pct": 66,
        "no_qualification_pct": 77,
        "inactive_24m_pct": 97,
        "french_weak_to_medium_pct": 63,
        "fle_pct": 37,
        "literacy_pct": 26,
    }
    # Over 90 people: 32 men, 57 women, 1 X; ages summing to 3753 years; 59 born
    # outside the EU (one country unknown, not counted as such); 69 without a valued
    # qualification; 30 never worked + 57 stopped years ago; 57 very weak to medium
    # French, 33 in FLE, 23 in literacy classes.
    assert characteristics == {
        "men_pct": 35.6,
        "women_pct": 63.3,
        "x_pct": 1.1,
        "average_age": 41.7,
        "non_eu_pct": 65.6,
        "no_qualification_pct": 76.7,
        "inactive_24m_pct": 96.7,
        "french_weak_to_medium_pct": 63.3,
        "fle_pct": 36.7,
        "literacy_pct": 25.6,
    }


def test_results_give_the_seed_slide(figures_2016):
    results = figures_2016["results"]
    assert [
        whole(results[key])
        for key in (
            "dropout_pct",
            "extension_pct",
            "social_project_pct",
            "professional_project_pct",
        )
    ] == [17, 22, 25, 36]
    # 64 exits: 11 dropouts, 14 extensions, 16 social and 23 professional projects.
    assert results["exits"] == 64
    assert results["dropout_pct"] == 17.2
    assert results["extension_pct"] == 21.9
    assert results["social_project_pct"] == 25.0
    assert results["professional_project_pct"] == 35.9
    # "pour raisons de santé ou déménagement"
    assert results["dropout_reasons"] == {"health": 7, "moving": 4, "other": 0}


def test_improvement_gives_the_seed_percentages(figures_2016):
    improvement = figures_2016["improvement_pct"]
    assert {domain: whole(value) for domain, value in improvement.items()} == {
        "social_cultural": 80,
        "health": 46,
        "housing": 44,
        "employment_training": 42,
        "financial": 34,
        "family": 34,
        "administrative": 29,
    }
    # 53 completed exits; the domains not concerned leave different denominators:
    # 40/50, 22/48, 18/41, 22/53, 15/44, 12/35, 15/52.
    assert figures_2016["improvement_n"] == {
        "social_cultural": 50,
        "health": 48,
        "housing": 41,
        "employment_training": 53,
        "financial": 44,
        "family": 35,
        "administrative": 52,
    }
    assert improvement["social_cultural"] == 80.0
    assert improvement["employment_training"] == 41.5
    assert improvement["administrative"] == 28.8
    # "tous ... ont stabilisé ou amélioré leur situation sociale"
    assert set(figures_2016["deteriorated_pct"].values()) == {0.0}


def test_evolution_gives_the_participants_per_year(history):
    evolution = yearly_figures(history, year=2017, as_of=D(2017, 6, 1))["evolution"]
    assert [(row["year"], row["participants"]) for row in evolution] == [
        (2012, 9),
        (2013, 51),
        (2014, 53),
        (2015, 76),
        (2016, 90),
        (2017, 63),
    ]


def test_extensions_in_the_same_year_count_once(history):
    # 90 people hold 96 enrolments active in 2016: six went on to an autumn group after
    # an extension in June or August.
    active = Enrolment.objects.filter(group__organisation=history, start_date__lte=D(2016, 12, 31))
    active = active.exclude(exit_date__lt=D(2016, 1, 1))
    assert active.count() == 96
    assert active.values("participant").distinct().count() == 90


def test_hours_every_year_by_kind_and_axis(history):
    evolution = yearly_figures(history, year=2017, as_of=D(2017, 6, 1))["evolution"]
    for row in evolution:
        hours = row["hours"]
        assert hours["total"] > 0
        assert hours["total"] == hours["team"] + hours["subcontractor"] + hours["partner"]
        assert hours["total"] == hours["educational"] + hours["cultural"]
    # No partner or subcontractor before 2013 ("nouveaux partenariats et sous-traitance").
    assert evolution[0]["hours"]["total"] == evolution[0]["hours"]["team"]
    assert all(row["hours"]["partner"] > 0 for row in evolution[1:])


def test_hours_count_shared_sessions_once_and_skip_cancelled(history):
    sessions = Session.objects.filter(organisation=history, date__year=2016)
    assert sessions.filter(cancelled=True).exists()
    assert any(session.groups.count() > 1 for session in sessions)
    held = sum(session.hours for session in sessions if not session.cancelled)
    figures = yearly_figures(history, year=2016, as_of=D(2016, 12, 31))
    assert figures["hours"]["total"] == round(held, 2)


def test_groups_of_both_processes_and_not_concerned_domains(history):
    assert set(
        Group.objects.filter(organisation=history).values_list("process_type", flat=True)
    ) == {
        "remobilisation",
        "immersion",
    }
    assert DomainRating.objects.filter(
        assessment__enrolment__group__organisation=history, rating__isnull=True
    ).exists()


def test_rows_pass_the_model_validation(history):
    querysets = [
        Participant.objects.filter(organisation=history),
        Group.objects.filter(organisation=history),
        Enrolment.objects.filter(group__organisation=history),
        Assessment.objects.filter(enrolment__group__organisation=history),
        Session.objects.filter(organisation=history),
    ]
    for queryset in querysets:
        for row in queryset:
            # Unique and check constraints are enforced by the database on insert.
            row.full_clean(validate_unique=False, validate_constraints=False)


def test_command_creates_the_organisation_and_refuses_a_second_run(db):
    out = StringIO()
    call_command("load_seed_history", organisation="seed", name="CPAS du Seed", stdout=out)
    organisation = Organisation.objects.get(slug="seed")
    assert organisation.name == "CPAS du Seed"
    assert "208 participants" in out.getvalue()
    assert Participant.objects.filter(organisation=organisation).count() == 208
    with pytest.raises(CommandError, match="already has participants"):
        call_command("load_seed_history", organisation="seed", stdout=StringIO())
    assert Participant.objects.filter(organisation=organisation).count() == 208


def test_command_loads_into_an_existing_organisation_without_participants(organisation):
    out = StringIO()
    call_command("load_seed_history", organisation=organisation.slug, stdout=out)
    assert "created" not in out.getvalue()
    figures = yearly_figures(organisation, year=2016, as_of=D(2016, 12, 31))
    assert figures["participants"] == 90
