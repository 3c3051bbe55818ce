"""The shapes of what the API answers and takes, as the OpenAPI schema documents them.

A write's body holds the values of the page's form (the form checks them, with its
messages): choices are strings here, the form says which are valid."""

import datetime
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from parcours.api.pagination import page_of
from parcours.programme.enums import ProcessType

# A time of day without an offset: OpenAPI's "time" format (RFC 3339) requires one.
LOCAL_TIME = r"^[0-2][0-9]:[0-5][0-9]$"
# A day, or only a month (an end of last job whose day is not known).
DAY_OR_MONTH = r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"
MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date_only(value):
    """Refuse what pydantic would otherwise take for a date (a number of seconds since
    1970, "0"): the schema says an ISO date, YYYY-MM-DD."""
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    # A "date_" error type, so that the message is the dates' own, translated
    # (``errors.validation_message``).
    raise PydanticCustomError("date_format", "a date is written YYYY-MM-DD")


IsoDate = Annotated[datetime.date, BeforeValidator(iso_date_only)]
# The dates a write takes: the programme's records lie in these years, and a date at the
# edge of the calendar would make a computed one (an end, a follow-up) overflow it.
Day = Annotated[IsoDate, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2999, 12, 31))]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[
    int, Field(ge=1, le=MAX_VERSION, description="The `version` read with the record.")
]
LocalTime = Annotated[str, Field(pattern=LOCAL_TIME, description="Local time (Brussels), HH:MM.")]


class Problem(Schema):
    """An RFC 9457 problem: what went wrong, in the request's language."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None


class SocialData(Schema):
    """What casework roles see of a person beyond the name, as on the file page; never
    sent to a workshop leader (the key is absent)."""

    birth_date: datetime.date
    birth_country: str
    nationality: str
    niss: str
    phone: str
    email: str
    address: str
    postal_code: str
    city: str
    social_worker_id: int | None
    qualification_level: str
    qualification_recognised: str
    never_worked: bool
    inactive_since: str | None = Field(
        None,
        pattern=DAY_OR_MONTH,
        description="YYYY-MM-DD, or YYYY-MM when only the month is known.",
    )
    french_level: str
    language_course: str
    labour_market_status: str
    unemployment_duration: str
    referred_by: str
    referral_detail: str
    housing_exclusion: str
    rural_area: str
    disability: str
    foreign_background: str
    minority: str
    cpas_proof_kind: str
    cpas_proof_date: datetime.date | None
    anonymised_on: datetime.date | None


class Participant(Schema):
    id: int
    reference: str
    first_name: str
    last_name: str
    gender: str
    status: str
    version: int
    social: SocialData | None = None


class Group(Schema):
    id: int
    name: str
    process_type: str
    start_date: datetime.date
    end_date: datetime.date
    capacity: int
    staff_ids: list[int]
    version: int


class Enrolment(Schema):
    """Outcome fields are casework's: absent for a workshop leader."""

    id: int
    participant_id: int
    group_id: int
    start_date: datetime.date
    exit_date: datetime.date | None
    version: int
    outcome: str | None = None
    outcome_detail: str | None = None
    qualification_gained: str | None = None


class Workshop(Schema):
    id: int
    name: str
    axis: str
    objectives: str
    domains: list[str]
    version: int


class Session(Schema):
    id: int
    workshop_id: int
    group_ids: list[int]
    date: datetime.date
    start_time: LocalTime
    end_time: LocalTime
    duration_minutes: int
    room: str
    provider_kind: str
    provider_id: int | None
    leader_id: int | None
    cancelled: bool
    cancel_reason: str
    register_validated: bool
    series_id: int | None = Field(description="The weekly series it was planned in, if any.")
    version: int


class AttendanceMark(Schema):
    id: int
    session_id: int
    participant_id: int
    status: str
    marked_at: datetime.datetime


class Provider(Schema):
    """A subcontractor or partner that leads sessions; ``leader_ids`` its people who
    sign in as workshop leaders."""

    id: int
    name: str
    kind: str
    contact_name: str
    phone: str
    email: str
    leader_ids: list[int]
    version: int


class ClosingPeriod(Schema):
    """Days the programme is closed: a weekly series plans no session then."""

    id: int
    label: str
    start_date: datetime.date
    end_date: datetime.date


class FollowUp(Schema):
    """What became of the person six months after an exit (casework's): empty until
    recorded."""

    id: int
    enrolment_id: int
    participant_id: int
    due_on: datetime.date
    situation: str
    better_situation: str
    recorded_on: datetime.date | None
    note: str
    version: int


class SkippedDay(Schema):
    date: datetime.date
    reason: str


