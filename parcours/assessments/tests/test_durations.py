"""How long an assessment took: asked for each new one, checked at the form, shown."""

import pytest
from django.urls import reverse
from django.utils import translation

from parcours.assessments.factories import AssessmentFactory, DomainRatingFactory
from parcours.assessments.models import Assessment
from parcours.assessments.tests.test_assessment_form import edit_url, payload
from parcours.programme.factories import EnrolmentFactory
from parcours.testing import speaking


@pytest.fixture
def enrolment(social_worker):
    return EnrolmentFactory(
        group__organisation=social_worker.organisation,
        participant__social_worker=social_worker,
    )


@pytest.mark.django_db
def test_the_duration_is_saved_and_shown(client, social_worker, enrolment):
    client.force_login(speaking(social_worker, "en"))

    response = client.post(edit_url(enrolment), payload(duration_minutes="75"))

    assert response.status_code == 302
    assert Assessment.objects.get(enrolment=enrolment).duration_minutes == 75
    with translation.override("en"):
        page = client.get(edit_url(enrolment)).content.decode()
    assert 'name="duration_minutes" value="75"' in page
    assert "1 h 15" in page  # the tab of the entry assessment


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ("", "Say how long it took, in minutes."),
        ("-30", "A duration goes from 1 minute to 720 minutes (12 hours)."),
        ("0", "A duration goes from 1 minute to 720 minutes (12 hours)."),
        ("721", "A duration goes from 1 minute to 720 minutes (12 hours)."),
        ("1h30", "Write the duration as a whole number of minutes."),
    ],
)
@pytest.mark.django_db
def test_a_missing_or_impossible_duration_is_refused(
    client, social_worker, enrolment, duration, message
):
    client.force_login(speaking(social_worker, "en"))

    with translation.override("en"):
        response = client.post(edit_url(enrolment), payload(duration_minutes=duration))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assessment.objects.filter(enrolment=enrolment).exists()


@pytest.mark.django_db
def test_the_message_is_in_the_users_language(client, social_worker, enrolment):
    client.force_login(speaking(social_worker, "fr"))

    with translation.override("fr"):
        response = client.post(edit_url(enrolment), payload(duration_minutes="900"))

    assert "Une durée va de 1 minute à 720 minutes (12 heures)." in response.content.decode()


@pytest.mark.django_db
def test_an_assessment_kept_without_duration_may_stay_so(client, social_worker, enrolment):
    """Recorded before durations were asked for: editing it does not force a guess."""
    old = AssessmentFactory(enrolment=enrolment, duration_minutes=None)
    client.force_login(speaking(social_worker, "en"))

    with translation.override("en"):
        page = client.get(edit_url(enrolment)).content.decode()
    response = client.post(
        edit_url(enrolment), payload(version=str(old.version), duration_minutes="")
    )

    assert "duration not recorded" in page
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.duration_minutes is None
    assert old.ratings.count() == 7


@pytest.mark.django_db
def test_a_recorded_duration_cannot_be_emptied(client, social_worker, enrolment):
    assessment = AssessmentFactory(enrolment=enrolment, duration_minutes=60)
    client.force_login(speaking(social_worker, "en"))

    with translation.override("en"):
        response = client.post(
            edit_url(enrolment), payload(version=str(assessment.version), duration_minutes="")
        )

    assert "Say how long it took, in minutes." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.duration_minutes == 60


@pytest.mark.django_db
def test_the_journey_shows_each_assessments_duration(client, social_worker, enrolment):
    DomainRatingFactory(assessment__enrolment=enrolment, assessment__duration_minutes=90)
    DomainRatingFactory(
        assessment__enrolment=enrolment,
        assessment__moment="middle",
        assessment__duration_minutes=None,
    )
    client.force_login(speaking(social_worker, "en"))

    with translation.override("en"):
        html = client.get(
            reverse("participants:participant_detail", args=[enrolment.participant.pk])
        ).content.decode()

    assert "1 h 30" in html
    assert "duration not recorded" in html
