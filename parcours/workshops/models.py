import datetime
import hashlib
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parcours.core.domains import Domain
from parcours.core.models import OrganisationOwned, Versioned
from parcours.workshops.enums import Axis, ProviderKind


class Workshop(OrganisationOwned, Versioned):
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


class Provider(OrganisationOwned, Versioned):
    """A subcontractor or partner organisation that leads workshops; the team's own
    leaders are users."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[(k, label) for k, label in ProviderKind.choices if k != ProviderKind.TEAM],
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leaders with an account"),
        blank=True,
        related_name="providers",
        help_text=_(
            "The provider's people who sign in as workshop leaders. A partner's leaders "
            "see a participant's name only with the person's consent to sharing with "
            "partners."
        ),
    )

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="provider_name_unique_in_organisation",
                violation_error_message=_("Another provider already has this name."),
            ),
        ]

    def __str__(self):
        return self.name


class ClosingPeriod(OrganisationOwned):
    """Days the programme is closed (summer, end of year): no session is planned then."""

    label = models.CharField(_("label"), max_length=100)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))

    class Meta:
        verbose_name = _("closing period")
        verbose_name_plural = _("closing periods")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="closing_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.label


class SessionSeries(OrganisationOwned):
    """A weekly recurring workshop, e.g. every Tuesday 13:30-16:30 from a date to a date."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.PROTECT, related_name="series"
    )
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), help_text=_("0 is Monday, 6 is Sunday.")
    )
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    first_date = models.DateField(_("from"))
    last_date = models.DateField(_("to"))

    class Meta:
        verbose_name = _("weekly series")
        verbose_name_plural = _("weekly series")

    def __str__(self):
        return f"{self.workshop} · {self.first_date:%d/%m/%Y}-{self.last_date:%d/%m/%Y}"


def minutes_between(start, end) -> int:
    """The minutes from ``start`` to ``end`` (two times of the same day)."""
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


TIMES = {"start_time", "end_time"}
# The fields the hours of a session depend on (the hours summary follows them).
HOURS_FIELDS = TIMES | {
    "date", "duration_minutes", "cancelled", "provider_kind", "workshop", "workshop_id",
    "organisation", "organisation_id",
}  # fmt: skip


NOT_MOVED = object()


def _announce(days, sessions) -> None:
    """``(organisation_id, date)`` pairs changed, told to ``signals.sessions_changed`` (a
    date of None: every date of the organisation), with the ids of the sessions."""
    from parcours.workshops.signals import EVERY_DATE, announce_sessions_changed, batch

    with batch():
        for organisation_id, day in days:
            announce_sessions_changed(
                organisation_id, EVERY_DATE if day is None else [day], sessions
            )


