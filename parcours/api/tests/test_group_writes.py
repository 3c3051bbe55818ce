"""Writing groups through the API: the page's form and services, their audit rows, 409
for a stale version, and idempotent creates."""

import pytest

from parcours.audit.models import AuditEvent
from parcours.programme.models import Group

pytestmark = pytest.mark.django_db

NEW = {"name": "Cohorte API", "process_type": "remobilisation", "start_date": "2026-09-01"}


def _post(client, headers, body, **extra):
    return client.post(
        "/api/v1/groups", body, content_type="application/json", headers={**headers, **extra}
    )


def _patch(client, headers, pk, body):
    return client.patch(
        f"/api/v1/groups/{pk}", body, content_type="application/json", headers=headers
    )


def test_a_group_is_created_as_the_page_creates_it(client, coordinator, social_worker, bearer):
    response = _post(
        client, bearer(coordinator, scope="write"), {**NEW, "staff_ids": [social_worker.pk]}
    )
    assert response.status_code == 201
    body = response.json()
    group = Group.objects.get(pk=body["id"])
    # The form's rule: without an end, ten months of remobilisation.
    assert group.end_date.isoformat() == body["end_date"] == "2027-06-30"
    assert body["staff_ids"] == [social_worker.pk]
    assert AuditEvent.objects.filter(record_type="programme.group", action="create").count() == 1


def test_the_forms_checks_and_messages_apply(client, coordinator, bearer, programme):
    headers = bearer(coordinator, scope="write")
    taken = _post(client, headers, {**NEW, "name": programme.group.name.upper()})
    assert taken.status_code == 422
    assert taken.json()["errors"] == [
        {"location": "body.name", "message": "Un autre groupe porte déjà ce nom."}
    ]
    backwards = _post(client, headers, {**NEW, "end_date": "2026-01-01"})
    assert backwards.status_code == 422
    assert Group.objects.filter(name=NEW["name"]).count() == 0


def test_an_idempotency_key_makes_a_create_safe_to_send_again(client, coordinator, bearer):
    headers = bearer(coordinator, scope="write")
    first = _post(client, headers, NEW, **{"Idempotency-Key": "k-1"})
    again = _post(client, headers, NEW, **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Group.objects.filter(name=NEW["name"]).count() == 1
    other = _post(client, headers, {**NEW, "name": "Autre"}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["type"] == "urn:parcours:problem:idempotency-key-reused"


def test_a_stale_version_answers_409_and_writes_nothing(client, coordinator, bearer, programme):
    headers = bearer(coordinator, scope="write")
    group = programme.group
    saved = _patch(client, headers, group.pk, {"version": group.version, "capacity": 15})
    assert saved.status_code == 200
    assert saved.json()["capacity"] == 15
    assert saved.json()["version"] == group.version + 1
    stale = _patch(client, headers, group.pk, {"version": group.version, "capacity": 20})
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:parcours:problem:stale-version"
    group.refresh_from_db()
    assert group.capacity == 15
    update = AuditEvent.objects.filter(record_type="programme.group", action="update").get()
    assert update.changes["capacity"] == {"before": 12, "after": 15}


def test_writes_need_the_role_the_scope_and_the_organisation(
    client, workshop_leader, coordinator, bearer, programme, elsewhere
):
    body = {"version": 1, "capacity": 3}
    assert _post(client, bearer(workshop_leader, scope="write"), NEW).status_code == 403
    assert _post(client, bearer(coordinator, scope="read"), NEW).status_code == 403
    assert (
        _patch(client, bearer(coordinator, scope="write"), elsewhere.group.pk, body).status_code
        == 404
    )
    assert Group.objects.filter(name=NEW["name"]).count() == 0
