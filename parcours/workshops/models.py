from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.domains import Domain
from parcours.core.models import OrganisationOwned
from parcours.workshops.enums import Axis


class Workshop(OrganisationOwned):
    """An item of the workshop catalogue."""

    name = models.CharField(_("name"), max_length=150, help_text=_("Unique in the organisation."))
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    objectives = models.TextField(_("pedagogical objectives"), blank=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["axis", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="workshop_name_unique_in_organisation",
                violation_error_message=_("Another workshop already has this name."),
            ),
        ]

    def __str__(self):
        return self.name


class WorkshopDomain(models.Model):
    """One of the domains a workshop serves (a row each, so hours can be summed per domain)."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)

    class Meta:
        verbose_name = _("domain served")
        verbose_name_plural = _("domains served")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "domain"], name="workshop_domain_unique"),
        ]

    def __str__(self):
        return self.get_domain_display()
