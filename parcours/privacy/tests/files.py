"""A participant's file with every kind of personal value, written through the audited
services (so the values are in the audit trail too), for the privacy tests."""

import datetime
from dataclasses import dataclass

from parcours.assessments.enums import Moment
from parcours.assessments.services import action_create, assessment_save
from parcours.attendance.enums import Presence
from parcours.attendance.services import attendance_mark
from parcours.core.domains import Domain
from parcours.participants.enums import ConsentPurpose, InterventionKind, LiteracyLevel, Orientation
from parcours.participants.services import (
    consent_record,
    intervention_create,
    literacy_test_record,
    participant_create,
)
from parcours.programme.enums import ExitOutcome, FollowUpSituation
from parcours.programme.models import ExitFollowUp
from parcours.programme.services import enrolment_create, enrolment_exit, follow_up_record
from parcours.workshops.factories import SessionFactory


@dataclass
class Secrets:
    """The values that must be gone after an anonymisation: easy to look for in bytes."""

    last_name: str
    first_name: str
    niss: str
    address: str
    phone: str
    email: str
    note: str

    def values(self) -> list[str]:
        return [
            self.last_name,
            self.first_name,
            self.niss,
            self.address,
            self.phone,
            self.email,
            self.note,
        ]


BIRTH_DATE = datetime.date(1980, 5, 17)


def _valid_niss(birth_date: datetime.date, serial: int) -> str:
    """A national number that passes the checks for ``birth_date`` (check digits: 97 minus
    the first nine digits modulo 97, with a 2 before them for births from 2000)."""
    first = f"{birth_date:%y%m%d}{serial % 997 + 1:03d}"
    base = int(("2" if birth_date.year >= 2000 else "") + first)
    return f"{first}{97 - base % 97:02d}"


def secrets_of(number: int, birth_date: datetime.date = BIRTH_DATE) -> Secrets:
    return Secrets(
        last_name=f"Qwertyname{number:03d}",
        first_name=f"Firstqwerty{number:03d}",
        niss=_valid_niss(birth_date, number),
        address=f"{number} rue Zyxwvoie",
        phone=f"+32 470 55 {number:03d}",
        email=f"mailqwerty{number:03d}@example.org",
        note=f"Confidentialnote{number:03d} about the family",
    )


def full_file(
    organisation,
    *,
    by,
    group,
    number: int,
    start: datetime.date,
    exit_date: datetime.date | None,
    birth_date=BIRTH_DATE,
):
    """A person enrolled in ``group`` from ``start`` (exited as a social project on
    ``exit_date`` unless it is None), with assessments, an action, an intervention, a
    literacy test, a consent, an attendance mark and a follow-up, each carrying a note."""
    secrets = secrets_of(number, birth_date)
    participant = participant_create(
        organisation=organisation,
        by=by,
        reference=f"REF-{number:04d}",
        last_name=secrets.last_name,
        first_name=secrets.first_name,
        gender="F" if number % 2 else "M",
        birth_date=birth_date,
        birth_country="MA",
        nationality="BE",
        niss=secrets.niss,
        phone=secrets.phone,
        email=secrets.email,
        address=secrets.address,
        postal_code="5000",
        city="Namur",
        qualification_level="primary",
        french_level="weak",
        language_course="fle",
        never_worked=number % 3 == 0,
        referred_by="social_service",
        referral_detail=f"Colleague {secrets.last_name}",
    )
    enrolment = enrolment_create(participant=participant, group=group, start_date=start, by=by)
    ratings_entry = {d: (2, f"{secrets.note} entry {d}") for d in Domain.values}
    assessment_save(
        enrolment=enrolment,
        moment=Moment.ENTRY,
        date=start,
        overall_note=secrets.note,
        ratings=ratings_entry,
        by=by,
    )
    action_create(
        enrolment=enrolment,
        domain=Domain.HOUSING,
        description=secrets.note,
        own_words=f"{secrets.note} in own words",
        responsible=secrets.first_name,
        due_date=start + datetime.timedelta(days=30),
        by=by,
    )
    intervention_create(
        participant=participant,
        by=by,
        date=start + datetime.timedelta(days=3),
        duration_minutes=45,
        kind=InterventionKind.INTERVIEW,
        domains=[Domain.FAMILY],
        notes=secrets.note,
    )
    literacy_test_record(
        participant=participant,
        by=by,
        examiner=by,
        date=start,
        orientation=Orientation.FLE,
        comment=secrets.note,
        oral_comprehension=LiteracyLevel.A1,
        oral_expression=LiteracyLevel.A1,
        reading=LiteracyLevel.A1,
        writing=LiteracyLevel.ALPHA_4,
    )
    consent_record(participant=participant, purpose=ConsentPurpose.FOLLOW_UP, given_on=start, by=by)
    session = SessionFactory(
        organisation=organisation, groups=[group], date=start + datetime.timedelta(days=7)
    )
    attendance_mark(session=session, participant=participant, status=Presence.PRESENT, by=by)
    if exit_date is not None:
        ratings_end = {d: (4, f"{secrets.note} end {d}") for d in Domain.values}
        assessment_save(
            enrolment=enrolment,
            moment=Moment.END,
            date=exit_date,
            overall_note=secrets.note,
            ratings=ratings_end,
            by=by,
        )
        enrolment_exit(
            enrolment=enrolment,
            exit_date=exit_date,
            outcome=ExitOutcome.SOCIAL_PROJECT,
            detail="volunteering",
            by=by,
        )
        follow_up_record(
            follow_up=ExitFollowUp.objects.get(enrolment=enrolment),
            situation=FollowUpSituation.values[0],
            recorded_on=exit_date + datetime.timedelta(days=180),
            note=secrets.note,
            by=by,
        )
    participant.refresh_from_db()
    return participant
