"""The shapes of what the API answers, as the OpenAPI schema documents them."""

import datetime
from typing import Any

from ninja import Field, Schema

from parcours.api.pagination import page_of
from parcours.programme.enums import ProcessType

# A time of day without an offset: OpenAPI's "time" format (RFC 3339) requires one.
LOCAL_TIME = r"^[0-2][0-9]:[0-5][0-9]$"


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
    labour_market_status: str
    french_level: str
    referred_by: str
    housing_exclusion: str
    rural_area: str
    disability: str
    foreign_background: str
    minority: str
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
    start_time: str = Field(pattern=LOCAL_TIME, description="Local time (Brussels), HH:MM.")
    end_time: str = Field(pattern=LOCAL_TIME, description="Local time (Brussels), HH:MM.")
    duration_minutes: int
    room: str
    provider_kind: str
    provider_id: int | None
    leader_id: int | None
    cancelled: bool
    version: int


class AttendanceMark(Schema):
    id: int
    session_id: int
    participant_id: int
    status: str
    marked_at: datetime.datetime


class YearlyReport(Schema):
    """The figures of the report page's JSON download, in the shape of
    docs/statistics.md."""

    year: int
    as_of: datetime.date
    closed: bool
    figures: dict[str, Any]


ParticipantPage = page_of(Participant, "ParticipantPage")
GroupPage = page_of(Group, "GroupPage")
EnrolmentPage = page_of(Enrolment, "EnrolmentPage")
WorkshopPage = page_of(Workshop, "WorkshopPage")
SessionPage = page_of(Session, "SessionPage")
AttendanceMarkPage = page_of(AttendanceMark, "AttendanceMarkPage")


class GroupCreate(Schema):
    """A new group, checked by the group form of the pages. Without ``end_date``: the
    start plus the process's default length."""

    name: str = Field(min_length=1, max_length=100)
    process_type: ProcessType
    start_date: datetime.date
    end_date: datetime.date | None = None
    capacity: int = Field(12, ge=1, le=99)
    staff_ids: list[int] = Field(default_factory=list, max_length=100)


class GroupChange(Schema):
    """The fields to change, and the ``version`` read: a stale one answers 409."""

    version: int = Field(ge=1, le=2**31 - 1)
    name: str | None = Field(None, min_length=1, max_length=100)
    process_type: ProcessType | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    capacity: int | None = Field(None, ge=1, le=99)
    staff_ids: list[int] | None = Field(None, max_length=100)
