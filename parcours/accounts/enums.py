from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    WORKSHOP_LEADER = "workshop_leader", _("Workshop leader")
    VIEWER = "viewer", _("Viewer (aggregated figures)")
    # Of a federation, not of a CPAS: reads the anonymous cross-CPAS figures only.
    FEDERATION_ANALYST = "federation_analyst", _("Federation analyst (anonymous figures)")
