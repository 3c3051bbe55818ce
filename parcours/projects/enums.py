from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationOutcome(models.TextChoices):
    CONTINUE = "continue", _("Continue as agreed")
    AMEND = "amend", _("Amend the project")
    END = "end", _("End the project")
