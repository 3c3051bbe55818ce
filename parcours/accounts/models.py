from typing import Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role


class Federation(models.Model):
    """CPAS grouped in one deployment (docs/federation.md): its analysts read the
    anonymous figures of its member organisations, summed and side by side, never a
    record."""

    name = models.CharField(
        _("name"), max_length=200, help_text=_("The public name of the federation.")
    )
    slug = models.SlugField(
        _("short name"),
        max_length=50,
        unique=True,
        help_text=_("Used in commands, for example “cpas-wallonie”."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("federation")
        verbose_name_plural = _("federations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """A CPAS: every domain record belongs to exactly one."""

    name = models.CharField(_("name"), max_length=200, help_text=_("The public name of the CPAS."))
    slug = models.SlugField(
        _("short name"),
        max_length=50,
        unique=True,
        help_text=_("Used in commands and exports, for example “cpas-namur”."),
    )
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        help_text=_("The federation whose analysts see this CPAS's anonymous figures."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        help_text=_(
            "The number the participants call with a question or when they cannot come: "
            "printed on their own sheet."
        ),
    )
    self_assessment_in_report = models.BooleanField(
        _("count the self-assessments in the yearly report"),
        default=False,
        help_text=_(
            "Adds one table to the yearly report: the progression by domain as the "
            "participants themselves answered it on the tablet, at entry and at their last "
            "later self-assessment. Every other figure stays computed from the social "
            "workers' ratings only."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserDeletionRefused(Exception):
    """Accounts are closed, never deleted: the trail and the records keep their author."""

    def __init__(self):
        super().__init__(
            "Users are never deleted: close the account with "
            "parcours.accounts.services.user_deactivate, which keeps its history."
        )


class UserQuerySet(models.QuerySet["User"]):
    def in_organisation(self, organisation: object) -> Self:
        return self.filter(organisation=organisation)

    def delete(self):
        raise UserDeletionRefused


class ParcoursUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """Someone who uses Parcours: a member of one organisation with one role."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("The CPAS this person works for. Without one, the person sees nothing."),
    )
    # A federation analyst belongs to a federation and to no organisation: the one
    # exception to "every user is of one CPAS" (docs/federation.md).
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("federation"),
        on_delete=models.PROTECT,
        related_name="analysts",
        null=True,
        blank=True,
        help_text=_("For a federation analyst only: the federation whose figures they read."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        default=Role.VIEWER,
        help_text=_("Decides what the person sees and does in the organisation."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the screens for this person."),
    )

    second_factor_enrolled = models.BooleanField(
        _("two-step sign-in set up"),
        default=False,
        help_text=_("The person signs in with a code from an authenticator app too."),
    )

    objects = ParcoursUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # An analyst reads a federation's figures and is of no CPAS; anyone else is
            # of no federation.
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.FEDERATION_ANALYST, organisation__isnull=True)
                    | (~models.Q(role=Role.FEDERATION_ANALYST) & models.Q(federation__isnull=True))
                ),
                name="user_analyst_of_federation_only",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def delete(self, *args, **kwargs):
        raise UserDeletionRefused


class RequestCount(models.Model):
    """How many requests one key (an address, a hashed e-mail address) made in the
    window that started at ``window_started`` (``parcours.accounts.throttle``).

    A row of the database rather than a cache entry: every web worker counts on it in
    one statement, whatever the cache, and no restart of the cache forgets it.
    """

    key = models.CharField(max_length=120, unique=True)
    window_started = models.BigIntegerField()  # seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_started"])]

    def __str__(self):
        return f"{self.key}: {self.count}"
