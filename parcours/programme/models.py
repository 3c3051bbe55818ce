import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.core.models import OrganisationOwned, Versioned
from parcours.programme.enums import ExitOutcome, FollowUpSituation, ProcessType, YesNo


class GroupQuerySet(models.QuerySet["Group"]):
    def running_on(self, day: datetime.date) -> Self:
        return self.filter(start_date__lte=day, end_date__gte=day)

    def open_for_enrolment(self, day: datetime.date) -> Self:
        """The groups a person can still join on ``day`` (``Group.open_for_enrolment``)."""
        return self.filter(end_date__gte=day)


class Group(OrganisationOwned, Versioned):
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

    def open_for_enrolment(self, day) -> bool:
        """Whether a person can still join the group on ``day``: until its last day.
        The one rule the pages, the API and the workbook import apply
        (``services.check_open_for_enrolment``)."""
        return self.end_date >= day

    @property
    def mid_date(self):
        """When the middle assessments are due."""
        return self.start_date + (self.end_date - self.start_date) / 2


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def open(self) -> Self:
        return self.filter(exit_date__isnull=True)


class Enrolment(Versioned):
    """One participant in one group, from start to exit."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="enrolments"
    )
    start_date = models.DateField(_("start"))
    exit_date = models.DateField(_("exit"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=ExitOutcome.choices, blank=True)
    outcome_detail = models.CharField(
        _("outcome detail"),
        max_length=30,
        blank=True,
        help_text=_("The dropout reason, or the kind of project."),
    )
    qualification_gained = models.CharField(
        _("qualification gained"),
        max_length=3,
        choices=YesNo.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("A certificate or diploma obtained through the programme, upon leaving."),
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "group"],
                name="enrolment_once_per_group",
                violation_error_message=_("This person is already enrolled in this group."),
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("start_date")),
                name="enrolment_exit_after_start",
                violation_error_message=_("The exit cannot come before the start."),
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True, outcome="")
                | Q(exit_date__isnull=False, outcome__in=ExitOutcome.values),
                name="enrolment_exit_has_outcome",
                violation_error_message=_("An exit needs its outcome, and an outcome its date."),
            ),
        ]
        indexes = [
            models.Index(fields=["group", "exit_date"], name="enrolment_group_idx"),
            models.Index(fields=["participant", "exit_date"], name="enrolment_participant_idx"),
        ]

    def __str__(self):
        return f"{self.participant} · {self.group}"

    @property
    def organisation_id(self):
        return self.group.organisation_id


class ExitFollowUpQuerySet(models.QuerySet["ExitFollowUp"]):
    def pending(self) -> Self:
        return self.filter(recorded_on__isnull=True)


class ExitFollowUp(Versioned, models.Model):
    """What became of the person six months after an exit."""

    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="follow_up",
    )
    due_on = models.DateField(_("due on"), db_index=True)
    situation = models.CharField(
        _("situation found"), max_length=20, choices=FollowUpSituation.choices, blank=True
    )
    better_situation = models.CharField(
        _("better job"),
        max_length=3,
        choices=YesNo.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "For a person employed on entering: a stable job instead of a precarious one, "
            "full time instead of part time, a more skilled job or a promotion."
        ),
    )
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = ExitFollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up after exit")
        verbose_name_plural = _("follow-ups after exit")
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recorded_on__isnull=True) | ~Q(situation=""),
                name="follow_up_recorded_has_situation",
                violation_error_message=_("Say what situation was found."),
            ),
        ]

    def __str__(self):
        return f"{self.enrolment} · {self.due_on:%d/%m/%Y}"

    @property
    def organisation_id(self):
        return self.enrolment.group.organisation_id
