"""Sending the staff digests and the participants' session reminders, and the choices
that stop them.

``send_due_digests(organisation, today)`` and ``send_session_reminders(organisation,
today)`` are what the nightly schedule runs (and ``manage.py send_reminders``). Both are
idempotent: each message has a key (kind, recipient, period) that is unique in the
organisation's log (``MessageLog``), so a second run of the same day sends nothing more;
a message that failed is tried again by the next run, one that is being sent is not.
A failure is logged and recorded, and the other messages still go.

A digest holds counts and links, never a name or a piece of a file; a reminder holds the
date, time, place and workshop of the person's sessions, and nothing else.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any, TypedDict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.audit.services import create_record, update_record
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import Participant
from parcours.participants.services import consent_withdraw
from parcours.reminders import senders
from parcours.reminders.enums import Channel, Frequency, MessageKind, MessageStatus
from parcours.reminders.models import DigestPreference, MessageLog
from parcours.reminders.selectors import (
    DigestLine,
    ParticipantReminder,
    digest_lines,
    digest_period,
    digest_recipients,
    reminders_for,
)
from parcours.reminders.tokens import PARTICIPANT_SALT, USER_SALT, make_token
from parcours.workshops.models import Session

logger = logging.getLogger(__name__)

REMINDER_PURPOSES = (ConsentPurpose.REMINDERS_SMS, ConsentPurpose.REMINDERS_EMAIL)


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.failed} failed"


class Message(TypedDict):
    """An e-mail as ``senders.send_email`` takes it, but for its recipient."""

    subject: str
    text: str
    html: str
    headers: dict[str, str]


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(user: User) -> str:
    return absolute_url(
        reverse("reminders:unsubscribe", kwargs={"token": make_token(USER_SALT, user.pk)})
    )


def opt_out_url(participant: Participant) -> str:
    return absolute_url(
        reverse("reminders:opt_out", kwargs={"token": make_token(PARTICIPANT_SALT, participant.pk)})
    )


def _unsubscribe_headers(url: str) -> dict[str, str]:
    # RFC 2369 and RFC 8058: mail clients show an "unsubscribe" button that posts here.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# -- the log: one row per message, claimed before sending --


def _claim(*, organisation: Organisation, dedup_key: str, **fields: Any) -> MessageLog | None:
    """The log row of a message to send now, or None when it is sent (or being sent)
    already. A failed message is claimed again."""
    existing = MessageLog.objects.filter(organisation=organisation, dedup_key=dedup_key).first()
    if existing is not None:
        if existing.status != MessageStatus.FAILED:
            return None
        # Conditional: of two runs at once, one only gets it.
        claimed = MessageLog.objects.filter(pk=existing.pk, status=MessageStatus.FAILED).update(
            status=MessageStatus.PENDING, channel=fields["channel"]
        )
        if not claimed:
            return None
        existing.status, existing.channel = MessageStatus.PENDING, fields["channel"]
        return existing
    try:
        with transaction.atomic():
            return MessageLog.objects.create(
                organisation=organisation, dedup_key=dedup_key, **fields
            )
    except IntegrityError:
        return None  # another run has just claimed it


def _deliver(
    log: MessageLog, send: Callable[[], object], *, address: str, outcome: Outcome
) -> None:
    """Run ``send()`` and record how it went; a failure does not propagate."""
    log.attempts += 1
    try:
        send()
    except Exception as error:
        # The error may repeat the address: the log keeps none.
        text = f"{type(error).__name__}: {error}"
        if address:
            text = text.replace(address, "…")
        log.status, log.error, log.sent_at = MessageStatus.FAILED, text[:300], None
        outcome.failed += 1
        logger.warning("Message %s (%s) not sent: %s", log.pk, log.dedup_key, type(error).__name__)
    else:
        log.status, log.error, log.sent_at = MessageStatus.SENT, "", timezone.now()
        outcome.sent += 1
    log.save(update_fields=["status", "error", "sent_at", "attempts"])


def _fail_without_sending(log: MessageLog, reason: str, outcome: Outcome) -> None:
    log.attempts += 1
    log.status, log.error = MessageStatus.FAILED, reason[:300]
    log.save(update_fields=["status", "error", "attempts"])
    outcome.failed += 1


# -- staff digests --


def digest_message(
    user: User, *, today: datetime.date, lines: Iterable[DigestLine], weekly: bool = False
) -> Message:
    """Subject, text and HTML of a digest, in the user's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        unsubscribe = unsubscribe_url(user)
        context = {
            "today": today,
            "lines": [
                {"label": line.label, "url": absolute_url(reverse(line.url_name))} for line in lines
            ],
            "dashboard_url": absolute_url(reverse("dashboard:home")),
            "preferences_url": absolute_url(reverse("reminders:preferences")),
            "unsubscribe_url": unsubscribe,
            "weekly": weekly,
        }
        return {
            "subject": _("Parcours: what is waiting for you (%(date)s)")
            % {"date": formats.date_format(today, "SHORT_DATE_FORMAT")},
            "text": render_to_string("reminders/email/digest.txt", context),
            "html": render_to_string("reminders/email/digest.html", context),
            "headers": _unsubscribe_headers(unsubscribe),
        }


