from django.db import models
from django.utils.translation import gettext_lazy as _


class FunderKind(models.TextChoices):
    OWN_FUNDS = "own_funds", _("Own funds of the CPAS")
    ESF = "esf", _("European Social Fund")
    SMGV = "smgv", _("Subvention Majorée Grandes Villes")
    PAS = "pas", _("Participation and Social Activation subsidy (federal)")
    OTHER = "other", _("Other funder")
