"""Run the worker: the tasks queued in the database (django-tasks-db), with a heartbeat.

    manage.py worker            # runs until SIGTERM or Ctrl+C (the task under way ends first)
    manage.py worker --batch    # runs what is queued, then exits (tests, cron)

The options are django-tasks-db's ``db_worker``'s (``--queue-name``, ``--interval``,
``--max-tasks``...), without the reloader. A second Ctrl+C stops the task under way: it
is marked failed (its transaction rolled back) and its job can be retried.
"""

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from parcours.background.worker import Heartbeat, HeartbeatWorker, worker_name


class Command(db_worker.Command):
    help = "Run the background worker (tasks queued in the database), with a heartbeat."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False, worker_id=None)

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        worker_id,
        exclude_queues,
        reload,
        **options,
    ):
        if reload:
            raise CommandError("The worker does not reload: restart it after a change.")
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        name = worker_id or worker_name()
        heartbeat = Heartbeat(name, queue_names)
        worker = HeartbeatWorker(
            heartbeat=heartbeat,
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay and not batch,
            max_tasks=max_tasks,
            worker_id=name,
            excluded_queue_names=excluded,
        )
        heartbeat.start(thread=not batch)
        try:
            worker.configure_signals()
            worker.run()
        finally:
            worker.reset_signals()
            heartbeat.stop()
