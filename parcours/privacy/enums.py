from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingKind(models.TextChoices):
    ANONYMISATION = "anonymisation", _("Anonymisation at the end of the retention period")
    ERASURE = "erasure", _("Erasure on request")


class ErasureReason(models.TextChoices):
    """Art. 17(1) GDPR. A coded reason, not a free text: a typed reason would too easily
    carry the very name the erasure removes."""

    REQUEST = "request", _("The person asked for it")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew their consent")
    OBJECTION = "objection", _("The person objected to the processing")
    UNLAWFUL = "unlawful", _("The data was processed unlawfully")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation requires it")