def send_due_digests(organisation: Organisation, today: datetime.date) -> Outcome:
    """The digests due ``today`` to the organisation's staff (daily ones every day,
    weekly ones on the chosen weekday); an empty digest is not sent."""
    outcome = Outcome()
    for recipient in digest_recipients(organisation, today=today):
        user = recipient.user
        lines = digest_lines(user, today=today)
        if not lines:
            continue
        period = digest_period(recipient.frequency, today)
        log = _claim(
            organisation=organisation,
            dedup_key=f"digest:{user.pk}:{period}",
            kind=MessageKind.STAFF_DIGEST,
            channel=Channel.EMAIL,
            user=user,
            period=period,
        )
        if log is None:
            continue
        message = digest_message(
            user, today=today, lines=lines, weekly=recipient.frequency == Frequency.WEEKLY
        )
        _deliver(
            log,
            partial(senders.send_email, to=user.email, **message),
            address=user.email,
            outcome=outcome,
        )
    return outcome


# -- participants' session reminders --


def reminder_language(participant: Participant) -> str:
    """The person's language when the file has one, else the organisation's default."""
    return getattr(participant, "language", "") or settings.LANGUAGE_CODE


def _day(day: datetime.date) -> str:
    """ "mercredi 4 mars": lower case in a sentence, except in English."""
    text = formats.date_format(day, "l j F")
    if translation.get_language().startswith("en"):
        return text
    return text[:1].lower() + text[1:]


def _session_facts(session: Session) -> dict[str, str]:
    return {
        "date": _day(session.date),
        "start": formats.time_format(session.start_time, "H:i"),
        "end": formats.time_format(session.end_time, "H:i"),
        "workshop": session.workshop.name,
        "place": session.room,
    }


def reminder_sms(reminder: ParticipantReminder) -> str:
    """The text of an SMS reminder: the sessions, then a short opt-out link."""
    with translation.override(reminder_language(reminder.participant)):
        parts = []
        for session in reminder.sessions:
            facts = _session_facts(session)
            if facts["place"]:
                parts.append(_("%(workshop)s %(date)s %(start)s, %(place)s") % facts)
            else:
                parts.append(_("%(workshop)s %(date)s %(start)s") % facts)
        return _("Reminder: %(sessions)s. No more reminders: %(url)s") % {
            "sessions": "; ".join(parts),
            "url": opt_out_url(reminder.participant),
        }


