import uuid
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from parcours.core.domains import Domain
from parcours.core.durations import recorded_duration_field
from parcours.core.models import OrganisationOwned, Versioned
from parcours.participants.enums import (
    Answer,
    ConsentPurpose,
    CpasProofKind,
    FrenchLevel,
    Gender,
    InterventionKind,
    LabourMarketStatus,
    LanguageCourse,
    LiteracyLevel,
    Orientation,
    ParticipantStatus,
    QualificationLevel,
    Recognition,
    Referrer,
    UnemploymentDuration,
)
from parcours.participants.search import normalise


def photo_path(participant, filename) -> str:
    # A random name: the path says nothing about the person.
    return f"participants/photos/{uuid.uuid4().hex}.jpg"


def _withdrew(purpose) -> Q:
    person = OuterRef("pk")
    return Q(Exists(Consent.objects.withdrawn().for_purpose(purpose, person))) & ~Q(
        Exists(Consent.objects.in_force().for_purpose(purpose, person))
    )


def answer_field(label, **options):
    """A question asked on entering that the person may decline: blank until asked."""
    return models.CharField(
        label,
        max_length=10,
        choices=Answer.choices,
        blank=True,
        default="",
        db_default="",
        **options,
    )


def status_of(enrolments) -> str:
    """The status ``with_status`` computes, from the person's enrolments already read
    (a list page reads them for its rows anyway, and computing the status in SQL made
    PostgreSQL hash every enrolment of the organisation for a page of 25 rows)."""
    if any(enrolment.exit_date is None for enrolment in enrolments):
        return ParticipantStatus.ACTIVE
    return ParticipantStatus.EXITED if enrolments else ParticipantStatus.CANDIDATE


def display_name(last_name: str, first_name: str, *, anonymised: bool = False) -> str:
    """The one rule for showing a person's name to staff: the last name in capitals, then
    the first name ("AMRANI Fatima"), the order lists are sorted in (last name, first
    name). For rows read as values; a ``Participant`` has ``display_name``."""
    if anonymised:
        return str(_("Anonymised file"))
    return f"{last_name.upper()} {first_name}"


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def with_status(self) -> Self:
        """Annotate ``status``: active with an open enrolment, exited when every
        enrolment is closed, candidate before the first one (``status_of``)."""
        from parcours.programme.models import Enrolment

        enrolments = Enrolment.objects.filter(participant=OuterRef("pk"))
        return self.annotate(
            status=Case(
                When(
                    Exists(enrolments.filter(exit_date__isnull=True)),
                    then=Value(ParticipantStatus.ACTIVE),
                ),
                When(Exists(enrolments), then=Value(ParticipantStatus.EXITED)),
                default=Value(ParticipantStatus.CANDIDATE),
                output_field=models.CharField(),
            )
        )

    def with_consent(self, purpose: str) -> Self:
        """The people whose consent for ``purpose`` is in force: what an opt-in purpose
        (sharing with partners, photos) needs."""
        return self.filter(Exists(Consent.objects.in_force().for_purpose(purpose, OuterRef("pk"))))

    def having_withdrawn(self, purpose: str) -> Self:
        """The people who withdrew their consent for ``purpose`` and gave none since:
        they are left out of every list the purpose covers."""
        return self.filter(_withdrew(purpose))

    def without_withdrawn(self, purpose: str) -> Self:
        """Everybody but ``having_withdrawn(purpose)``."""
        return self.exclude(_withdrew(purpose))

    def matching(self, text: str) -> Self:
        """Accent- and case-insensitive search on names, file reference and national number."""
        words = normalise(text).split()
        query = self
        for word in words:
            query = query.filter(search_text__contains=word)
        return query


