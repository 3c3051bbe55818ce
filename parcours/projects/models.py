"""The individual project (PIIS, law of 26 May 2002 on the right to social integration,
art. 11): what the participant and the CPAS commit to, signed, amended and evaluated.

A project is a series of versions. The first one is drawn up from the entry assessment
and the action plan; once a version is signed it is never changed again, and any change
becomes a new version (an amendment) to sign again.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.core.models import OrganisationOwned, Versioned
from parcours.projects.enums import EvaluationOutcome

DEFAULT_EVALUATION_MONTHS = 3


class EvaluationInterval(models.Model):
    """How often an organisation evaluates its projects. Created the first time the
    coordinator saves it; until then the default applies."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="evaluation_interval",
    )
    months = models.PositiveSmallIntegerField(
        _("evaluation interval (months)"),
        default=DEFAULT_EVALUATION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "Months between the signature of a project and its first evaluation, then "
            "between two evaluations."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation interval")
        verbose_name_plural = _("evaluation intervals")

    def __str__(self):
        return ngettext(
            "Projects evaluated every %(months)s month",
            "Projects evaluated every %(months)s months",
            self.months,
        ) % {"months": self.months}


class Project(OrganisationOwned):
    """The individual project of one enrolment. The participant is named as well as the
    enrolment: the project is about the person, and the audit trail seals what is
    written about them by following this link."""

    enrolment = models.OneToOneField(
        "programme.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="project",
    )
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    created_at = models.DateTimeField(_("drawn up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("individual project")
        verbose_name_plural = _("individual projects")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return str(_("Individual project of %(name)s") % {"name": self.participant})


class ProjectVersion(Versioned):
    """One wording of the project: the first one, or an amendment. Signed once its
    signature date is recorded, and unchangeable from then on."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version number"))
    objectives = models.TextField(_("objectives"))
    participant_commitments = models.TextField(_("the participant's commitments"))
    cpas_commitments = models.TextField(_("the CPAS's commitments"))
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Signs for the CPAS."),
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at_place = models.CharField(_("signed at"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("version of a project")
        verbose_name_plural = _("versions of projects")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                name="project_version_once",
                violation_error_message=_("This project already has a version with this number."),
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True, signed_at_place="")
                | Q(signed_on__isnull=False),
                name="project_version_place_only_when_signed",
                violation_error_message=_("A place of signature goes with a signature date."),
            ),
        ]
        indexes = [models.Index(fields=["signed_on"], name="project_version_signed_idx")]

    def __str__(self):
        return f"{self.project} · v{self.number}"

    def save(self, *args, **kwargs):
        # What was signed stays as it was signed: a change is a new version.
        if (
            self.pk is not None
            and ProjectVersion.objects.filter(pk=self.pk, signed_on__isnull=False).exists()
        ):
            raise ValidationError(_("A signed version cannot be changed: amend the project."))
        super().save(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    @property
    def is_amendment(self) -> bool:
        return self.number > 1

    @property
    def amendment_number(self) -> int:
        """Version 2 is the first amendment."""
        return self.number - 1

    @property
    def organisation_id(self):
        return self.project.organisation_id


class OtherParty(models.Model):
    """Someone else who commits to the project (a partner service, a trainer…)."""

    version = models.ForeignKey(
        ProjectVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="other_parties",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150)
    commitments = models.TextField(_("commitments"))

    class Meta:
        verbose_name = _("other party")
        verbose_name_plural = _("other parties")
        ordering = ["version", "position", "id"]

    def __str__(self):
        return f"{self.name} ({self.role})"

    @property
    def organisation_id(self):
        return self.version.project.organisation_id


class Evaluation(models.Model):
    """An evaluation of the project held with the participant, and what was decided."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="evaluations"
    )
    date = models.DateField(_("date of the evaluation"))
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=EvaluationOutcome.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation of a project")
        verbose_name_plural = _("evaluations of projects")
        ordering = ["project", "date", "id"]
        indexes = [models.Index(fields=["date"], name="project_evaluation_date_idx")]

    def __str__(self):
        return f"{self.project} · {self.date.isoformat()}"

    @property
    def organisation_id(self):
        return self.project.organisation_id
