import pytest
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.accounts.models import Federation, User
from parcours.audit.models import AuditAction, AuditEvent
from parcours.testing import assert_bounded_queries

GOOD_PASSWORD = "une-phrase-de-passe-solide"


@pytest.fixture
def federation(organisation, other_organisation):
    """The test CPAS and a second one in a federation with an analyst; another
    federation beside it."""
    federation = Federation.objects.create(name="Fédération des CPAS du Sud", slug="sud")
    second = OrganisationFactory(name="CPAS de Seconde", slug="seconde", federation=federation)
    organisation.federation = federation
    organisation.save()
    far = Federation.objects.create(name="Fédération du Nord", slug="nord")
    other_organisation.federation = far
    other_organisation.save()
    UserFactory(organisation=None, federation=far, role=Role.FEDERATION_ANALYST, username="nord")
    UserFactory(
        organisation=None, federation=federation, role=Role.FEDERATION_ANALYST, username="ana"
    )
    return federation, second


def _payload(**overrides):
    return {
        "username": "lea.analyste",
        "first_name": "Léa",
        "last_name": "Analyste",
        "email": "lea@example.org",
        "language": "fr",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **overrides,
    }


def test_a_coordinator_sees_the_member_cpas_and_the_analysts(client, coordinator, federation):
    client.force_login(coordinator)
    response = client.get(reverse("accounts:user_list"))
    manage = reverse("accounts:federation_manage", args=["sud"])
    assert manage in response.content.decode()

    html = client.get(manage).content.decode()
    assert "CPAS de Test" in html
    assert "CPAS de Seconde" in html
    assert "ana" in html
    assert "nord" not in html
    assert "CPAS d&#x27;Ailleurs" not in html


def test_the_page_does_a_fixed_number_of_queries(client, coordinator, federation):
    client.force_login(coordinator)

    def grow():
        for index in range(5):
            OrganisationFactory(slug=f"member-{index}", federation=federation[0])
            UserFactory(organisation=None, federation=federation[0], role=Role.FEDERATION_ANALYST)

    url = reverse("accounts:federation_manage", args=["sud"])
    assert_bounded_queries(client, url, grow=grow, expected=5)


def test_another_federation_does_not_exist_for_a_coordinator(client, coordinator, federation):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:federation_manage", args=["nord"])).status_code == 404
    nord = User.objects.get(username="nord")
    url = reverse("accounts:federation_analyst_revoke", args=["sud", nord.pk])
    assert client.post(url).status_code == 404
    nord.refresh_from_db()
    assert nord.is_active


def test_a_coordinator_outside_any_federation_manages_none(client, outsider, federation):
    outsider.organisation.federation = None
    outsider.organisation.save()
    client.force_login(outsider)
    assert client.get(reverse("accounts:federation_manage", args=["nord"])).status_code == 404


def test_other_roles_are_refused(client, social_worker, viewer, federation):
    analyst = User.objects.get(username="ana")
    for user in (social_worker, viewer, analyst):
        client.force_login(user)
        assert client.get(reverse("accounts:federation_manage", args=["sud"])).status_code == 403


def test_a_superuser_manages_any_federation(client, federation):
    operator = UserFactory(organisation=None, is_superuser=True, role=Role.VIEWER)
    client.force_login(operator)
    html = client.get(reverse("accounts:federation_manage", args=["nord"])).content.decode()
    assert "CPAS d&#x27;Ailleurs" in html
    response = client.post(reverse("accounts:federation_analyst_create", args=["nord"]), _payload())
    assert response.status_code == 302
    created = User.objects.get(username="lea.analyste")
    assert (created.federation.slug, created.organisation) == ("nord", None)


def test_a_coordinator_adds_an_analyst_written_in_every_members_trail(
    client, coordinator, federation
):
    client.force_login(coordinator)
    response = client.post(reverse("accounts:federation_analyst_create", args=["sud"]), _payload())
    assert response.status_code == 302
    analyst = User.objects.get(username="lea.analyste")
    assert analyst.role == Role.FEDERATION_ANALYST
    assert (analyst.federation, analyst.organisation) == (federation[0], None)
    assert analyst.check_password(GOOD_PASSWORD)
    events = AuditEvent.objects.filter(record_type="accounts.user", record_id=str(analyst.pk))
    assert sorted(events.values_list("organisation__slug", "action", "actor__username")) == [
        ("seconde", AuditAction.CREATE, "coordinator"),
        ("test", AuditAction.CREATE, "coordinator"),
    ]
    assert "password" not in events.first().changes


def test_a_weak_password_is_refused(client, coordinator, federation):
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:federation_analyst_create", args=["sud"]),
        _payload(password1="court", password2="court"),
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(username="lea.analyste").exists()


def test_a_coordinator_revokes_an_analyst(client, coordinator, federation):
    analyst = User.objects.get(username="ana")
    client.force_login(coordinator)
    url = reverse("accounts:federation_analyst_revoke", args=["sud", analyst.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    analyst.refresh_from_db()
    assert not analyst.is_active
    events = AuditEvent.objects.filter(record_id=str(analyst.pk), action=AuditAction.UPDATE)
    assert events.count() == 2
    assert events.first().changes == {"is_active": {"before": True, "after": False}}
    # A revoked analyst reads nothing any more.
    client.force_login(analyst)
    assert client.get(reverse("reporting:federation")).status_code == 302
