"""Gunicorn's settings for Parcours (``scripts/serve``, the benchmark's server and the
systemd unit of docs/operations.md all pass ``--config scripts/gunicorn.conf.py``).

Why these values (docs/operations.md, "The web server"):

- **Threaded workers** (``gthread``): a page spends part of its time waiting for the
  database; a thread waiting gives the core to another one, and a keep-alive connection
  waits in the worker's poller instead of holding a process, as a sync worker does.
- **One process a core, at least two**: Python runs one thread at a time per process, so
  the processes are what use the cores, and a thread waiting for the database already
  gives its process's core to another thread. A second process a core only made them
  compete with each other, with the database and with the TLS proxy for the same cores:
  under 20 users on 2 cores the main pages' p95 was 2 to 4 times higher with 4 processes
  than with 2 (docs/performance.md, section 3). At least two, so that one slow page never
  holds every request.
- **Two threads a process**: one can run Python while the other waits for the database.
  More threads only wait for the same lock of the interpreter, and the last request in
  line waits for all of them: under 20 users on 2 cores the main pages' p95 was 176-181
  ms with 4 threads and 115-145 ms with 2, at the same median and throughput
  (docs/performance.md, "Threads per process"). Each thread keeps its own database
  connection (``DATABASE_CONN_MAX_AGE``, 4 of PostgreSQL's 100 here).
- **30 s timeout**: a request over 30 s is a fault (the heavy work runs in the background
  worker); the worker is replaced rather than the queue held.
- **Workers forked warm** (``preload_app`` and ``when_ready``): the master loads the
  application and ``parcours.core.warmup.warm`` compiles the templates, reads the
  translations and builds the URL tables once; every worker, at start and when
  recycled, is forked with all of it in memory instead of doing it at its first
  requests (a second and more of a core each, while people wait). A new release needs
  a restart, not a HUP, since the master holds the old code.
- **Recycled workers** (``max_requests``, with jitter so they do not restart together):
  any slow growth of a process's memory stays bounded.

Every value can be changed by the environment: ``WEB_CONCURRENCY`` (processes),
``WEB_THREADS``, ``WEB_TIMEOUT``, ``WEB_KEEPALIVE``.
"""

import os

cores = os.cpu_count() or 1

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, cores))
threads = int(os.environ.get("WEB_THREADS") or 2)
timeout = int(os.environ.get("WEB_TIMEOUT") or 30)
graceful_timeout = timeout
# Behind the TLS proxy on the same machine: keep its connections open between requests.
keepalive = int(os.environ.get("WEB_KEEPALIVE") or 5)
max_requests = 2000
max_requests_jitter = 200
preload_app = True


def when_ready(server):
    """In the master, after the application is loaded and before any worker is forked."""
    from parcours.core.warmup import warm

    server.log.info("Warmed up before forking the workers: %s", warm())
