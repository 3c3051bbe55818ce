"""Personal access tokens: issued by a coordinator, shown once, stored hashed, refused
once expired or revoked or out of scope, and every use in the audit trail."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.api.models import TOKEN_PREFIX, AccessToken
from parcours.api.tokens import issue_token, revoke_token
from parcours.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/groups"
IN_A_MONTH = datetime.timedelta(days=30)


def _issue(user, by, **values):
    values = {"name": "Paiements", "scope": "read", **values}
    values.setdefault("expires_at", timezone.now() + IN_A_MONTH)
    return issue_token(user=user, by=by, **values)


def test_the_secret_is_kept_only_as_its_hash(coordinator, social_worker):
    token, secret = _issue(social_worker, coordinator)
    assert secret.startswith(TOKEN_PREFIX)
    assert len(secret) > 40
    stored = AccessToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(value) for value in AccessToken.objects.values().get().values()}
    assert stored.shown_start == secret[:12]


def test_a_token_works_until_revoked(client, coordinator, social_worker):
    token, secret = _issue(social_worker, coordinator)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(URL, headers=headers).status_code == 200
    revoke_token(token=token, by=coordinator)
    response = client.get(URL, headers=headers)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:parcours:problem:not-authenticated"


def test_an_expired_token_is_refused(client, coordinator, social_worker, time_machine):
    _token, secret = _issue(social_worker, coordinator, expires_at=timezone.now() + IN_A_MONTH)
    time_machine.move_to(timezone.now() + IN_A_MONTH + datetime.timedelta(seconds=1))
    assert client.get(URL, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_an_unknown_secret_and_a_closed_account_are_refused(client, coordinator, social_worker):
    _token, secret = _issue(social_worker, coordinator)
    assert client.get(URL, headers={"Authorization": f"Bearer {secret}x"}).status_code == 401
    social_worker.is_active = False
    social_worker.save()
    assert client.get(URL, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_read_token_cannot_write(client, coordinator):
    _token, secret = _issue(coordinator, coordinator, scope="read")
    response = client.post(URL, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json()["type"] == "urn:parcours:problem:read-only-token"


def test_only_a_coordinator_issues_and_only_in_their_organisation(
    coordinator, social_worker, outsider
):
    with pytest.raises(PermissionDenied, match=r"^$"):
        _issue(coordinator, social_worker)
    with pytest.raises(ValidationError, match="que pour un utilisateur de votre organisation"):
        _issue(coordinator, outsider)
    with pytest.raises(ValidationError, match="un an au plus"):
        _issue(social_worker, coordinator, expires_at=timezone.now() + datetime.timedelta(days=400))
    with pytest.raises(ValidationError, match="dans le futur"):
        _issue(social_worker, coordinator, expires_at=timezone.now())


def test_issuing_revoking_and_every_use_are_audited(client, coordinator, social_worker):
    token, secret = _issue(social_worker, coordinator)
    revoke_token(token=token, by=coordinator)
    token, secret = _issue(social_worker, coordinator)
    client.get(f"{URL}?limit=5", headers={"Authorization": f"Bearer {secret}"})
    events = AuditEvent.objects.order_by("sequence")
    assert [(e.record_type, e.action) for e in events] == [
        ("api.accesstoken", "create"),
        ("api.accesstoken", "update"),
        ("api.accesstoken", "create"),
        ("api.request", "view"),
    ]
    use = events.last()
    assert (use.actor, use.record_id) == (social_worker, str(token.pk))
    assert use.changes == {"method": "GET", "path": f"{URL}?limit=5", "status": 200}
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_session_is_accepted_and_writes_need_the_csrf_token(coordinator):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    assert browser.get(URL).status_code == 200
    response = browser.post(URL)
    assert response.status_code == 403
    assert response.json()["type"] == "urn:parcours:problem:csrf-failed"


def test_requests_are_throttled_per_token(client, settings, coordinator, social_worker):
    settings.API_THROTTLE_RATE = "2/min"
    _token, first = _issue(social_worker, coordinator)
    _token, second = _issue(social_worker, coordinator)
    answers = [
        client.get(URL, headers={"Authorization": f"Bearer {first}"}).status_code for _ in range(3)
    ]
    assert answers == [200, 200, 429]
    assert client.get(URL, headers={"Authorization": f"Bearer {second}"}).status_code == 200


# -- The coordinator's page -------------------------------------------------------------


def test_a_coordinator_issues_a_token_shown_once_and_revokes_it(client, coordinator, social_worker):
    client.force_login(coordinator)
    page = client.get("/api/tokens/")
    assert page.status_code == 200
    assert b"/api/tokens/" in client.get("/").content  # in the coordinator's menu
    response = client.post(
        "/api/tokens/new/",
        {
            "user": social_worker.pk,
            "name": "Logiciel social",
            "scope": "read",
            "expires_on": (timezone.localdate() + IN_A_MONTH).isoformat(),
        },
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.encode() in response.content
    token = AccessToken.objects.get()
    assert (token.user, token.created_by, token.name) == (
        social_worker,
        coordinator,
        "Logiciel social",
    )
    listing = client.get("/api/tokens/")
    assert secret.encode() not in listing.content
    assert token.shown_start.encode() in listing.content
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert (token.revoked_by, token.revoked_at is not None) == (coordinator, True)


def test_the_page_is_the_coordinators_and_their_organisations(
    client, coordinator, social_worker, outsider
):
    token, _secret = _issue(social_worker, coordinator)
    client.force_login(social_worker)
    assert client.get("/api/tokens/").status_code == 403
    client.force_login(outsider)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert b"Paiements" not in client.get("/api/tokens/").content
    response = client.post(
        "/api/tokens/new/",
        {"user": social_worker.pk, "name": "x", "scope": "read", "expires_on": "2099-01-01"},
    )
    # Another organisation's person is not a choice of the form.
    assert response.status_code == 200
    assert "secret" not in response.context
    assert AccessToken.objects.count() == 1
