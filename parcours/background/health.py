"""What ``/health/`` reports: the database, the cache and the worker, without data.

The database and the cache are needed by every page: when either fails the answer is
503, so that a load balancer takes the machine out and a monitor raises the alarm. A
worker that is not seen only delays the background work (imports wait, nothing is lost:
the tasks stay queued), and the pages still work: the answer stays 200 with the status
"degraded", so a monitor can warn without a load balancer emptying the pool.
"""

import uuid

from django.core.cache import cache
from django.db import connection
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils import timezone

from parcours.background.jobs import WORKER_STALE_AFTER, worker_last_seen


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return {"status": "failed", "error": type(error).__name__}
    return {"status": "ok"}


def _cache() -> dict:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        answered = cache.get(key) == "1"
        cache.delete(key)
    except Exception as error:
        return {"status": "failed", "error": type(error).__name__}
    return {"status": "ok"} if answered else {"status": "failed", "error": "no answer"}


def _worker(database_ok: bool) -> dict:
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    from django_tasks_db import DatabaseBackend

    if not isinstance(backend, DatabaseBackend):
        # Immediate: no worker to have; Redis (rq): its workers are watched by rq.
        return {"status": "ok", "backend": type(backend).__name__}
    if not database_ok:
        return {"status": "failed", "last_seen_seconds": None}
    seen = worker_last_seen()
    age = None if seen is None else round((timezone.now() - seen).total_seconds())
    stale = seen is None or timezone.now() - seen > WORKER_STALE_AFTER
    return {"status": "failed" if stale else "ok", "last_seen_seconds": age}


def health() -> tuple[dict, int]:
    """The report and its HTTP status."""
    database = _database()
    cache_state = _cache()
    worker = _worker(database["status"] == "ok")
    if database["status"] != "ok" or cache_state["status"] != "ok":
        status, code = "failed", 503
    elif worker["status"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return {"status": status, "database": database, "cache": cache_state, "worker": worker}, code
