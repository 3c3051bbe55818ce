"""Gunicorn's settings for Parcours (``scripts/serve``, the benchmark's server and the
systemd unit of docs/operations.md all pass ``--config scripts/gunicorn.conf.py``).

Why these values (docs/operations.md, "The web server"):

- **Threaded workers** (``gthread``): a page spends part of its time waiting for the
  database; a thread waiting gives the core to another one, and a keep-alive connection
  waits in the worker's poller instead of holding a process, as a sync worker does.
- **Processes from the cores**: Python runs one thread at a time per process, so the
  processes are what use the cores: two a core (one computes while the other's threads
  wait for the database), at least two so that one slow page never holds every request.
- **Four threads a process**: on 2 cores, 4 processes of 4 threads serve 16 requests at
  once, which keeps both cores busy without queueing inside Python; each thread keeps its
  own database connection (``DATABASE_CONN_MAX_AGE``, 16 of PostgreSQL's 100 here).
- **30 s timeout**: a request over 30 s is a fault (the heavy work runs in the background
  worker); the worker is replaced rather than the queue held.
- **Recycled workers** (``max_requests``, with jitter so they do not restart together):
  any slow growth of a process's memory stays bounded.

Every value can be changed by the environment: ``WEB_CONCURRENCY`` (processes),
``WEB_THREADS``, ``WEB_TIMEOUT``, ``WEB_KEEPALIVE``.
"""

import os

cores = os.cpu_count() or 1

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, 2 * cores))
threads = int(os.environ.get("WEB_THREADS") or 4)
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = timeout
# Behind the TLS proxy on the same machine: keep its connections open between requests.
keepalive = int(os.environ.get("WEB_KEEPALIVE") or 5)
max_requests = 2000
max_requests_jitter = 200
