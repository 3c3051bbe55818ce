"""How long a literacy positioning test took: asked for each test, checked, shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from parcours.participants.factories import LiteracyTestFactory, ParticipantFactory
from parcours.testing import speaking

BOUNDS = "A duration goes from 1 minute to 720 minutes (12 hours)."


def _test(examiner, **overrides):
    return {
        "date": "2026-02-10",
        "duration_minutes": "45",
        "examiner": examiner.pk,
        "oral_comprehension": "a1",
        "oral_expression": "a1_1",
        "reading": "alpha_2",
        "writing": "alpha_1",
        "orientation": "literacy",
        **overrides,
    }


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ("", "Say how long it took, in minutes."),
        ("-45", BOUNDS),
        ("0", BOUNDS),
        ("721", BOUNDS),
        ("trois quarts", "Write the duration as a whole number of minutes."),
    ],
)
@pytest.mark.django_db
def test_a_missing_or_impossible_duration_is_refused(client, social_worker, duration, message):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    client.force_login(speaking(social_worker, "en"))

    with translation.override("en"):
        response = client.post(
            reverse("participants:literacy_test_create", args=[participant.pk]),
            _test(social_worker, duration_minutes=duration),
        )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not participant.literacy_tests.exists()


@pytest.mark.django_db
def test_the_file_shows_each_tests_duration(client, social_worker):
    participant = ParticipantFactory(
        organisation=social_worker.organisation, social_worker=social_worker
    )
    LiteracyTestFactory(
        participant=participant, date=datetime.date(2025, 9, 1), duration_minutes=None
    )
    LiteracyTestFactory(
        participant=participant, date=datetime.date(2026, 3, 1), duration_minutes=50
    )
    client.force_login(speaking(social_worker, "en"))

    with translation.override("en"):
        html = client.get(
            reverse("participants:participant_detail", args=[participant.pk])
        ).content.decode()

    assert "It took 50 min." in html
    assert "duration not recorded" in html  # the older test, in the list of all tests
