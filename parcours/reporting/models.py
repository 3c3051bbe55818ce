from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned


class YearClosingQuerySet(models.QuerySet):
    def in_force(self):
        """Closings not re-opened: at most one per organisation and year."""
        return self.filter(reopened_at__isnull=True)


class YearClosing(OrganisationOwned):
    """A year's report as it was handed over: its figures are frozen (with the version of
    the definitions they were computed with) and shown and exported as they were, even
    when records change later. Re-opening keeps the row, with who re-opened it and why."""

    year = models.PositiveSmallIntegerField(_("year"))
    report = models.JSONField(_("frozen report"))
    definitions_version = models.CharField(_("version of the definitions"), max_length=20)
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("re-opened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reopen_reason = models.CharField(_("reason for re-opening"), max_length=300, blank=True)

    objects = YearClosingQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed year")
        verbose_name_plural = _("closed years")
        ordering = ["-year", "-closed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(reopened_at__isnull=True),
                name="year_closed_once",
                violation_error_message=_("This year is already closed."),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="year_reopened_with_reason",
                violation_error_message=_("Say why the year is re-opened."),
            ),
        ]

    def __str__(self):
        return str(_("Year %(year)s closed") % {"year": self.year})
