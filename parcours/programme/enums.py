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


# The details each outcome accepts (docs/domain.md).
OUTCOME_DETAILS = {
    ExitOutcome.DROPOUT: DropoutReason,
    ExitOutcome.EXTENSION: None,
    ExitOutcome.SOCIAL_PROJECT: SocialProject,
    ExitOutcome.PROFESSIONAL_PROJECT: ProfessionalProject,
}


class FollowUpSituation(models.TextChoices):
    EMPLOYMENT = "employment", _("In employment")
    TRAINING = "training", _("In training")
    VOLUNTEERING = "volunteering", _("Volunteering")
    UNCHANGED = "unchanged", _("Situation unchanged")
    NOT_REACHED = "not_reached", _("Could not be reached")


class ProcessRhythm:
    """The default rhythm and length of a process (the seed's "Cible des actions")."""

    def __init__(self, *, months, sessions_per_week, rhythm):
        self.months = months
        self.sessions_per_week = sessions_per_week
        self.rhythm = rhythm


PROCESS_RHYTHMS = {
    ProcessType.REMOBILISATION: ProcessRhythm(
        months=10, sessions_per_week=(4, 5), rhythm=_("4 or 5 afternoons a week for 10 months")
    ),
    ProcessType.IMMERSION: ProcessRhythm(
        months=12,
        sessions_per_week=(8, 9),
        rhythm=_("8 or 9 workshops a week for 12 months, alongside FLE or literacy classes"),
    ),
}


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
