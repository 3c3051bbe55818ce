"""The Redis backend (django-tasks-rq) with Django's own ``django.tasks``: a task
enqueued here, run by rq's worker (``manage.py rqworker --burst``) in another process,
its result read back. Against the Redis on 127.0.0.1:6379; skipped when it does not
answer, unless REQUIRE_REDIS=1."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from parcours.background.jobs import State, task_state
from parcours.background.tests import tasks

REDIS_URL = os.environ.get("TASKS_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_queue(settings):
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis does not answer at {REDIS_URL} (REQUIRE_REDIS=1)")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    queue = f"parcours-test-{uuid.uuid4().hex[:12]}"  # ours alone on a shared Redis
    # django-tasks-rq reads results through the connection of the queue named "default".
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}, queue: {"URL": REDIS_URL}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue]}
    }
    yield queue
    for key in connection.scan_iter(f"rq:*{queue}*"):
        connection.delete(key)


def _rq_worker(queue, tmp_path):
    env = {
        **os.environ,
        "TASKS_BACKEND": "rq",
        "TASKS_QUEUES": queue,
        "TASKS_REDIS_URL": REDIS_URL,
        "PARCOURS_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)  # the tasks here touch no database
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    return subprocess.run(
        # django-tasks-rq's Job calls the Task (rq's own would call it as a function).
        [
            sys.executable,
            str(manage),
            "rqworker",
            "--burst",
            "--job-class",
            "django_tasks_rq.Job",
            queue,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_django_task_runs_on_rq(redis_queue, tmp_path):
    added = tasks.add.using(queue_name=redis_queue).enqueue(2, 3)
    failed = tasks.fail.using(queue_name=redis_queue).enqueue()
    assert task_state(added.id).state == State.QUEUED

    worker = _rq_worker(redis_queue, tmp_path)
    assert worker.returncode == 0, worker.stderr

    added.refresh()
    assert str(added.status) == "SUCCESSFUL"
    assert added.return_value == 5
    assert task_state(added.id).state == State.DONE
    state = task_state(failed.id)
    assert state.state == State.FAILED
    assert "no such file" in state.reason
