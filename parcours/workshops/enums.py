from django.db import models
from django.utils.translation import gettext_lazy as _


class Axis(models.TextChoices):
    EDUCATIONAL = "educational", _("Educational")
    CULTURAL = "cultural", _("Artistic and cultural")


class ProviderKind(models.TextChoices):
    TEAM = "team", _("The team")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")
    PARTNER = "partner", _("Partner organisation")
