from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned
from parcours.participants.enums import Gender


class Participant(OrganisationOwned):
    """A person followed by the programme (issue of the participant file extends it)."""

    reference = models.CharField(
        _("file reference"),
        max_length=40,
        help_text=_("The file number used by the CPAS, unique in the organisation."),
    )
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    birth_country = models.CharField(
        _("country of birth"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code, for example MA or BE."),
    )
    nationality = models.CharField(
        _("nationality"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code, for example MA or BE."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="participant_reference_unique_in_organisation",
                violation_error_message=_("Another participant already has this file reference."),
            ),
        ]

    def __str__(self):
        return f"{self.last_name.upper()} {self.first_name}"