class Series(Schema):
    """A weekly series as planned: its sessions, and the days it skipped (public
    holidays, closing periods) with why."""

    id: int
    workshop_id: int
    weekday: int = Field(description="0 = Monday.")
    start_time: LocalTime
    end_time: LocalTime
    first_date: datetime.date
    last_date: datetime.date
    session_ids: list[int]
    skipped: list[SkippedDay]


class Register(Schema):
    """The register's summary, as its validation page shows it: the people expected,
    by mark."""

    session_id: int
    validated: bool
    validated_at: datetime.datetime | None
    present: int
    late: int
    excused: int
    absent: int
    unmarked: int
    total: int


class YearlyReport(Schema):
    """The figures of the report page's JSON download, in the shape of
    docs/statistics.md."""

    year: int
    as_of: datetime.date
    closed: bool
    figures: dict[str, Any]
    counts: dict[str, Any] = Field(description="The counts behind the percentages.")
    domain_hours: dict[str, Any] = Field(description="The hours of workshops per domain.")
    work_share: dict[str, Any] = Field(
        description="The individual and collective work, by quarter and for the period."
    )


FollowUpPage = page_of(FollowUp, "FollowUpPage")
ProviderPage = page_of(Provider, "ProviderPage")
ClosingPeriodPage = page_of(ClosingPeriod, "ClosingPeriodPage")
ParticipantPage = page_of(Participant, "ParticipantPage")
GroupPage = page_of(Group, "GroupPage")
EnrolmentPage = page_of(Enrolment, "EnrolmentPage")
WorkshopPage = page_of(Workshop, "WorkshopPage")
SessionPage = page_of(Session, "SessionPage")
AttendanceMarkPage = page_of(AttendanceMark, "AttendanceMarkPage")


# -- Writes ---------------------------------------------------------------------------------


class GroupCreate(Schema):
    """A new group, checked by the group form of the pages. Without ``end_date``: the
    start plus the process's default length."""

    name: str = Field(min_length=1, max_length=100)
    process_type: ProcessType
    start_date: Day
    end_date: Day | None = None
    capacity: int = Field(12, ge=1, le=99)
    staff_ids: list[RecordId] = Field(default_factory=list, max_length=100)


class GroupChange(Schema):
    """The fields to change, and the ``version`` read: a stale one answers 409."""

    version: Version
    name: str | None = Field(None, min_length=1, max_length=100)
    process_type: ProcessType | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    capacity: int | None = Field(None, ge=1, le=99)
    staff_ids: list[RecordId] | None = Field(None, max_length=100)


class SocialDataChange(Schema):
    """Casework's fields of a person, as the file's form takes them (blank: not asked or
    not known). Only casework roles write a participant at all."""

    birth_date: Day | None = None
    birth_country: str | None = Field(None, max_length=2, description="ISO 3166 code.")
    nationality: str | None = Field(None, max_length=2, description="ISO 3166 code.")
    niss: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=100)
    social_worker_id: RecordId | None = None
    qualification_level: str | None = Field(None, max_length=20)
    qualification_recognised: str | None = Field(None, max_length=10)
    never_worked: bool | None = None
    inactive_since: str | None = Field(
        None,
        pattern=DAY_OR_MONTH,
        description="YYYY-MM-DD, or YYYY-MM when only the month is known.",
    )
    french_level: str | None = Field(None, max_length=20)
    language_course: str | None = Field(None, max_length=10)
    labour_market_status: str | None = Field(None, max_length=20)
    unemployment_duration: str | None = Field(None, max_length=10)
    referred_by: str | None = Field(None, max_length=30)
    referral_detail: str | None = Field(None, max_length=200)
    housing_exclusion: str | None = Field(None, max_length=10)
    rural_area: str | None = Field(None, max_length=10)
    disability: str | None = Field(None, max_length=10)
    foreign_background: str | None = Field(None, max_length=10)
    minority: str | None = Field(None, max_length=10)
    cpas_proof_kind: str | None = Field(None, max_length=30)
    cpas_proof_date: Day | None = None


class SocialDataCreate(SocialDataChange):
    birth_date: Day


class ParticipantCreate(Schema):
    """A new file, checked by the intake form of the pages. A person who may already
    have a file (the same national number, or the same names and birth date) is refused
    until ``confirm_duplicate`` says this is another person."""

    reference: str = Field(min_length=1, max_length=40)
    last_name: str = Field(min_length=1, max_length=150)
    first_name: str = Field(min_length=1, max_length=150)
    gender: str = Field(max_length=1, description="F, M or X.")
    social: SocialDataCreate
    confirm_duplicate: bool = False


class ParticipantChange(Schema):
    """The fields to change (in ``social``, casework's), and the ``version`` read."""

    version: Version
    reference: str | None = Field(None, min_length=1, max_length=40)
    last_name: str | None = Field(None, min_length=1, max_length=150)
    first_name: str | None = Field(None, min_length=1, max_length=150)
    gender: str | None = Field(None, max_length=1)
    social: SocialDataChange | None = None
    confirm_duplicate: bool = False