class Participant(OrganisationOwned, Versioned):
    """A person followed by the programme: identity, the profile the programme reports on,
    and who follows them."""

    reference = models.CharField(
        _("file reference"),
        max_length=40,
        help_text=_("The file number used by the CPAS, unique in the organisation."),
    )
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    birth_country = CountryField(_("country of birth"), blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    niss = models.CharField(
        _("national register number"),
        max_length=11,
        blank=True,
        help_text=_("Optional. 11 digits, with or without dots and dashes."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)

    qualification_level = models.CharField(
        _("qualification level"),
        max_length=20,
        choices=QualificationLevel.choices,
        blank=True,
        help_text=_("The highest diploma obtained, in Belgium or abroad."),
    )
    qualification_recognised = models.CharField(
        _("recognition in Belgium"),
        max_length=10,
        choices=Recognition.choices,
        blank=True,
        help_text=_("Whether a foreign diploma is recognised (equivalence)."),
    )
    never_worked = models.BooleanField(_("never worked"), default=False)
    inactive_since = models.DateField(
        _("inactive since"),
        null=True,
        blank=True,
        help_text=_("End of the last job. A month alone is kept as its first day."),
    )
    inactive_since_month_only = models.BooleanField(
        _("only the month is known"),
        default=False,
        help_text=_("Ticked when the day of the end of the last job is not known."),
    )
    french_level = models.CharField(
        _("level of French"), max_length=20, choices=FrenchLevel.choices, blank=True
    )
    language_course = models.CharField(
        _("language course followed"),
        max_length=10,
        choices=LanguageCourse.choices,
        blank=True,
    )

    # On entering, what the European Social Fund's common indicators need
    # (docs/statistics.md, "ESF+ common indicators"). Blank: not asked yet.
    labour_market_status = models.CharField(
        _("situation on the labour market"),
        max_length=20,
        choices=LabourMarketStatus.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("On entering the programme."),
    )
    unemployment_duration = models.CharField(
        _("time without a job"),
        max_length=10,
        choices=UnemploymentDuration.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("For an unemployed person, on entering the programme."),
    )
    housing_exclusion = answer_field(_("homeless or excluded from housing"))
    rural_area = answer_field(_("lives in a rural area"))
    # Special categories of data (GDPR art. 9): only casework roles see them.
    disability = answer_field(_("disability"))
    foreign_background = answer_field(
        _("foreign background"),
        help_text=_("Born abroad, or a parent born abroad."),
    )
    minority = answer_field(_("minority (including Roma)"))

    referred_by = models.CharField(
        _("referred by"), max_length=30, choices=Referrer.choices, blank=True
    )
    referral_detail = models.CharField(
        _("referral detail"),
        max_length=200,
        blank=True,
        help_text=_("The service or person who referred, for example a colleague's name."),
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker in charge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants_followed",
    )
    cpas_proof_kind = models.CharField(
        _("proof of CPAS support"),
        max_length=30,
        choices=CpasProofKind.choices,
        blank=True,
        help_text=_("The federal subsidy only pays for people supported by the CPAS."),
    )
    cpas_proof_date = models.DateField(_("date of the proof"), null=True, blank=True)
    photo = models.FileField(
        _("photo"),
        upload_to=photo_path,
        blank=True,
        editable=False,
        # The bulk writers (workbook import, synthetic programmes) name no photo column.
        db_default="",
        help_text=_("A portrait to recognise the person, kept while they consent to photos."),
    )

    search_text = models.TextField(
        editable=False,
        default="",
        help_text="Names, reference and number without accents, for searching.",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    anonymised_on = models.DateField(
        _("anonymised on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set when the file is anonymised or erased (parcours.privacy): the person can no "
            "longer be identified, the figures stay the same."
        ),
    )

    objects = ParticipantQuerySet.as_manager()

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
            models.UniqueConstraint(
                fields=["organisation", "niss"],
                condition=~Q(niss=""),
                name="participant_niss_unique_in_organisation",
                violation_error_message=_(
                    "Another participant already has this national register number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cpas_proof_kind="") | Q(cpas_proof_date__isnull=False),
                name="participant_cpas_proof_has_date",
                violation_error_message=_("Give the date of the proof of CPAS support."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "last_name", "first_name"], name="participant_name_idx"
            ),
            models.Index(fields=["organisation", "social_worker"], name="participant_worker_idx"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """How the person's name is shown everywhere staff read it: lists, headings,
        registers, reports (``display_name``)."""
        return display_name(self.last_name, self.first_name, anonymised=bool(self.anonymised_on))

    @property
    def postal_address(self) -> str:
        """The address on one line, with whatever parts are known: "Rue Haute 12, 1000
        Bruxelles", "1000 Bruxelles", or nothing."""
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.address, town) if part)

    def age_on(self, day) -> int:
        """Age in whole years on ``day``."""
        birth = self.birth_date
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

    def refresh_search_text(self) -> None:
        self.search_text = normalise(
            " ".join([self.last_name, self.first_name, self.reference, self.niss])
        )


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> Self:
        return self.filter(withdrawn_on__isnull=True)

    def withdrawn(self) -> Self:
        return self.filter(withdrawn_on__isnull=False)

    def for_purpose(self, purpose: str, participant: object) -> Self:
        return self.filter(purpose=purpose, participant=participant)


class Consent(Versioned):
    """The person's consent for one purpose: when, collected by whom, and its withdrawal."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["purpose", "-given_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_in_force_per_purpose",
                violation_error_message=_("A consent for this purpose is already in force."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("A consent cannot be withdrawn before it was given."),
            ),
        ]

    def __str__(self):
        return f"{self.participant} · {self.get_purpose_display()}"

    @property
    def organisation_id(self):
        return self.participant.organisation_id


class Intervention(Versioned):
    """An ad-hoc individual intervention: the individual quarter of the programme's work."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="interventions",
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(12 * 60)],
        help_text=_("Time spent, counted in the reports."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InterventionKind.choices)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Confidential: never shown to leaders or funders.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["participant", "-date"], name="intervention_recent_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.participant}"

    @property
    def organisation_id(self):
        return self.participant.organisation_id


class InterventionDomain(models.Model):
    """One domain an intervention concerns (a row each, to sum time per domain)."""

    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("intervention"),
        on_delete=models.CASCADE,
        related_name="domains",
    )
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)

    class Meta:
        verbose_name = _("domain concerned")
        verbose_name_plural = _("domains concerned")
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "domain"], name="intervention_domain_unique"
            ),
        ]

    def __str__(self):
        return self.get_domain_display()


class LiteracyTest(models.Model):
    """A literacy positioning test: a level per skill and the resulting orientation."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="literacy_tests",
    )
    date = models.DateField(_("date"))
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    duration_minutes = recorded_duration_field()
    oral_comprehension = models.CharField(
        _("oral comprehension"), max_length=10, choices=LiteracyLevel.choices
    )
    oral_expression = models.CharField(
        _("oral expression"), max_length=10, choices=LiteracyLevel.choices
    )
    reading = models.CharField(_("reading"), max_length=10, choices=LiteracyLevel.choices)
    writing = models.CharField(_("writing"), max_length=10, choices=LiteracyLevel.choices)
    orientation = models.CharField(_("orientation"), max_length=10, choices=Orientation.choices)
    comment = models.TextField(_("comment"), blank=True)

    SKILLS = ("oral_comprehension", "oral_expression", "reading", "writing")

    class Meta:
        verbose_name = _("literacy positioning test")
        verbose_name_plural = _("literacy positioning tests")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.participant} · {self.date:%d/%m/%Y}"

    @property
    def organisation_id(self):
        return self.participant.organisation_id
