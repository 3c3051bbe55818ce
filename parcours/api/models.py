import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.api.enums import TokenScope
from parcours.core.models import OrganisationOwned

# What every secret starts with: a leaked one is recognised for what it is (by a person,
# or by a secret scanner), and the API tells it from a session at a glance.
TOKEN_PREFIX = "pcs_"
# How much of the secret the list of tokens shows, prefix included, to tell them apart.
SHOWN_LENGTH = 12


def hash_secret(secret: str) -> str:
    """The SHA-256 of a token's secret, in hexadecimal: what is stored and looked up. The
    secret is 32 random bytes, so a plain hash is enough: there is nothing to guess."""
    return hashlib.sha256(secret.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet):
    def in_force(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class AccessToken(OrganisationOwned):
    """A personal access token to the REST API, issued by a coordinator to one user of
    the organisation: the API acts as that user, with their role, and writes only when
    the scope allows it. The secret is shown once; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text=_("The API acts as this person, with their role."),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, for example “payments”.")
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    shown_start = models.CharField(_("start of the secret"), max_length=SHOWN_LENGTH)
    token_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API access token")
        verbose_name_plural = _("API access tokens")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="api_token_recent_idx")
        ]

    def __str__(self):
        return f"{self.name} ({self.shown_start}…)"

    @property
    def allows_writes(self) -> bool:
        return self.scope == TokenScope.WRITE

    def in_force(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class IdempotentCreate(models.Model):
    """The answer given to a create sent with an ``Idempotency-Key`` header: the same key
    sent again by the same person gets the same answer, and nothing is created twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(
        _("fingerprint of the request"),
        max_length=64,
        help_text=_("The hash of the method, path and body the key was first sent with."),
    )
    status = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("answer"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent create")
        verbose_name_plural = _("idempotent creates")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once")
        ]

    def __str__(self):
        return self.key
