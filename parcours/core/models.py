from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationOwned(models.Model):
    """Base of every domain record: it belongs to exactly one organisation (CPAS)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
