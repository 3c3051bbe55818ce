"""Reads for the digests and reminders: what a member of staff has waiting (counts
only, through the dashboard's own selectors, so a digest shows what the person's
dashboard shows), who is due a digest, who is to be reminded of which session."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import ngettext_lazy

from parcours.accounts.access import Capability, user_can
from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.assessments.selectors import due_assessments, overdue_actions
from parcours.attendance.selectors import missed_in_a_row, registers_not_taken
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import Consent, Participant
from parcours.programme.models import Enrolment
from parcours.programme.selectors import follow_ups_due
from parcours.reminders.enums import Frequency
from parcours.reminders.models import DEFAULT_FREQUENCY, DEFAULT_WEEKDAY, MessageLog
from parcours.workshops.models import Session

STAFF_ROLES = (Role.COORDINATOR, Role.SOCIAL_WORKER, Role.WORKSHOP_LEADER)


@dataclass(frozen=True)
class DigestLine:
    kind: str
    count: int
    url_name: str

    @property
    def label(self) -> str:
        return str(DIGEST_LABELS[self.kind] % {"count": self.count})


DIGEST_LABELS = {
    "due_assessments": ngettext_lazy(
        "%(count)d assessment due or overdue",
        "%(count)d assessments due or overdue",
        "count",
    ),
    "overdue_actions": ngettext_lazy(
        "%(count)d action of a plan overdue", "%(count)d actions of plans overdue", "count"
    ),
    "follow_ups": ngettext_lazy(
        "%(count)d follow-up after exit due", "%(count)d follow-ups after exit due", "count"
    ),
    "untaken_registers": ngettext_lazy(
        "%(count)d register not taken", "%(count)d registers not taken", "count"
    ),
    "missed_runs": ngettext_lazy(
        "%(count)d person absent several times in a row",
        "%(count)d people absent several times in a row",
        "count",
    ),
}


def digest_lines(user: User, *, today: datetime.date) -> list[DigestLine]:
    """The kinds of things waiting for ``user`` and how many, those with none left out.
    The selectors narrow to what the user may see, as on their dashboard."""
    counts = {
        "due_assessments": len(due_assessments(user, today=today)),
        "overdue_actions": len(overdue_actions(user, today=today)),
        "follow_ups": follow_ups_due(user, today=today).count(),
        "untaken_registers": registers_not_taken(user, today=today).count(),
        "missed_runs": len(missed_in_a_row(user, today=today)),
    }
    registers_page = (
        "attendance:register_list"
        if user_can(user, Capability.TAKE_ATTENDANCE)
        else "dashboard:home"
    )
    return [
        DigestLine(
            kind,
            count,
            registers_page if kind == "untaken_registers" else "dashboard:home",
        )
        for kind, count in counts.items()
        if count
    ]


def digest_period(frequency: str, today: datetime.date) -> str:
    """The period a digest is for: the day, or the ISO week ("2026-W10")."""
    if frequency == Frequency.DAILY:
        return today.isoformat()
    year, week, _weekday = today.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class DigestRecipient:
    user: User
    frequency: str  # their choice, or the default


def digest_recipients(organisation: Organisation, *, today: datetime.date) -> list[DigestRecipient]:
    """The active staff of ``organisation`` with an e-mail address whose choice makes
    ``today`` a digest day, each with their frequency."""
    users = (
        User.objects.filter(organisation=organisation, is_active=True, role__in=STAFF_ROLES)
        .exclude(email="")
        .select_related("digest_preference", "organisation")
        .order_by("pk")
    )
    due = []
    for user in users:
        preference = getattr(user, "digest_preference", None)
        frequency = preference.frequency if preference else DEFAULT_FREQUENCY
        weekday = preference.weekday if preference else DEFAULT_WEEKDAY
        if frequency == Frequency.DAILY or (
            frequency == Frequency.WEEKLY and today.weekday() == weekday
        ):
            due.append(DigestRecipient(user, frequency))
    return due


@dataclass
class ParticipantReminder:
    participant: Participant
    day: datetime.date
    sessions: list[Session] = field(default_factory=list)
    sms: bool = False  # consent in force for reminders by SMS
    email: bool = False  # consent in force for reminders by e-mail


def reminders_for(organisation: Organisation, *, day: datetime.date) -> list[ParticipantReminder]:
    """The people expected at a held session of ``day`` (enrolled in one of its groups
    on that day) who consented to reminders by SMS or e-mail, each with their sessions
    of the day in time order. Three queries whatever the numbers."""
    sessions = list(
        Session.objects.held()
        .filter(organisation=organisation, date=day)
        .select_related("workshop")
        .prefetch_related("groups")
        .order_by("start_time", "pk")
    )
    if not sessions:
        return []
    sessions_of_group: dict[int, list[Session]] = {}
    for session in sessions:
        for group in session.groups.all():
            sessions_of_group.setdefault(group.pk, []).append(session)
    enrolments = (
        Enrolment.objects.filter(group_id__in=list(sessions_of_group), start_date__lte=day)
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=day))
        .filter(participant__organisation=organisation, participant__anonymised_on__isnull=True)
        .annotate(
            sms=_consent_in_force_of_enrolment(ConsentPurpose.REMINDERS_SMS),
            email=_consent_in_force_of_enrolment(ConsentPurpose.REMINDERS_EMAIL),
        )
        .filter(Q(sms=True) | Q(email=True))
        .select_related("participant")
        .order_by("participant_id")
    )
    reminders: dict[int, ParticipantReminder] = {}
    for enrolment in enrolments:
        reminder = reminders.setdefault(
            enrolment.participant_id,
            ParticipantReminder(
                enrolment.participant, day, sms=enrolment.sms, email=enrolment.email
            ),
        )
        for session in sessions_of_group[enrolment.group_id]:
            if session not in reminder.sessions:
                reminder.sessions.append(session)
    for reminder in reminders.values():
        reminder.sessions.sort(key=lambda session: (session.start_time, session.pk))
    return list(reminders.values())


def _consent_in_force_of_enrolment(purpose: str) -> Exists:
    return Exists(
        Consent.objects.in_force().filter(purpose=purpose, participant=OuterRef("participant_id"))
    )


def message_log(organisation: Organisation) -> QuerySet[MessageLog]:
    """The organisation's messages, latest first, with their recipients."""
    return (
        MessageLog.objects.filter(organisation=organisation)
        .select_related("user", "participant")
        .order_by("-created_at", "-pk")
    )
