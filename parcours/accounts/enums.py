from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    WORKSHOP_LEADER = "workshop_leader", _("Workshop leader")
    VIEWER = "viewer", _("Viewer (aggregated figures)")
