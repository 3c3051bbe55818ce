import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parcours.assessments.enums import OPEN_ACTION_STATUSES, ActionStatus, Moment, Rating
from parcours.core.domains import Domain
from parcours.core.durations import recorded_duration_field
from parcours.core.models import Versioned


class Assessment(models.Model):
    """The social assessment of one enrolment at one moment, over the seven domains."""

    enrolment = models.ForeignKey(
        "programme.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    date = models.DateField(_("date"))
    duration_minutes = recorded_duration_field()
    overall_note = models.TextField(_("overall note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised at each save: two people editing at once cannot overwrite."
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("social assessment")
        verbose_name_plural = _("social assessments")
        ordering = ["enrolment", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "moment"],
                name="assessment_once_per_moment",
                violation_error_message=_(
                    "This enrolment already has an assessment at this moment."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.participant} · {self.get_moment_display()}"

    @property
    def organisation_id(self):
        return self.enrolment.group.organisation_id


class DomainRating(models.Model):
    """The rating of one domain in an assessment; empty when not concerned."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="ratings"
    )
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("domain rating")
        verbose_name_plural = _("domain ratings")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="rating_once_per_domain"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="rating_between_1_and_5",
                violation_error_message=_("A rating goes from 1 to 5."),
            ),
        ]
        indexes = [
            # Covers the report's improvement by domain: the ratings of each assessment
            # are read from the index alone (PostgreSQL's index-only scan, SQLite's
            # covering index), not from the table's pages.
            models.Index(fields=["assessment", "domain", "rating"], name="rating_covering_idx"),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.rating or '-'}"

    @property
    def organisation_id(self):
        return self.assessment.enrolment.group.organisation_id


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today: datetime.date) -> Self:
        return self.open().filter(due_date__lt=today)


class Action(Versioned):
    """An action agreed with the participant for a problem found in a domain."""

    enrolment = models.ForeignKey(
        "programme.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)
    description = models.TextField(_("what"))
    # The participant's own sheet prints this wording when there is one, the staff's
    # otherwise. db_default: the bulk writers name no such column.
    own_words = models.TextField(
        _("in the participant's words"),
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "The same action said simply, as the participant would say it. "
            "Printed on their sheet instead of the text above."
        ),
    )
    responsible = models.CharField(
        _("who"),
        max_length=150,
        help_text=_("Who does it: the participant, the social worker, a partner…"),
    )
    due_date = models.DateField(_("by when"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    agreed_at = models.ForeignKey(
        Assessment,
        verbose_name=_("agreed at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_agreed",
    )
    reviewed_at = models.ForeignKey(
        Assessment,
        verbose_name=_("last reviewed at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_reviewed",
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="action_open_due_idx")]

    def __str__(self):
        return self.description[:80]

    @property
    def for_participant(self) -> str:
        """What the participant's sheet says of the action: their words when written."""
        return self.own_words or self.description

    @property
    def organisation_id(self):
        return self.enrolment.group.organisation_id


class SelfAssessment(models.Model):
    """The participant's own answers at one assessment moment, given on the tablet in
    kiosk mode (docs/self-assessment.md).

    It is keyed like the assessment it goes with (the enrolment and the moment) rather
    than pointing at the saved assessment: the tablet is handed over during the
    assessment, often before the social worker has saved their own ratings. It is
    counted in the yearly report only in a table of its own, when the organisation
    chooses it (``Organisation.self_assessment_in_report``, docs/statistics.md §7).
    """

    enrolment = models.ForeignKey(
        "programme.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="self_assessments",
    )
    moment = models.CharField(_("moment"), max_length=10, choices=Moment.choices)
    date = models.DateField(_("date"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["enrolment", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "moment"],
                name="self_assessment_once_per_moment",
                violation_error_message=_(
                    "This enrolment already has a self-assessment at this moment."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.participant} · {self.get_moment_display()}"

    @property
    def organisation_id(self):
        return self.enrolment.group.organisation_id


class SelfRating(models.Model):
    """The participant's answer for one domain; empty when they skipped it."""

    self_assessment = models.ForeignKey(
        SelfAssessment,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("self-rating")
        verbose_name_plural = _("self-ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "domain"], name="self_rating_once_per_domain"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="self_rating_between_1_and_5",
                violation_error_message=_("A rating goes from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.get_domain_display()}: {self.rating or '-'}"

    @property
    def organisation_id(self):
        return self.self_assessment.enrolment.group.organisation_id
