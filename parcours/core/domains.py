"""The seven areas of life of the social assessment, shared by assessments, workshops
and interventions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative situation")
    FAMILY = "family", _("Family life")
    SOCIAL_CULTURAL = "social_cultural", _("Social and cultural life")
    HOUSING = "housing", _("Housing")
    FINANCIAL = "financial", _("Financial situation")
    HEALTH = "health", _("Health")
    EMPLOYMENT_TRAINING = "employment_training", _("Employment and training")
