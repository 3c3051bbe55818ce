"""The participant's own answers: stored beside the social assessment, shown beside it,
never counted in the yearly figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parcours.assessments import services
from parcours.assessments.charts import beside_chart, journey_context, own_answers_chart
from parcours.assessments.factories import AssessmentFactory, DomainRatingFactory
from parcours.assessments.models import SelfAssessment, SelfRating
from parcours.assessments.progress import enrolment_journey
from parcours.assessments.selectors import self_assessment_beside
from parcours.audit.models import AuditAction, AuditEvent
from parcours.core.domains import Domain
from parcours.privacy.right_of_access import participant_data, render_html
from parcours.programme.enums import ExitOutcome
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.figures import yearly_figures

D = datetime.date


@pytest.fixture
def enrolment(social_worker):
    return EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )


def answer(enrolment, by, moment="entry", language="fr", **ratings):
    for domain, rating in ratings.items():
        services.self_rating_save(
            enrolment=enrolment,
            moment=moment,
            domain=domain,
            rating=rating,
            language=language,
            by=by,
        )


def rate(enrolment, moment, **ratings):
    assessment = AssessmentFactory(enrolment=enrolment, moment=moment, date=enrolment.start_date)
    for domain, rating in ratings.items():
        DomainRatingFactory(assessment=assessment, domain=domain, rating=rating)


@pytest.mark.django_db
def test_an_answer_creates_the_self_assessment_and_its_trail(enrolment, social_worker):
    answer(enrolment, social_worker, housing=2, health=None, language="nl")

    self_assessment = SelfAssessment.objects.get(enrolment=enrolment, moment="entry")
    assert self_assessment.started_by == social_worker
    assert self_assessment.language == "nl"
    assert dict(self_assessment.ratings.values_list("domain", "rating")) == {
        "housing": 2,
        "health": None,  # skipped: stored, without a value
    }
    events = AuditEvent.objects.filter(actor=social_worker, action=AuditAction.CREATE)
    assert sorted(events.values_list("record_type", flat=True)) == [
        "assessments.selfassessment",
        "assessments.selfrating",
        "assessments.selfrating",
    ]
    # Sealed with the person's key, like every row about them.
    assert {event.subject_id for event in events} == {enrolment.participant_id}


@pytest.mark.django_db
def test_answering_again_replaces_the_answer_and_only_a_change_is_traced(enrolment, social_worker):
    answer(enrolment, social_worker, housing=2)
    answer(enrolment, social_worker, housing=4)
    answer(enrolment, social_worker, housing=4)

    assert SelfRating.objects.get().rating == 4
    updates = AuditEvent.objects.filter(
        record_type="assessments.selfrating", action=AuditAction.UPDATE
    )
    assert updates.count() == 1


@pytest.mark.django_db
def test_each_moment_has_its_own_self_assessment(enrolment, social_worker):
    answer(enrolment, social_worker, moment="entry", housing=2)
    answer(enrolment, social_worker, moment="end", housing=5)

    assert dict(SelfRating.objects.values_list("self_assessment__moment", "rating")) == {
        "entry": 2,
        "end": 5,
    }


@pytest.mark.django_db
def test_a_rating_goes_from_1_to_5(enrolment, social_worker):
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="Value 6 is not a valid choice"),
    ):
        answer(enrolment, social_worker, housing=6)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="'later' is not a valid choice"),
    ):
        answer(enrolment, social_worker, moment="later", housing=3)
    assert not SelfRating.objects.exists()
    assert not SelfAssessment.objects.exists()


@pytest.mark.django_db
def test_the_answers_beside_the_social_assessment(
    enrolment, social_worker, django_assert_num_queries
):
    rate(enrolment, "entry", housing=2, health=3, family=None)
    rate(enrolment, "end", housing=4)
    answer(enrolment, social_worker, moment="entry", housing=4, health=None)
    answer(enrolment, social_worker, moment="end", housing=5)
    journey = enrolment_journey(enrolment)

    with django_assert_num_queries(1), translation.override("en"):
        latest = self_assessment_beside(enrolment, journey)
    with django_assert_num_queries(1), translation.override("en"):
        entry = self_assessment_beside(enrolment, journey, moment="entry")
    with django_assert_num_queries(0), translation.override("en"):
        radar = beside_chart(entry)

    assert latest.moment == "end"
    rows = {row.domain: row for row in entry.rows}
    assert [row.domain for row in entry.rows] == Domain.values
    assert (rows["housing"].staff, rows["housing"].own) == (2, 4)
    assert (rows["health"].staff, rows["health"].own, rows["health"].answered) == (3, None, True)
    assert (rows["family"].own, rows["family"].answered) == (None, False)
    # Two series, told apart by their line and marker as well as their colour.
    assert radar.count('class="radar__series"') == 2
    assert 'stroke-dasharray="8 5"' in radar
    assert "<rect" in radar
    assert "<circle" in radar
    assert "Self-assessment" in radar


@pytest.mark.django_db
def test_nothing_beside_without_a_self_assessment_at_the_moment(enrolment, social_worker):
    answer(enrolment, social_worker, moment="entry", housing=4)
    journey = enrolment_journey(enrolment)

    assert self_assessment_beside(enrolment, journey, moment="middle") is None
    assert self_assessment_beside(EnrolmentFactory(), journey) is None


@pytest.mark.django_db
def test_the_journey_reads_in_two_queries(enrolment, social_worker, django_assert_num_queries):
    rate(enrolment, "entry", housing=2)
    answer(enrolment, social_worker, housing=3)

    with django_assert_num_queries(2):
        context = journey_context(enrolment)

    assert context["self_assessment"].rows[3].own == 3
    assert context["self_radar"].count('class="radar__series"') == 2


def test_the_participants_own_chart_has_the_seven_domains_in_easy_words():
    with translation.override("en"):
        chart = own_answers_chart({"housing": 4, "health": None})

    assert chart.count('class="radar__series"') == 1
    for title in ["My papers", "My family", "My home", "My money", "My health"]:
        assert title in chart
    assert "My answers" in chart


@pytest.mark.django_db
def test_the_yearly_figures_never_count_the_self_ratings(organisation, coordinator):
    group = GroupFactory(
        organisation=organisation, start_date=D(2024, 1, 8), end_date=D(2024, 10, 31)
    )
    exits = {"exit_date": D(2024, 10, 31), "outcome": ExitOutcome.SOCIAL_PROJECT}
    rated = EnrolmentFactory(group=group, start_date=group.start_date, **exits)
    rate(rated, "entry", housing=2, health=3)
    rate(rated, "end", housing=3, health=3)
    # Self-rated only: no social assessment at all.
    unrated = EnrolmentFactory(group=group, start_date=group.start_date, **exits)
    before = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))

    # Answers that would change every improvement figure if they were counted.
    for enrolment in (rated, unrated):
        answer(enrolment, coordinator, moment="entry", **dict.fromkeys(Domain.values, 1))
        answer(enrolment, coordinator, moment="end", **dict.fromkeys(Domain.values, 5))
    after = yearly_figures(organisation, year=2024, as_of=D(2024, 12, 31))

    assert SelfRating.objects.count() == 28
    assert after == before
    assert after["improvement_n"]["housing"] == 1
    assert after["improvement_n"]["family"] == 0


@pytest.mark.django_db
def test_the_right_of_access_export_holds_the_persons_own_answers(enrolment, social_worker):
    answer(enrolment, social_worker, housing=2, health=None, family=5)

    with translation.override("en"):
        data = participant_data(enrolment.participant)
        html = render_html(enrolment.participant, data)

    [self_assessment] = data["enrolments"][0]["self_assessments"]
    assert self_assessment["moment"]["code"] == "entry"
    assert self_assessment["handed_over_by"] == str(social_worker)
    assert [
        (row["domain"]["code"], row["rating"], row["answer"]) for row in self_assessment["answers"]
    ] == [("family", 5, "Good"), ("housing", 2, "Hard"), ("health", None, "skipped")]
    assert "Self-assessments" in html
    assert "Housing</strong>: Hard (2)" in html