class SessionQuerySet(models.QuerySet["Session"]):
    """The bulk writers skip ``Session.save`` and its signals: the stored length is set
    and the change announced here instead, so no insert or bulk update leaves them stale."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for session in objs:
            session.set_duration()
        created = super().bulk_create(objs, *args, **kwargs)
        _announce(
            {(session.organisation_id, session.date) for session in objs},
            {session.pk for session in objs},
        )
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        objs = list(objs)
        if TIMES & set(fields):
            for session in objs:
                session.set_duration()
            fields.append("duration_minutes")
        if not HOURS_FIELDS & set(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        days = set(self._days(pk__in=[session.pk for session in objs]))
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        _announce(
            days | {(s.organisation_id, s.date) for s in objs if s.date},
            {session.pk for session in objs},
        )
        return updated

    def update(self, **values):
        if TIMES & set(values) and "duration_minutes" not in values:
            raise ValueError("An update of a session's times sets its duration_minutes too.")
        if not HOURS_FIELDS & set(values):
            return super().update(**values)
        rows = list(self.order_by().values_list("organisation_id", "date", "pk"))
        days = {(organisation_id, day) for organisation_id, day, _pk in rows}
        updated = super().update(**values)
        moved_to = values.get("date", NOT_MOVED)
        if isinstance(moved_to, datetime.date):
            days |= {(organisation_id, moved_to) for organisation_id, _day in days}
        elif moved_to is not NOT_MOVED:  # an expression: every date of the organisations
            days = {(organisation_id, None) for organisation_id, _day in days}
        _announce(days, {pk for _organisation_id, _day, pk in rows})
        return updated

    def _days(self, **lookups):
        rows = self.filter(**lookups).order_by().values_list("organisation_id", "date")
        return rows.distinct()

    def held(self) -> Self:
        return self.filter(cancelled=False)

    def between(self, first: datetime.date, last: datetime.date) -> Self:
        return self.filter(date__gte=first, date__lte=last)


class Session(OrganisationOwned, Versioned):
    """One dated occurrence of a workshop for one or more groups."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.PROTECT, related_name="sessions"
    )
    series = models.ForeignKey(
        SessionSeries,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    groups = models.ManyToManyField(
        "programme.Group", verbose_name=_("groups"), related_name="sessions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    # Kept from the times by ``save`` and the bulk writers (``SessionQuerySet``): the
    # hours are summed on it, without a per-row computation of the times.
    duration_minutes = models.PositiveSmallIntegerField(
        _("length in minutes"), editable=False, default=0
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    provider_kind = models.CharField(
        _("led by"), max_length=20, choices=ProviderKind.choices, default=ProviderKind.TEAM
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=_("The subcontractor or partner; empty when the team leads it."),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions_led",
        help_text=_("The person who runs the session and takes attendance."),
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason of the cancellation"), max_length=200, blank=True)
    # Kept by the attendance app (``parcours.attendance.marks``): the dashboard finds the
    # registers never taken among a few rows of a partial index instead of looking for
    # the marks of every session of sixteen weeks (docs/performance.md).
    has_marks = models.BooleanField(
        _("register started"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("Whether at least one person has a mark at this session."),
    )
    register_validated_at = models.DateTimeField(_("register validated at"), null=True, blank=True)
    register_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("register validated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="session_ends_after_start",
                violation_error_message=_("A session ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(provider_kind=ProviderKind.TEAM, provider__isnull=True)
                | (~Q(provider_kind=ProviderKind.TEAM) & Q(provider__isnull=False)),
                name="session_provider_matches_kind",
                violation_error_message=_(
                    "A subcontracted or partner session names its provider; a team one does not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cancelled=False) | ~Q(cancel_reason=""),
                name="session_cancel_has_reason",
                violation_error_message=_("Say why the session is cancelled."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "workshop", "date", "start_time"],
                name="session_unique_per_workshop_and_time",
                violation_error_message=_("This workshop already has a session at that time."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "date"], name="session_org_date_idx"),
            models.Index(fields=["leader", "date"], name="session_leader_date_idx"),
            models.Index(
                fields=["organisation", "date"],
                name="session_unmarked_idx",
                condition=Q(has_marks=False, cancelled=False),
            ),
            # The dashboard's absences in a row read a week of held sessions with marks
            # from the index alone, without their rows (docs/performance.md).
            models.Index(
                fields=["organisation", "date", "start_time", "id"],
                name="session_marked_idx",
                condition=Q(has_marks=True, cancelled=False),
            ),
        ]

    def __str__(self):
        return f"{self.workshop} · {self.date:%d/%m/%Y} {self.start_time:%H:%M}"

    def set_duration(self) -> None:
        if self.start_time is None or self.end_time is None:
            raise ValueError("A session's length needs both its times.")
        self.duration_minutes = minutes_between(self.start_time, self.end_time)

    def save(self, *args, update_fields=None, **kwargs):
        self.set_duration()
        if update_fields is not None and TIMES & set(update_fields):
            update_fields = {*update_fields, "duration_minutes"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def hours(self):
        """Length in hours (a Decimal-free float; totals are summed in the database)."""
        return minutes_between(self.start_time, self.end_time) / 60


class FeedKind(models.TextChoices):
    LEADER = "leader", _("Leader")
    GROUP = "group", _("Group")


def hash_feed_token(token: str) -> str:
    """The SHA-256 of a feed's secret, in hexadecimal: what is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


class FeedToken(OrganisationOwned):
    """The secret of the private calendar feed of a leader or a group; renewing it
    replaces the row, so the old link stops working. Only the secret's hash is kept: a
    copy of the database does not give the feeds away, and the link is shown once."""

    kind = models.CharField(_("kind"), max_length=10, choices=FeedKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    token_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "object_id"], name="feed_token_one_per_object"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.object_id}"
