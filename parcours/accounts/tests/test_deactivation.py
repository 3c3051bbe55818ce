"""Accounts are closed, never deleted: their history and the records they wrote keep
their author."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.urls import reverse

from parcours.accounts import services
from parcours.accounts.factories import TEST_PASSWORD
from parcours.accounts.models import User, UserDeletionRefused
from parcours.audit.models import AuditAction, AuditEvent


@pytest.mark.django_db
def test_a_user_cannot_be_deleted(social_worker):
    with pytest.raises(UserDeletionRefused, match=r"never deleted.*user_deactivate"):
        social_worker.delete()

    assert User.objects.filter(pk=social_worker.pk).exists()


@pytest.mark.django_db
def test_users_cannot_be_deleted_in_bulk(social_worker, viewer):
    with pytest.raises(UserDeletionRefused, match="never deleted"):
        User.objects.filter(pk__in=[social_worker.pk, viewer.pk]).delete()

    assert User.objects.count() == 2


@pytest.mark.django_db
def test_deactivating_closes_the_account_and_is_audited(client, coordinator, social_worker):
    services.user_deactivate(user=social_worker, by=coordinator)

    social_worker.refresh_from_db()
    assert not social_worker.is_active
    event = AuditEvent.objects.get(record_id=str(social_worker.pk), action=AuditAction.UPDATE)
    assert (event.actor, event.changes) == (
        coordinator,
        {"is_active": {"before": True, "after": False}},
    )
    client.post(reverse("accounts:login"), {"username": "socialworker", "password": TEST_PASSWORD})
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_the_last_coordinator_cannot_be_deactivated(coordinator):
    with pytest.raises(ValidationError, match="au moins un coordinateur"):
        services.user_deactivate(user=coordinator, by=coordinator)

    coordinator.refresh_from_db()
    assert coordinator.is_active


@pytest.mark.django_db
def test_coordinator_closes_an_account_from_its_page(client, coordinator, social_worker):
    client.force_login(coordinator)
    page = client.get(reverse("accounts:user_update", args=[social_worker.pk])).content.decode()
    close_url = reverse("accounts:user_deactivate", args=[social_worker.pk])
    assert close_url in page

    response = client.post(close_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_list")
    social_worker.refresh_from_db()
    assert not social_worker.is_active


@pytest.mark.django_db
def test_closing_ones_own_last_coordinator_account_is_refused_with_a_message(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("accounts:user_deactivate", args=[coordinator.pk]), follow=True)

    assert "au moins un coordinateur" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.is_active
