"""The task that prepares a download. Its only argument is the download's id: the
parameters and the requester are read from the row (JSON-serialisable, and never a
stale copy)."""

from django.tasks import task

from parcours.downloads import services


@task()
def prepare_download(download_id: int) -> str:
    return services.run_download(download_id)
