import datetime
import uuid
from decimal import Decimal
from typing import Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned, Versioned
from parcours.funding.enums import ExpenseCategory, FunderKind, PasPart
from parcours.workshops.enums import ProviderKind


def logo_path(funder, filename) -> str:
    """A name of its own for each logo: a new one never reuses the address of the old."""
    return f"funders/logos/{uuid.uuid4().hex}.png"


SHARE_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))]


class Funder(OrganisationOwned, Versioned):
    """Who pays for (part of) the programme: the CPAS itself, the ESF, a subsidy..."""

    name = models.CharField(_("name"), max_length=150, help_text=_("Unique in the organisation."))
    kind = models.CharField(_("kind"), max_length=20, choices=FunderKind.choices)
    needs_names = models.BooleanField(
        _("needs participants' names"),
        default=False,
        help_text=_(
            "Leave unticked unless the funder's rules require names: its report packs then "
            "list participants under a pseudonym."
        ),
    )
    # Checked and re-encoded as a PNG by ``funding.logos``; printed on the attendance
    # sheets of the sessions charged to the funder's grants.
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        help_text=_(
            "Printed on the attendance sheets of the work charged to its grants. PNG, JPEG "
            "or WebP, 2 MB at most."
        ),
    )

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="funder_name_unique_in_organisation",
                violation_error_message=_("Another funder already has this name."),
            )
        ]

    def __str__(self):
        return self.name


class GrantQuerySet(models.QuerySet["Grant"]):
    def overlapping(self, first: datetime.date, last: datetime.date) -> Self:
        return self.filter(start_date__lte=last, end_date__gte=first)


class Grant(OrganisationOwned, Versioned):
    """A funder's commitment for a period: the hours and people charged to it are
    reported to that funder."""

    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, related_name="grants"
    )
    name = models.CharField(
        _("name"), max_length=150, help_text=_("The funder's reference or the project's title.")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="grant_name_unique_in_organisation",
                violation_error_message=_("Another grant already has this name."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="grant_ends_after_start",
                violation_error_message=_("The grant cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.funder})"


class GroupCharge(Versioned):
    """Part of a group's work charged to a grant: its sessions' hours (unless a session
    has charges of its own) and its participants."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="group_charges"
    )
    group = models.ForeignKey(
        "programme.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="charges",
    )
    share = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, validators=SHARE_VALIDATORS
    )

    class Meta:
        verbose_name = _("group charged to a grant")
        verbose_name_plural = _("groups charged to grants")
        ordering = ["grant", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "group"],
                name="group_charge_once_per_grant",
                violation_error_message=_("This group is already charged to this grant."),
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100),
                name="group_charge_share_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.group} → {self.grant.name} ({self.share} %)"

    @property
    def organisation_id(self):
        return self.grant.organisation_id


class SessionCharge(Versioned):
    """A session charged to a grant explicitly: it replaces its groups' charges."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="session_charges"
    )
    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="charges",
    )
    share = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, validators=SHARE_VALIDATORS
    )

    class Meta:
        verbose_name = _("session charged to a grant")
        verbose_name_plural = _("sessions charged to grants")
        ordering = ["grant", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "session"],
                name="session_charge_once_per_grant",
                violation_error_message=_("This session is already charged to this grant."),
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100),
                name="session_charge_share_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.session} → {self.grant.name} ({self.share} %)"

    @property
    def organisation_id(self):
        return self.grant.organisation_id


STAFF_CAP = Decimal("0.10")
MONEY = {"max_digits": 12, "decimal_places": 2}


