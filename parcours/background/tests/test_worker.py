"""``manage.py worker``: django-tasks-db's worker with a heartbeat; the state of a task
as a job's page reads it."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parcours.background.jobs import State, enqueue_after_commit, task_state
from parcours.background.models import WorkerHeartbeat
from parcours.background.tests import tasks

pytestmark = pytest.mark.django_db


def _beat(name, *, ago=datetime.timedelta(0)):
    seen = timezone.now() - ago
    return WorkerHeartbeat.objects.create(
        name=name, host="here", pid=1, queue="default", started_at=seen, last_seen=seen
    )


def test_the_worker_runs_what_is_queued_with_a_heartbeat_then_leaves(database_tasks):
    added = tasks.add.enqueue(2, 3)
    seen = tasks.workers_seen.enqueue()
    assert task_state(added.id).state == State.NO_WORKER  # queued, nobody to run it

    call_command("worker", "--batch", "--worker-id", "test-worker", verbosity=0)

    added.refresh()
    seen.refresh()
    assert added.return_value == 5
    assert seen.return_value == ["test-worker"]  # it beat while it ran
    assert seen.worker_ids == ["test-worker"]
    assert task_state(added.id).state == State.DONE
    assert not WorkerHeartbeat.objects.exists()  # gone when it stopped cleanly


def test_a_failed_task_says_why(database_tasks):
    result = tasks.fail.enqueue()
    call_command("worker", "--batch", verbosity=0)
    state = task_state(result.id)
    assert state.state == State.FAILED
    assert state.stalled
    assert state.reason == "ValueError: no such file"


def test_a_task_waits_for_a_live_worker_and_is_lost_with_a_dead_one(database_tasks):
    result = tasks.add.enqueue(1, 1)
    _beat("alive")
    state = task_state(result.id)
    assert (state.state, state.stalled, state.waiting_for_worker) == (State.QUEUED, False, False)

    DBTaskResult.objects.get(id=result.id).claim("alive")
    assert task_state(result.id).state == State.RUNNING

    WorkerHeartbeat.objects.filter(name="alive").update(
        last_seen=timezone.now() - datetime.timedelta(minutes=2)
    )
    state = task_state(result.id)
    assert (state.state, state.stalled) == (State.LOST, True)

    WorkerHeartbeat.objects.all().delete()  # a worker that stopped without ending its task
    assert task_state(result.id).state == State.LOST
    assert task_state("00000000-0000-0000-0000-000000000000").state == State.LOST


def test_the_immediate_backend_keeps_no_state():
    result = tasks.add.enqueue(1, 2)
    assert result.return_value == 3
    assert task_state(result.id).state == State.UNKNOWN
    assert task_state("").state == State.UNKNOWN


def test_enqueue_after_commit_waits_for_the_commit(
    database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        enqueue_after_commit(tasks.add, 4, 5)
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert DBTaskResult.objects.get().args_kwargs == {"args": [4, 5], "kwargs": {}}


def test_the_worker_needs_the_database_backend():
    with pytest.raises(Exception, match="not a database backend"):
        call_command("worker", "--batch", verbosity=0)
