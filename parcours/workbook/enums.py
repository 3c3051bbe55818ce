from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    ANALYSING = "analysing", _("Checking the file")
    READY = "ready", _("Ready to import")
    INVALID = "invalid", _("Errors found")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


RUNNING = (JobStatus.ANALYSING, JobStatus.IMPORTING)
FINISHED = (JobStatus.INVALID, JobStatus.DONE, JobStatus.FAILED)


class JobStep(models.TextChoices):
    """The step a job runs (or last ran): what a retry runs again."""

    CHECK = "check", _("Check")
    IMPORT = "import", _("Import")
