from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessType(models.TextChoices):
    REMOBILISATION = "remobilisation", _("Remobilisation")
    IMMERSION = "immersion", _("French immersion")


class ExitOutcome(models.TextChoices):
    DROPOUT = "dropout", _("Dropped out")
    EXTENSION = "extension", _("Extension in another group")
    SOCIAL_PROJECT = "social_project", _("Social insertion project")
    PROFESSIONAL_PROJECT = "professional_project", _("Professional insertion project")


class DropoutReason(models.TextChoices):
    HEALTH = "health", _("Health")
    MOVING = "moving", _("Moving house")
    OTHER = "other", _("Other reason")


class SocialProject(models.TextChoices):
    VOLUNTEERING = "volunteering", _("Volunteering")
    LANGUAGE_TRAINING = "language_training", _("Language pre-training")
    DIGITAL_TRAINING = "digital_training", _("Digital pre-training")
    ARTS_CULTURE = "arts_culture", _("Artistic or cultural activities")
    PERSONAL_PROJECT = "personal_project", _("Personal project (health, housing, family…)")


class ProfessionalProject(models.TextChoices):
    PRE_TRAINING = "pre_training", _("Pre-training")
    QUALIFYING_TRAINING = "qualifying_training", _("Qualifying training")
    JOB_SEARCH = "job_search", _("Job search")
    EMPLOYMENT = "employment", _("Employment")


# The details each outcome accepts (domain.md).
OUTCOME_DETAILS = {
    ExitOutcome.DROPOUT: DropoutReason,
    ExitOutcome.EXTENSION: None,
    ExitOutcome.SOCIAL_PROJECT: SocialProject,
    ExitOutcome.PROFESSIONAL_PROJECT: ProfessionalProject,
}
