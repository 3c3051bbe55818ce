import pytest
from django.urls import reverse

from parcours.audit.models import AuditAction, AuditPurpose
from parcours.audit.services import record_event, record_opened, update_record
from parcours.participants.factories import ParticipantFactory
from parcours.testing import assert_bounded_queries

URL = reverse("audit:event_list")


def _event(organisation, actor, *, record_id="1", label="DIALLO Aïcha", action=AuditAction.UPDATE):
    return record_event(
        organisation=organisation,
        by=actor,
        action=action,
        record_type="participants.participant",
        record_id=record_id,
        label=label,
        changes={"last_name": {"before": "Diallo", "after": "Diallo-Barry"}},
    )


@pytest.mark.django_db
def test_lists_the_events_of_the_organisation_only(client, coordinator, social_worker, outsider):
    _event(coordinator.organisation, social_worker, label="DIALLO Aïcha")
    _event(outsider.organisation, outsider, label="SECRET Ailleurs")
    client.force_login(coordinator)

    response = client.get(URL)

    content = response.content.decode()
    assert "DIALLO Aïcha" in content
    assert "SECRET Ailleurs" not in content
    assert "Diallo-Barry" in content


@pytest.mark.django_db
def test_filters_by_person(client, coordinator, social_worker, workshop_leader):
    _event(coordinator.organisation, social_worker, label="By the social worker")
    _event(coordinator.organisation, workshop_leader, label="By the leader")
    client.force_login(coordinator)

    content = client.get(URL, {"actor": workshop_leader.pk}).content.decode()

    assert "By the leader" in content
    assert "By the social worker" not in content


@pytest.mark.django_db
def test_filters_by_record(client, coordinator, social_worker):
    _event(coordinator.organisation, social_worker, record_id="7", label="Record seven")
    _event(coordinator.organisation, social_worker, record_id="8", label="Record eight")
    client.force_login(coordinator)

    content = client.get(
        URL, {"record_type": "participants.participant", "record_id": "7"}
    ).content.decode()

    assert "Record seven" in content
    assert "Record eight" not in content


@pytest.mark.django_db
def test_cannot_filter_on_a_person_of_another_organisation(client, coordinator, outsider):
    client.force_login(coordinator)
    response = client.get(URL, {"actor": outsider.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["actor"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_events(client, coordinator, social_worker):
    organisation = coordinator.organisation
    _event(organisation, social_worker)
    record_opened(
        obj=ParticipantFactory(organisation=organisation),
        by=social_worker,
        purpose=AuditPurpose.CONSULTATION,
    )
    client.force_login(coordinator)

    def add_many_events():
        for number in range(30):
            _event(organisation, social_worker, record_id=str(number))
        for participant in ParticipantFactory.create_batch(15, organisation=organisation):
            update_record(obj=participant, by=social_worker, first_name="Sam")
            record_opened(obj=participant, by=social_worker, purpose=AuditPurpose.CONSULTATION)

    # Session, user with organisation, event count, event page with authors, the keys of
    # the page's participants, the users of the filter.
    assert_bounded_queries(client, URL, grow=add_many_events, expected=6)


@pytest.mark.django_db
def test_the_coordinator_reads_what_is_sealed(client, coordinator, social_worker):
    participant = ParticipantFactory(organisation=coordinator.organisation, last_name="Diallo")
    update_record(obj=participant, by=social_worker, last_name="Diallo-Barry")
    client.force_login(coordinator)

    content = client.get(URL).content.decode()

    assert f"DIALLO-BARRY {participant.first_name}" in content
    assert "Diallo-Barry" in content
