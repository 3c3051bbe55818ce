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


class Versioned(models.Model):
    """A record edited through forms: its version moves at each edit, so that a form
    opened before a colleague's save is refused instead of overwriting it
    (``parcours.audit.versions``)."""

    # db_default as well: the bulk tools insert rows without naming this column.
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        db_default=1,
        editable=False,
        help_text=_("Raised at each edit: two people editing at once cannot overwrite."),
    )

    class Meta:
        abstract = True
