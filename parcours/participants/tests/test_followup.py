import datetime

import pytest
from django.urls import reverse

from parcours.audit.models import AuditEvent
from parcours.participants.factories import (
    InterventionFactory,
    LiteracyTestFactory,
    ParticipantFactory,
)
from parcours.participants.file import literacy_progress
from parcours.participants.models import LiteracyTest


@pytest.mark.django_db
def test_intervention_with_its_domains_and_time(client, social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    client.force_login(social_worker)

    response = client.post(
        reverse("participants:intervention_create", args=[participant.pk]),
        {
            "date": "2026-03-02",
            "duration_minutes": "90",
            "kind": "accompaniment",
            "domains": ["administrative", "housing"],
            "notes": "Accompagnement à la société de logement.",
        },
    )

    assert response.status_code == 302
    intervention = participant.interventions.get()
    assert intervention.author == social_worker
    assert intervention.duration_minutes == 90
    assert sorted(intervention.domains.values_list("domain", flat=True)) == [
        "administrative",
        "housing",
    ]
    events = AuditEvent.objects.filter(record_type="participants.intervention").order_by("pk")
    assert [event.action for event in events] == ["create", "update"]
    assert events[1].plain_changes == {
        "domains": {"before": [], "after": ["administrative", "housing"]}
    }


@pytest.mark.django_db
def test_editing_an_intervention_replaces_its_domains(client, social_worker):
    intervention = InterventionFactory(
        participant__organisation=social_worker.organisation, author=social_worker
    )
    client.force_login(social_worker)

    client.post(
        reverse(
            "participants:intervention_update", args=[intervention.participant_id, intervention.pk]
        ),
        {
            "date": "2026-02-03",
            "duration_minutes": "30",
            "kind": "phone_call",
            "domains": ["health"],
            "version": intervention.version,
        },
    )

    intervention.refresh_from_db()
    assert intervention.kind == "phone_call"
    assert list(intervention.domains.values_list("domain", flat=True)) == ["health"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [{"duration_minutes": "0"}, {"date": "2099-01-01"}, {"kind": "gossip"}, {"domains": ["sport"]}],
)
def test_invalid_intervention_writes_nothing(client, social_worker, overrides):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    client.force_login(social_worker)
    payload = {"date": "2026-03-02", "duration_minutes": "30", "kind": "interview", **overrides}

    response = client.post(
        reverse("participants:intervention_create", args=[participant.pk]), payload
    )

    assert response.status_code == 200
    assert not participant.interventions.exists()


@pytest.mark.django_db
def test_an_intervention_of_another_file_cannot_be_edited_through_this_one(client, social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    other = InterventionFactory(participant__organisation=social_worker.organisation)
    client.force_login(social_worker)
    url = reverse("participants:intervention_update", args=[participant.pk, other.pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_literacy_test_is_recorded(client, social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    client.force_login(social_worker)

    response = client.post(
        reverse("participants:literacy_test_create", args=[participant.pk]),
        {
            "date": "2026-02-10",
            "duration_minutes": "45",
            "examiner": social_worker.pk,
            "oral_comprehension": "a1",
            "oral_expression": "a1_1",
            "reading": "alpha_2",
            "writing": "alpha_1",
            "orientation": "literacy",
        },
    )

    assert response.status_code == 302
    test = participant.literacy_tests.get()
    assert (test.reading, test.duration_minutes) == ("alpha_2", 45)


@pytest.mark.django_db
def test_a_retest_shows_the_progress_per_skill(social_worker):
    participant = ParticipantFactory(organisation=social_worker.organisation)
    LiteracyTestFactory(
        participant=participant,
        examiner=social_worker,
        date=datetime.date(2025, 9, 1),
        reading="alpha_1",
        writing="alpha_2",
        oral_comprehension="a1",
        oral_expression="a1",
    )
    LiteracyTestFactory(
        participant=participant,
        examiner=social_worker,
        date=datetime.date(2026, 3, 1),
        reading="alpha_3",
        writing="alpha_2",
        oral_comprehension="a1_1",
        oral_expression="a1",
    )

    progress = {
        row.skill: row.change
        for row in literacy_progress(list(LiteracyTest.objects.filter(participant=participant)))
    }

    assert progress == {
        "reading": 1,
        "writing": 0,
        "oral_comprehension": -1,
        "oral_expression": 0,
    }
