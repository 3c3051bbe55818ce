from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "F", _("Woman")
    MALE = "M", _("Man")
    OTHER = "X", _("Other / not specified")


class QualificationLevel(models.TextChoices):
    NONE = "none", _("No diploma")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    HIGHER = "higher", _("Higher education")


# ISCED 2011 levels for European reporting: the programme's coarse levels cover these.
ISCED_LEVELS = {
    QualificationLevel.NONE: (0, 0),
    QualificationLevel.PRIMARY: (1, 1),
    QualificationLevel.LOWER_SECONDARY: (2, 2),
    QualificationLevel.UPPER_SECONDARY: (3, 4),
    QualificationLevel.HIGHER: (5, 8),
}


class Recognition(models.TextChoices):
    YES = "yes", _("Recognised in Belgium")
    NO = "no", _("Not recognised")
    PENDING = "pending", _("Recognition pending")


class FrenchLevel(models.TextChoices):
    VERY_WEAK = "very_weak", _("Very weak")
    WEAK = "weak", _("Weak")
    MEDIUM = "medium", _("Medium")
    GOOD = "good", _("Good")
    VERY_GOOD = "very_good", _("Very good")
    NATIVE = "native", _("Native speaker")


class LanguageCourse(models.TextChoices):
    NONE = "none", _("None")
    FLE = "fle", _("French as a foreign language (FLE)")
    LITERACY = "literacy", _("Literacy classes")


class Referrer(models.TextChoices):
    SOCIAL_SERVICE = "social_service", _("CPAS social service")
    INSERTION_SERVICE = "insertion_service", _("CPAS insertion (ISP) service")
    PARTNER = "partner", _("Partner organisation")
    HEALTH = "health", _("Health or mental-health service")
    SELF = "self", _("The person themself")
    OTHER = "other", _("Other")


class CpasProofKind(models.TextChoices):
    INTEGRATION_INCOME = "integration_income", _("Integration income (RIS)")
    EQUIVALENT_AID = "equivalent_aid", _("Equivalent social aid")
    OTHER_AID = "other_aid", _("Other CPAS aid or follow-up")


class ConsentPurpose(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Individual follow-up")
    REPORTING = "reporting", _("Anonymous reporting to funders")
    PARTNER_SHARING = "partner_sharing", _("Sharing with partners")
    PHOTOS = "photos", _("Photos and videos")
    # Reminders of the person's next sessions (parcours.reminders), one per channel: the
    # person consents to be contacted at that number or that address.
    REMINDERS_SMS = "reminders_sms", _("Session reminders by SMS")
    REMINDERS_EMAIL = "reminders_email", _("Session reminders by e-mail")


class ParticipantStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    ACTIVE = "active", _("Active")
    EXITED = "exited", _("Exited")


class InterventionKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment to an office")
    PHONE_CALL = "phone_call", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    REFERRAL = "referral", _("Referral to a service")
    OTHER = "other", _("Other")


class LiteracyLevel(models.TextChoices):
    """Literacy levels, then the CEFR scale, in the order of progress."""

    ALPHA_1 = "alpha_1", _("Literacy level 1")
    ALPHA_2 = "alpha_2", _("Literacy level 2")
    ALPHA_3 = "alpha_3", _("Literacy level 3")
    ALPHA_4 = "alpha_4", _("Literacy level 4")
    A1_1 = "a1_1", "A1.1"
    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"


LITERACY_LEVEL_RANK = {level: rank for rank, level in enumerate(LiteracyLevel)}


class Orientation(models.TextChoices):
    FLE = "fle", _("French as a foreign language (FLE)")
    LITERACY = "literacy", _("Literacy classes")
    NONE = "none", _("No language class")


class LabourMarketStatus(models.TextChoices):
    """The person's situation on entering, as the European Social Fund counts it."""

    UNEMPLOYED = "unemployed", _("Unemployed (without a job, available and looking for one)")
    INACTIVE = "inactive", _("Inactive (without a job and not looking for one)")
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    REFUSED = "refused", _("Does not wish to answer")


class UnemploymentDuration(models.TextChoices):
    """How long an unemployed person has been without a job, on entering."""

    UP_TO_6_MONTHS = "up_to_6", _("6 months or less")
    UP_TO_12_MONTHS = "up_to_12", _("More than 6 months, up to 12 months")
    OVER_12_MONTHS = "over_12", _("More than 12 months")
    REFUSED = "refused", _("Does not wish to answer")


class Answer(models.TextChoices):
    """A yes/no question the person may decline; a blank field is not asked yet."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    REFUSED = "refused", _("Does not wish to answer")