class PasBudget(Versioned):
    """How a PAS grant is split between the subsidy's three parts. The parts add up to
    the grant's amount (checked by ``services.pas_budget_save``): the amounts are those
    of the royal decree's annex, which the grant already records as a whole."""

    grant = models.OneToOneField(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="pas_budget"
    )
    amount_a = models.DecimalField(
        _("part A · social participation (€)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_b = models.DecimalField(
        _("part B · collective modules (€)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount_c = models.DecimalField(
        _("part C · fighting child poverty (€)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("PAS budget")
        verbose_name_plural = _("PAS budgets")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_a__gte=0, amount_b__gte=0, amount_c__gte=0),
                name="pas_budget_parts_not_negative",
            )
        ]

    def __str__(self):
        return str(_("PAS budget of %(grant)s") % {"grant": self.grant.name})

    @property
    def organisation_id(self):
        return self.grant.organisation_id

    def amount_of(self, part) -> Decimal:
        return getattr(self, f"amount_{part.lower()}")


class Expense(OrganisationOwned, Versioned):
    """One line of a PAS grant's expense ledger: what was paid, for whom or for which
    activity, and the proof it is justified by."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="expenses"
    )
    date = models.DateField(_("date"))
    part = models.CharField(_("part"), max_length=1, choices=PasPart.choices)
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    amount = models.DecimalField(
        _("amount charged (€)"),
        **MONEY,
        help_text=_("The part of the proof charged to this grant."),
    )
    beneficiary = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pas_expenses",
    )
    group = models.ForeignKey(
        "programme.Group",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pas_expenses",
    )
    activity = models.CharField(
        _("activity"),
        max_length=200,
        blank=True,
        help_text=_("What the expense paid for, when it is not for one beneficiary."),
    )
    proof_reference = models.CharField(
        _("proof reference"),
        max_length=60,
        help_text=_("The number of the invoice or ticket, as written on it."),
    )
    proof_total = models.DecimalField(
        _("total of the proof (€)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The whole amount of the invoice or ticket, of which this line is a part."),
    )

    class Meta:
        verbose_name = _("PAS expense")
        verbose_name_plural = _("PAS expenses")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expense_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(amount__lte=F("proof_total")),
                name="expense_within_its_proof",
                violation_error_message=_(
                    "The amount charged cannot exceed the total of the proof."
                ),
            ),
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=False) | Q(group__isnull=False) | ~Q(activity=""),
                name="expense_names_what_it_paid",
                violation_error_message=_("Give the beneficiary, the group or the activity."),
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(part=PasPart.B),
                name="expense_group_only_in_part_b",
                violation_error_message=_(
                    "Only the collective modules (part B) are charged to a group."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "proof_reference"], name="expense_proof_idx"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_part_display()} {self.amount} €"


class PseudonymKey(models.Model):
    """The organisation's secret for the pseudonyms of its report packs.

    A key of its own rather than ``SECRET_KEY``: rotating the site's key (after a leak,
    or when moving servers) must not give every participant a new code in the funder's
    files. Kept in the database rather than the environment so that a backup restored
    elsewhere keeps the same codes, and each organisation has its own. Never written to
    the audit trail: the trail is read by coordinators, the key must not be.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pseudonym key")
        verbose_name_plural = _("pseudonym keys")

    def __str__(self):
        return str(_("Pseudonym key"))


class HoursSummary(OrganisationOwned):
    """The minutes of the sessions held in a month, summed per workshop and provider
    kind: once whole (``grant`` empty), and once per grant for the part of each session
    charged to it (``allocation.session_share``). The yearly report reads it instead of
    the sessions (docs/summaries.md); ``summaries`` keeps it equal to them."""

    month = models.DateField(_("month"), help_text=_("Its first day."))
    workshop = models.ForeignKey(
        "workshops.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    provider_kind = models.CharField(_("led by"), max_length=20, choices=ProviderKind.choices)
    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    minutes = models.FloatField(_("minutes"))

    class Meta:
        verbose_name = _("hours summary")
        verbose_name_plural = _("hours summaries")
        indexes = [
            models.Index(fields=["organisation", "month"], name="hours_summary_org_month_idx"),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} · {self.workshop_id} · {self.provider_kind} · {self.minutes}"
