"""The preferences page, the log of messages, and who may open them."""

import datetime

import pytest
from django.urls import reverse

from parcours.audit.models import AuditEvent
from parcours.participants.factories import ParticipantFactory
from parcours.reminders.enums import Channel, Frequency, MessageKind, MessageStatus
from parcours.reminders.models import DigestPreference, MessageLog
from parcours.testing import assert_bounded_queries

pytestmark = pytest.mark.django_db


def test_the_profile_leads_to_the_digest_preferences(client, social_worker):
    client.force_login(social_worker)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("reminders:preferences") in profile

    page = client.get(reverse("reminders:preferences"))
    assert page.status_code == 200
    response = client.post(
        reverse("reminders:preferences"), {"frequency": Frequency.WEEKLY, "weekday": 4}
    )

    assert response.status_code == 302
    preference = DigestPreference.objects.get(user=social_worker)
    assert (preference.frequency, preference.weekday) == (Frequency.WEEKLY, 4)
    assert AuditEvent.objects.filter(
        record_type="reminders.digestpreference", actor=social_worker, action="create"
    ).exists()


def _log(organisation, n, **fields):
    for i in range(n):
        MessageLog.objects.create(
            organisation=organisation,
            kind=MessageKind.SESSION_REMINDER,
            channel=Channel.SMS,
            participant=ParticipantFactory(
                organisation=organisation,
                reference=f"R-{organisation.slug}-{i}-{MessageLog.objects.count()}",
            ),
            period="2026-03-04",
            dedup_key=f"reminder:{MessageLog.objects.count()}:2026-03-04",
            status=MessageStatus.SENT,
            sent_at=datetime.datetime(2026, 3, 3, 17, 0, tzinfo=datetime.UTC),
            **fields,
        )


def test_the_log_shows_the_organisations_messages_only(
    client, coordinator, organisation, other_organisation
):
    _log(organisation, 2)
    _log(other_organisation, 1)
    client.force_login(coordinator)

    page = client.get(reverse("reminders:log")).content.decode()

    assert "R-test-0" in page
    assert "R-test-1" in page
    assert "R-ailleurs" not in page


def test_the_log_is_paginated_in_a_bounded_number_of_queries(client, coordinator, organisation):
    _log(organisation, 3)
    client.force_login(coordinator)

    assert_bounded_queries(
        client, reverse("reminders:log"), grow=lambda: _log(organisation, 60), expected=4
    )


@pytest.mark.parametrize("role", ["social_worker", "workshop_leader", "viewer"])
def test_only_the_coordinator_opens_the_log(client, personas, role):
    client.force_login(personas[role])
    assert client.get(reverse("reminders:log")).status_code == 403
