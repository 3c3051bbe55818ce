from django.db import models
from django.utils.translation import gettext_lazy as _


class FunderKind(models.TextChoices):
    OWN_FUNDS = "own_funds", _("Own funds of the CPAS")
    ESF = "esf", _("European Social Fund")
    SMGV = "smgv", _("Subvention Majorée Grandes Villes")
    PAS = "pas", _("Participation and Social Activation subsidy (federal)")
    OTHER = "other", _("Other funder")


class PasPart(models.TextChoices):
    """The three parts of the PAS subsidy, each with its own amount in the yearly grant."""

    A = "A", _("A · Social participation")
    B = "B", _("B · Collective modules")
    C = "C", _("C · Fighting child poverty")


class ExpenseCategory(models.TextChoices):
    """The kinds of expense the PAS justification is laid out by."""

    ACTIVITIES = "activities", _("Activities")
    HOLIDAYS = "holidays", _("Holidays")
    TRIPS = "trips", _("Trips")
    EQUIPMENT = "equipment", _("Equipment, phone, computer")
    SUBSCRIPTIONS = "subscriptions", _("Subscriptions and games")
    EDUCATION = "education", _("Education, courses")
    FEES = "fees", _("Fees and allowances")
    TICKETS = "tickets", _("Tickets and vouchers")
    LEISURE = "leisure", _("Leisure")
    STAFF = "staff", _("Staff costs")


# Parts A and C may spend at most this share of their amount on staff costs; part B has
# no such cap (the collective modules are mostly staff).
STAFF_CAPPED_PARTS = (PasPart.A, PasPart.C)
