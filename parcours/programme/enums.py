from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessType(models.TextChoices):
    REMOBILISATION = "remobilisation", _("Remobilisation")
    IMMERSION = "immersion", _("French immersion")
