"""Helpers for the work a page hands to the worker (Django's tasks, ``django.tasks``).

Two things every user-facing job needs and the tasks API leaves to the project:

* **Enqueue after commit** (``enqueue_after_commit``). A task names its record by primary
  key; enqueued inside the transaction that creates the record, a worker on another
  connection (or Redis, which knows nothing of our transactions) could take it before
  the record is committed and find nothing, or the transaction could roll back and leave
  a task about a record that never existed. Enqueued once the transaction commits, the
  task always finds its record. The task's id is saved on the record (``task_id``) so
  that its page can ask how it is doing.

* **Reading a task's state** (``task_state``). A job's own row says what the task last
  wrote (its progress); only the task backend and the workers' heartbeats say whether
  anything is still working on it. A page polls both, so that it can tell a job that
  waits its turn (the worker is alive and busy), a job that waits for a worker that is
  not there (no heartbeat: nobody started ``manage.py worker``), and a job that will
  never finish: its task failed outside the job's own error handling (a forced stop),
  or it is "running" on a worker that stopped beating (killed, machine down), or the
  task is gone. A time limit alone cannot tell a long import from a dead one; the
  heartbeat can, within ``WORKER_STALE_AFTER``.

With the ImmediateBackend (tests, ``TASKS_BACKEND=immediate``) a task runs inside
``enqueue``: it is over before the page asks, and its state is ``UNKNOWN`` (the backend
keeps no results); the job's row is then the whole truth.
"""

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

logger = logging.getLogger(__name__)

# A worker touches its heartbeat this often (seconds), and between two tasks.
HEARTBEAT_EVERY = 15
# A worker not seen for this long is taken for dead.
WORKER_STALE_AFTER = timedelta(seconds=4 * HEARTBEAT_EVERY)


def enqueue_after_commit(task, *args, job=None, **kwargs) -> None:
    """Enqueue ``task(*args, **kwargs)`` once the current transaction commits (at once
    outside a transaction). ``job``, a saved model instance with a ``task_id`` field,
    gets the id of the task. The arguments must be JSON-serialisable: primary keys,
    never model instances."""

    def enqueue():
        result = task.enqueue(*args, **kwargs)
        if job is not None:
            type(job)._base_manager.filter(pk=job.pk).update(task_id=str(result.id))
            job.task_id = str(result.id)

    transaction.on_commit(enqueue, robust=False)


class State(enum.StrEnum):
    QUEUED = "queued"  # waiting its turn; a worker is alive
    NO_WORKER = "no_worker"  # waiting, but no worker has been seen lately
    RUNNING = "running"
    LOST = "lost"  # "running" on a worker that stopped, or gone from the backend
    FAILED = "failed"  # the task raised (reason says what)
    DONE = "done"
    UNKNOWN = "unknown"  # no task id, or a backend that keeps no results


@dataclass(frozen=True)
class TaskState:
    state: State
    reason: str = ""
    worker_last_seen: datetime | None = None

    @property
    def stalled(self) -> bool:
        """Nothing will ever finish this task: the job should be shown failed and offered
        a retry."""
        return self.state in (State.LOST, State.FAILED)

    @property
    def waiting_for_worker(self) -> bool:
        return self.state == State.NO_WORKER


def worker_last_seen(worker: str | None = None) -> datetime | None:
    """When a worker (``worker``, or any) last touched its heartbeat; None if never."""
    from parcours.background.models import WorkerHeartbeat

    beats = WorkerHeartbeat.objects.all()
    if worker is not None:
        beats = beats.filter(name=worker)
    return beats.order_by("-last_seen").values_list("last_seen", flat=True).first()


def alive(last_seen: datetime | None) -> bool:
    return last_seen is not None and timezone.now() - last_seen <= WORKER_STALE_AFTER


def _uses_heartbeats(backend) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def _reason(result) -> str:
    if not result.errors:
        return ""
    error = result.errors[-1]
    lines = [line for line in error.traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else error.exception_class_path


def task_state(task_id: str | None, *, backend: str = DEFAULT_TASK_BACKEND_ALIAS) -> TaskState:
    """The state of the task ``task_id`` (of the backend named ``backend``) as a
    user-facing job needs it."""
    backend = task_backends[backend]
    if not task_id or not backend.supports_get_result:
        return TaskState(State.UNKNOWN)
    try:
        result = backend.get_result(task_id)
    except TaskResultDoesNotExist:
        return TaskState(State.LOST, reason="The task is no longer known to the queue.")
    status = str(result.status)
    if status == "SUCCESSFUL":
        return TaskState(State.DONE)
    if status == "FAILED":
        return TaskState(State.FAILED, reason=_reason(result))
    if not _uses_heartbeats(backend):
        # Redis (rq) notices a dead worker itself and fails its job.
        return TaskState(State.RUNNING if status == "RUNNING" else State.QUEUED)
    if status == "RUNNING":
        worker = result.worker_ids[-1] if result.worker_ids else None
        seen = worker_last_seen(worker) if worker else None
        if alive(seen):
            return TaskState(State.RUNNING, worker_last_seen=seen)
        return TaskState(State.LOST, reason="The worker running it stopped.", worker_last_seen=seen)
    seen = worker_last_seen()
    return TaskState(State.QUEUED if alive(seen) else State.NO_WORKER, worker_last_seen=seen)
