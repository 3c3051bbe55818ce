"""The worker: django-tasks-db's own worker loop, plus a heartbeat.

The heartbeat row (``WorkerHeartbeat``) is what lets a page tell a job that waits for a
busy worker from one whose worker died, and what ``/health/`` reports. It is touched by
a thread every ``HEARTBEAT_EVERY`` seconds, so a long task does not look like a dead
worker, and after every task. The row is deleted when the worker stops cleanly: a task
left "running" by a worker without a row (or with a stale one) will never finish.
"""

import logging
import os
import socket
import threading

from django.db import connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from parcours.background.jobs import HEARTBEAT_EVERY
from parcours.background.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """A name unique across the pool (host, process, a random part), at most 64
    characters, as django-tasks-db records it on each task it runs."""
    from django.utils.crypto import get_random_string

    host = socket.gethostname()[:40]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"[:64]


class Heartbeat:
    def __init__(self, name: str, queues: list[str]):
        self.name = name
        self.queues = ",".join(queues)[:255]
        self._stop = threading.Event()
        self._thread = None

    def beat(self) -> None:
        now = timezone.now()
        updated = WorkerHeartbeat.objects.filter(name=self.name).update(last_seen=now)
        if not updated:
            WorkerHeartbeat.objects.create(
                name=self.name,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                queue=self.queues,
                started_at=now,
                last_seen=now,
            )

    def _loop(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_EVERY):
                try:
                    self.beat()
                except Exception:  # the database went away for a moment: try again later
                    logger.exception("The worker's heartbeat could not be recorded")
        finally:
            connections.close_all()

    def start(self, *, thread: bool) -> None:
        self.beat()
        if thread:
            self._thread = threading.Thread(
                target=self._loop, name=f"heartbeat-{self.name}", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=HEARTBEAT_EVERY)
        WorkerHeartbeat.objects.filter(name=self.name).delete()


class HeartbeatWorker(Worker):
    """django-tasks-db's worker, which also beats after each task."""

    def __init__(self, *, heartbeat: Heartbeat, **options):
        super().__init__(**options)
        self.heartbeat = heartbeat

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        finally:
            try:
                self.heartbeat.beat()
            except Exception:
                logger.exception("The worker's heartbeat could not be recorded")
