"""Tasks the tests enqueue (a task must be a module-level function the worker imports)."""

from django.tasks import task


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def workers_seen() -> list[str]:
    from parcours.background.models import WorkerHeartbeat

    return list(WorkerHeartbeat.objects.values_list("name", flat=True))


@task
def fail() -> None:
    raise ValueError("no such file")