class EnrolmentCreate(Schema):
    """A person enrolled in a group, as the group's page enrols them. A group over its
    capacity, or another enrolment of the person at the same time, is refused until
    ``confirm_warnings`` says to go on anyway."""

    participant_id: RecordId
    group_id: RecordId
    start_date: Day
    confirm_warnings: bool = False


class EnrolmentExit(Schema):
    """The exit, as the page records it: its date, outcome and detail (a dropout's
    reason, a project's kind); an extension in another group is not an exit."""

    version: Version
    exit_date: Day
    outcome: str = Field(max_length=30)
    outcome_detail: str = Field("", max_length=30)
    qualification_gained: str = Field("", max_length=3)


class EnrolmentExtension(Schema):
    """An extension, as the page records it: the enrolment closes on ``exit_date`` and
    the person goes on in ``next_group_id`` (without ``next_start_date``: the next
    group's start, or the exit day when it has started). The page's warnings about the
    next group are refused until ``confirm_warnings``."""

    version: Version
    exit_date: Day
    next_group_id: RecordId
    next_start_date: Day | None = None
    confirm_warnings: bool = False


class FollowUpRecord(Schema):
    """What became of the person, as the follow-up page records it."""

    version: Version
    situation: str = Field(max_length=20)
    better_situation: str = Field("", max_length=3)
    recorded_on: Day
    note: str = Field("", max_length=5000)


class WorkshopCreate(Schema):
    name: str = Field(min_length=1, max_length=150)
    axis: str = Field(max_length=20)
    objectives: str = Field("", max_length=5000)
    domains: list[str] = Field(default_factory=list, max_length=20)


class WorkshopChange(Schema):
    version: Version
    name: str | None = Field(None, min_length=1, max_length=150)
    axis: str | None = Field(None, max_length=20)
    objectives: str | None = Field(None, max_length=5000)
    domains: list[str] | None = Field(None, max_length=20)


class SessionCreate(Schema):
    """One session, checked by the page's session form: a team session names its leader,
    another its provider of that kind; it ends after it starts; its groups run on its
    date. A clash with another session (the same leader, room or group at the same time)
    is refused until ``confirm_clashes`` says to plan it anyway."""

    workshop_id: RecordId
    group_ids: list[RecordId] = Field(min_length=1, max_length=100)
    date: Day
    start_time: LocalTime
    end_time: LocalTime
    provider_kind: str = Field("team", max_length=20)
    provider_id: RecordId | None = None
    leader_id: RecordId | None = None
    room: str = Field("", max_length=100)
    confirm_clashes: bool = False


class ProviderCreate(Schema):
    """A new provider, checked by the providers page's form (its name not taken)."""

    name: str = Field(min_length=1, max_length=150)
    kind: str = Field(max_length=20, description="subcontractor or partner.")
    contact_name: str = Field("", max_length=150)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    leader_ids: list[RecordId] = Field(default_factory=list, max_length=100)


class ProviderChange(Schema):
    version: Version
    name: str | None = Field(None, min_length=1, max_length=150)
    kind: str | None = Field(None, max_length=20)
    contact_name: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    leader_ids: list[RecordId] | None = Field(None, max_length=100)


class ClosingPeriodCreate(Schema):
    label: str = Field(min_length=1, max_length=100)
    start_date: Day
    end_date: Day


class SeriesCreate(Schema):
    """A weekly series, checked by the page's series form: one session a week on
    ``weekday`` (0 = Monday) from ``first_date`` to ``last_date`` (a year at most),
    public holidays and closing periods skipped."""

    workshop_id: RecordId
    group_ids: list[RecordId] = Field(min_length=1, max_length=100)
    weekday: int = Field(ge=0, le=6)
    start_time: LocalTime
    end_time: LocalTime
    first_date: Day
    last_date: Day
    provider_kind: str = Field("team", max_length=20)
    provider_id: RecordId | None = None
    leader_id: RecordId | None = None
    room: str = Field("", max_length=100)


class SessionChange(Schema):
    """What the page changes of a session (its date, times, room and leader; with
    ``following``, of every later session of its series too), or its cancellation with
    its reason. A change that makes a clash is refused until ``confirm_clashes``."""

    version: Version
    date: Day | None = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    room: str | None = Field(None, max_length=100)
    leader_id: RecordId | None = None
    following: bool = False
    cancelled: Literal[True] | None = None
    cancel_reason: str | None = Field(None, max_length=200)
    confirm_clashes: bool = False


class MarkSet(Schema):
    """A person's mark at a session. ``reason``: the coordinator's correction (a
    validated register), kept in the audit trail."""

    status: str = Field(max_length=10, description="present, late, excused or absent.")
    reason: str | None = Field(None, min_length=1, max_length=500)