def reminder_email(reminder: ParticipantReminder) -> Message:
    with translation.override(reminder_language(reminder.participant)):
        opt_out = opt_out_url(reminder.participant)
        context = {
            "sessions": [_session_facts(session) for session in reminder.sessions],
            "opt_out_url": opt_out,
        }
        return {
            "subject": _("Reminder: your workshop on %(date)s") % {"date": _day(reminder.day)},
            "text": render_to_string("reminders/email/session_reminder.txt", context),
            "html": render_to_string("reminders/email/session_reminder.html", context),
            "headers": _unsubscribe_headers(opt_out),
        }


def send_session_reminders(
    organisation: Organisation, today: datetime.date, *, days_ahead: int | None = None
) -> Outcome:
    """Remind the people who consented of their sessions ``days_ahead`` days after
    ``today`` (``REMINDER_DAYS_AHEAD``, 1: tomorrow's), one message per person and day:
    by SMS when they consented to SMS and the file has a mobile number, else by e-mail
    when they consented to e-mail and the file has an address."""
    if days_ahead is None:
        days_ahead = settings.REMINDER_DAYS_AHEAD
    day = today + datetime.timedelta(days=days_ahead)
    outcome = Outcome()
    sms_backend = None
    for reminder in reminders_for(organisation, day=day):
        participant = reminder.participant
        number = senders.international_number(participant.phone) if reminder.sms else None
        if number:
            channel = Channel.SMS
        elif reminder.email and participant.email:
            channel = Channel.EMAIL
        else:
            channel = Channel.SMS if reminder.sms else Channel.EMAIL
        log = _claim(
            organisation=organisation,
            dedup_key=f"reminder:{participant.pk}:{day.isoformat()}",
            kind=MessageKind.SESSION_REMINDER,
            channel=channel,
            participant=participant,
            period=day.isoformat(),
        )
        if log is None:
            continue
        if channel == Channel.SMS and number:
            if sms_backend is None:
                sms_backend = senders.sms_backend()
            body = reminder_sms(reminder)
            _deliver(
                log,
                partial(sms_backend.send, number, body),
                address=number,
                outcome=outcome,
            )
        elif channel == Channel.EMAIL and participant.email:
            message = reminder_email(reminder)
            _deliver(
                log,
                partial(senders.send_email, to=participant.email, **message),
                address=participant.email,
                outcome=outcome,
            )
        else:
            reason = (
                "no mobile number on the file"
                if channel == Channel.SMS
                else "no e-mail address on the file"
            )
            _fail_without_sending(log, reason, outcome)
    return outcome


# -- choices --


@transaction.atomic
def digest_preference_save(
    *, user: User, frequency: str, weekday: int, by: User
) -> DigestPreference:
    preference = DigestPreference.objects.filter(user=user).first()
    if preference is None:
        return create_record(
            obj=DigestPreference(user=user, frequency=frequency, weekday=weekday), by=by
        )
    return update_record(obj=preference, by=by, frequency=frequency, weekday=weekday)


def unsubscribe(user: User) -> DigestPreference:
    """The user's own unsubscribe link: no more digests (their weekday kept)."""
    preference = DigestPreference.objects.filter(user=user).first()
    weekday = preference.weekday if preference else DigestPreference().weekday
    return digest_preference_save(user=user, frequency=Frequency.NEVER, weekday=weekday, by=user)


@transaction.atomic
def opt_out(participant: Participant) -> int:
    """The person's opt-out link: their consents to reminders are withdrawn today (in
    the audit trail as every withdrawal, by nobody signed in). How many were in force."""
    consents = list(participant.consents.in_force().filter(purpose__in=REMINDER_PURPOSES))
    for consent in consents:
        consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=None)
    return len(consents)


def scheduled_digests(organisation: Organisation, today: datetime.date) -> dict[str, int]:
    """The morning job (parcours.background.schedule): the digests due today."""
    return asdict(send_due_digests(organisation, today))


def scheduled_reminders(organisation: Organisation, today: datetime.date) -> dict[str, int]:
    """The daytime job (parcours.background.schedule): the participants' reminders."""
    return asdict(send_session_reminders(organisation, today))
