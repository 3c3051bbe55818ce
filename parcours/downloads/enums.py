from django.db import models
from django.utils.translation import gettext_lazy as _


class DownloadStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


UNFINISHED = (DownloadStatus.QUEUED, DownloadStatus.RUNNING)
