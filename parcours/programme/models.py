from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned
from parcours.programme.enums import ProcessType


class GroupQuerySet(models.QuerySet):
    def running_on(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)


class Group(OrganisationOwned):
    """A cohort that goes through a process together."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Unique in the organisation."))
    process_type = models.CharField(_("process"), max_length=20, choices=ProcessType.choices)
    start_date = models.DateField(_("planned start"))
    end_date = models.DateField(_("planned end"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=12, help_text=_("How many participants the group can take.")
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff in charge"),
        blank=True,
        related_name="groups_in_charge",
    )

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="group_name_unique_in_organisation",
                violation_error_message=_("Another group already has this name."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="group_ends_after_start",
                violation_error_message=_("The group cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.name
