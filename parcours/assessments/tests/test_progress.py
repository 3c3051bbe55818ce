"""Distance travelled: the journey of one enrolment and the change of a group, on small
hand-built cases."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from parcours.assessments.charts import journey_chart, journey_context
from parcours.assessments.factories import AssessmentFactory, DomainRatingFactory
from parcours.assessments.progress import enrolment_journey, group_domain_change
from parcours.privacy.right_of_access import participant_data, render_html
from parcours.programme.factories import EnrolmentFactory, GroupFactory


def rate(enrolment, moment, **ratings):
    """An assessment at ``moment`` with the given domain ratings (None: not concerned)."""
    assessment = AssessmentFactory(enrolment=enrolment, moment=moment)
    for domain, rating in ratings.items():
        DomainRatingFactory(assessment=assessment, domain=domain, rating=rating)
    return assessment


@pytest.fixture
def group(organisation):
    return GroupFactory(organisation=organisation)


@pytest.fixture
def enrolment(group):
    return EnrolmentFactory(group=group)


def by_domain(journey):
    return {row.domain: row for row in journey}


@pytest.mark.django_db
def test_journey_from_entry_to_end(enrolment, django_assert_num_queries):
    rate(
        enrolment,
        "entry",
        housing=2,
        health=3,
        financial=4,
        family=None,
        administrative=1,
        social_cultural=2,
    )
    rate(enrolment, "middle", housing=3, health=3, financial=3, social_cultural=3)
    rate(
        enrolment,
        "end",
        housing=4,
        health=3,
        financial=2,
        family=3,
        administrative=None,
        employment_training=2,
    )

    with django_assert_num_queries(1):
        journey = enrolment_journey(enrolment)

    rows = by_domain(journey)
    assert [row.domain for row in journey] == [
        "administrative",
        "family",
        "social_cultural",
        "housing",
        "financial",
        "health",
        "employment_training",
    ]
    assert rows["housing"].ratings == {"entry": 2, "middle": 3, "end": 4}
    assert rows["housing"].change == 2  # improved
    assert rows["health"].change == 0  # stable
    assert rows["financial"].change == -2  # worse
    # Not concerned at entry, or at the end: nothing to compare.
    assert rows["family"].change is None
    assert rows["administrative"].change is None
    # Not rated at entry at all.
    assert rows["employment_training"].ratings == {"entry": None, "middle": None, "end": 2}
    assert rows["employment_training"].change is None
    # No end rating: the middle one is the latest.
    assert rows["social_cultural"].change == 1


@pytest.mark.django_db
def test_journey_before_any_assessment(enrolment):
    journey = enrolment_journey(enrolment)

    assert len(journey) == 7
    assert all(row.change is None for row in journey)
    assert all(set(row.ratings.values()) == {None} for row in journey)


@pytest.mark.django_db
def test_journey_of_one_enrolment_only(enrolment):
    rate(enrolment, "entry", housing=1)
    other = EnrolmentFactory(
        participant=enrolment.participant, group__organisation=enrolment.group.organisation
    )
    rate(other, "entry", housing=5)

    assert by_domain(enrolment_journey(enrolment))["housing"].ratings["entry"] == 1


@pytest.mark.django_db
def test_group_change_counts_improved_stable_and_worse(group, django_assert_num_queries):
    better, same, worse, middle_only, not_concerned = EnrolmentFactory.create_batch(5, group=group)
    rate(better, "entry", housing=2, health=2)
    rate(better, "end", housing=4, health=2)
    rate(same, "entry", housing=3, health=4)
    rate(same, "end", housing=3, health=3)
    rate(worse, "entry", housing=4)
    rate(worse, "end", housing=2)
    # Left out: rated at entry and middle only, or not concerned at one of both moments.
    rate(middle_only, "entry", housing=1)
    rate(middle_only, "middle", housing=5)
    rate(not_concerned, "entry", housing=None, health=2)
    rate(not_concerned, "end", housing=3, health=None)
    # Another group's members do not count.
    elsewhere = EnrolmentFactory(group__organisation=group.organisation)
    rate(elsewhere, "entry", housing=1)
    rate(elsewhere, "end", housing=5)

    with django_assert_num_queries(1):
        changes = {row.domain: row for row in group_domain_change(group)}

    assert len(changes) == 7
    housing = changes["housing"]
    assert (housing.improved, housing.stable, housing.worse, housing.rated) == (1, 1, 1, 3)
    health = changes["health"]
    assert (health.improved, health.stable, health.worse, health.rated) == (0, 1, 1, 2)
    family = changes["family"]
    assert (family.improved, family.stable, family.worse, family.rated) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_the_journey_include_shows_the_chart_the_table_and_the_links(enrolment):
    rate(enrolment, "entry", housing=2, health=3, financial=4)
    rate(enrolment, "end", housing=4, health=3, financial=2)

    with translation.override("en"):
        html = render_to_string("assessments/_journey.html", journey_context(enrolment))

    assert html.count("<svg") == 1
    assert 'role="img"' in html
    assert "▲</span> +2 better" in html
    assert "=</span> same" in html
    assert "▼</span> -2 worse" in html
    assert html.count("not comparable") == 4
    for moment in ("entry", "middle", "end"):
        assert reverse("assessments:assessment_edit", args=[enrolment.pk, moment]) in html


@pytest.mark.django_db
def test_the_journey_include_without_any_rating(enrolment):
    context = journey_context(enrolment)
    assert context["radar"] == ""

    html = render_to_string("assessments/_journey.html", context)

    assert "<svg" not in html
    assert "<table" not in html
    assert reverse("assessments:assessment_edit", args=[enrolment.pk, "entry"]) in html


@pytest.mark.django_db
def test_the_screen_and_the_document_draw_the_same_journey_chart(enrolment):
    rate(enrolment, "entry", housing=2, health=3)
    rate(enrolment, "end", housing=4, health=3)
    participant = enrolment.participant

    with translation.override("fr"):
        screen = journey_context(enrolment)["radar"]
        drawn = journey_chart(enrolment_journey(enrolment))
        document = render_html(participant, participant_data(participant))

    assert screen == drawn
    assert screen.count('class="radar__series"') == 2  # entry and end
    assert screen in document  # the right-of-access PDF's HTML: one chart path
