"""``/health/``: the database, the cache and the worker, without login and without data."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from parcours.background.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db
HEALTH = reverse("background:health")


def _beat(ago):
    seen = timezone.now() - ago
    WorkerHeartbeat.objects.create(
        name="w1", host="here", pid=1, queue="default", started_at=seen, last_seen=seen
    )


def test_everything_answers(client, database_tasks):
    _beat(datetime.timedelta(seconds=5))
    response = client.get(HEALTH)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "cache": {"status": "ok"},
        "worker": {"status": "ok", "last_seen_seconds": 5},
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_worker_not_seen_is_degraded_but_200(client, database_tasks):
    _beat(datetime.timedelta(minutes=10))
    response = client.get(HEALTH)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["worker"] == {"status": "failed", "last_seen_seconds": 600}
    WorkerHeartbeat.objects.all().delete()
    assert client.get(HEALTH).json()["worker"] == {"status": "failed", "last_seen_seconds": None}


def test_no_worker_is_needed_with_the_immediate_backend(client):
    assert client.get(HEALTH).json()["worker"] == {"status": "ok", "backend": "ImmediateBackend"}


def test_a_cache_that_does_not_answer_is_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get(HEALTH)
    assert response.status_code == 503
    assert response.json()["status"] == "failed"
    assert response.json()["cache"] == {"status": "failed", "error": "ConnectionError"}


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(HEALTH)
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"status": "failed", "error": "OperationalError"}
    assert body["status"] == "failed"


def test_open_to_a_signed_in_person_waiting_for_the_second_factor(client, coordinator, settings):
    settings.MFA_REQUIRED = True
    client.force_login(coordinator)
    assert client.get(HEALTH).status_code == 200
