"""The organisation's choices: set by its coordinator only, traced, never another's."""

import pytest
from django.urls import reverse

from parcours.accounts.models import Organisation
from parcours.audit.models import AuditAction, AuditEvent

SETTINGS = reverse("accounts:organisation_settings")


@pytest.mark.django_db
def test_counting_the_self_assessments_is_off_until_chosen(organisation):
    assert Organisation.objects.get(pk=organisation.pk).self_assessment_in_report is False


@pytest.mark.django_db
def test_the_coordinator_chooses_to_count_the_self_assessments_and_it_is_traced(
    client, coordinator, organisation
):
    client.force_login(coordinator)
    page = client.get(SETTINGS).content.decode()
    assert "Compter les auto-évaluations dans le rapport annuel" in page
    assert "Ajoute un tableau au rapport annuel" in page

    response = client.post(SETTINGS, {"self_assessment_in_report": "on"})

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.self_assessment_in_report is True
    event = AuditEvent.objects.get(
        record_type="accounts.organisation", record_id=str(organisation.pk)
    )
    assert (event.action, event.actor, event.organisation_id) == (
        AuditAction.UPDATE,
        coordinator,
        organisation.pk,
    )
    assert event.changes == {"self_assessment_in_report": {"before": False, "after": True}}

    client.post(SETTINGS, {})
    organisation.refresh_from_db()
    assert organisation.self_assessment_in_report is False


@pytest.mark.django_db
def test_the_coordinator_keeps_the_phone_the_participants_call(client, coordinator, organisation):
    client.force_login(coordinator)

    client.post(SETTINGS, {"phone": "  081 23 45 67 "})

    organisation.refresh_from_db()
    assert organisation.phone == "081 23 45 67"
    event = AuditEvent.objects.get(
        record_type="accounts.organisation", record_id=str(organisation.pk)
    )
    assert event.changes == {"phone": {"before": "", "after": "081 23 45 67"}}


@pytest.mark.django_db
def test_saving_without_a_change_writes_nothing_in_the_trail(client, coordinator, organisation):
    client.force_login(coordinator)
    client.post(SETTINGS, {})

    assert not AuditEvent.objects.filter(record_type="accounts.organisation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["social_worker", "workshop_leader", "viewer"])
def test_only_the_coordinator_sets_the_organisation_s_choices(
    client, request, organisation, persona
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(SETTINGS).status_code == 403
    assert client.post(SETTINGS, {"self_assessment_in_report": "on"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.self_assessment_in_report is False


@pytest.mark.django_db
def test_a_coordinator_only_ever_changes_their_own_organisation(
    client, coordinator, organisation, other_organisation
):
    client.force_login(coordinator)
    client.post(
        SETTINGS,
        {"self_assessment_in_report": "on", "organisation": other_organisation.pk},
    )

    other_organisation.refresh_from_db()
    organisation.refresh_from_db()
    assert other_organisation.self_assessment_in_report is False
    assert organisation.self_assessment_in_report is True
    assert not AuditEvent.objects.filter(organisation=other_organisation).exists()


@pytest.mark.django_db
def test_the_users_page_links_to_the_settings(client, coordinator):
    client.force_login(coordinator)

    assert SETTINGS in client.get(reverse("accounts:user_list")).content.decode()
