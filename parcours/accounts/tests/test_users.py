import pytest
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.factories import UserFactory
from parcours.accounts.models import User
from parcours.audit.models import AuditAction, AuditEvent
from parcours.testing import assert_bounded_queries

GOOD_PASSWORD = "une-phrase-de-passe-solide"


def _create_payload(**overrides):
    return {
        "username": "nina.claes",
        "first_name": "Nina",
        "last_name": "Claes",
        "email": "nina@example.org",
        "role": Role.SOCIAL_WORKER,
        "language": "nl",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **overrides,
    }


@pytest.mark.django_db
def test_coordinator_creates_a_colleague_in_their_organisation(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("accounts:user_create"), _create_payload())

    assert response.status_code == 302
    created = User.objects.get(username="nina.claes")
    assert created.organisation == coordinator.organisation
    assert created.role == Role.SOCIAL_WORKER
    assert created.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(record_type="accounts.user", record_id=str(created.pk))
    assert (event.action, event.actor) == (AuditAction.CREATE, coordinator)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("Court-12", "trop court"), ("password1234", "trop courant")],
)
def test_weak_initial_password_is_refused(client, coordinator, password, message):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:user_create"), _create_payload(password1=password, password2=password)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["password1"])
    assert not User.objects.filter(username="nina.claes").exists()


@pytest.mark.django_db
def test_coordinator_changes_a_role_and_it_is_audited(client, coordinator, workshop_leader):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:user_update", args=[workshop_leader.pk]),
        {
            "first_name": workshop_leader.first_name,
            "last_name": workshop_leader.last_name,
            "email": workshop_leader.email,
            "role": Role.SOCIAL_WORKER,
            "language": "fr",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    workshop_leader.refresh_from_db()
    assert workshop_leader.role == Role.SOCIAL_WORKER
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, record_id=str(workshop_leader.pk))
    assert event.changes == {"role": {"before": Role.WORKSHOP_LEADER, "after": Role.SOCIAL_WORKER}}


@pytest.mark.django_db
def test_the_last_coordinator_cannot_step_down(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("accounts:user_update", args=[coordinator.pk]),
        {
            "first_name": coordinator.first_name,
            "last_name": coordinator.last_name,
            "email": coordinator.email,
            "role": Role.VIEWER,
            "language": "fr",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "au moins un" in str(response.context["form"].non_field_errors())
    coordinator.refresh_from_db()
    assert coordinator.role == Role.COORDINATOR


@pytest.mark.django_db
def test_a_closed_account_cannot_sign_in(client, coordinator, social_worker):
    client.force_login(coordinator)
    client.post(
        reverse("accounts:user_update", args=[social_worker.pk]),
        {
            "first_name": social_worker.first_name,
            "last_name": social_worker.last_name,
            "email": social_worker.email,
            "role": social_worker.role,
            "language": "fr",
        },
    )
    social_worker.refresh_from_db()
    assert not social_worker.is_active


@pytest.mark.django_db
def test_user_list_shows_only_the_organisation(client, coordinator, outsider):
    client.force_login(coordinator)
    content = client.get(reverse("accounts:user_list")).content.decode()
    assert coordinator.username in content
    assert outsider.username not in content


@pytest.mark.django_db
def test_user_list_query_count_is_bounded(client, coordinator):
    client.force_login(coordinator)

    def add_colleagues():
        UserFactory.create_batch(30, organisation=coordinator.organisation)

    # Session, user with organisation, the count, the page of users.
    assert_bounded_queries(client, reverse("accounts:user_list"), grow=add_colleagues, expected=4)


@pytest.mark.django_db
def test_profile_saves_the_language(client, social_worker):
    client.force_login(social_worker)

    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": social_worker.first_name,
            "last_name": social_worker.last_name,
            "email": social_worker.email,
            "language": "en",
        },
    )

    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.language == "en"
