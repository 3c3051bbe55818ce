"""The shapes of casework as the API answers and takes it: social assessments with their
ratings, the action plan, and the interventions of the individual work. Casework roles
only: a workshop leader never gets any of it, as on the pages.

Values the pages' forms check with their own messages (a rating, a duration, a date not
in the future, a blank description) are not bounded here: the form refuses them, in the
request's language."""

import datetime

from ninja import Field, Schema

from parcours.api.pagination import page_of
from parcours.assessments.enums import ActionStatus, Moment
from parcours.core.domains import Domain
from parcours.participants.enums import InterventionKind

MAX_ID = 2**63 - 1


def _version():
    return Field(ge=1, le=2**31 - 1, description="The `version` read: a stale one answers 409.")


class DomainRating(Schema):
    """One domain of an assessment: a level from 1 (critical situation) to 5
    (autonomous), or null for "not concerned"."""

    domain: str
    rating: int | None
    comment: str


class Assessment(Schema):
    """A social assessment of an enrolment at one moment, with the rating of each of the
    seven domains."""

    id: int
    enrolment_id: int
    participant_id: int
    group_id: int
    moment: str
    date: datetime.date
    duration_minutes: int | None = Field(description="Null: not recorded (older records).")
    overall_note: str
    author_id: int
    version: int
    ratings: list[DomainRating]


class Review(Schema):
    assessment_id: int
    status: str


class Action(Schema):
    """An action of the plan agreed with the participant, for a problem in a domain."""

    id: int
    enrolment_id: int
    participant_id: int
    group_id: int
    domain: str
    description: str
    own_words: str = Field(description="The action in the participant's own words.")
    responsible: str
    due_date: datetime.date
    status: str
    agreed_at_id: int | None = Field(description="The assessment at which it was agreed.")
    reviewed_at_id: int | None = Field(description="The assessment that last reviewed it.")
    reviews: list[Review] = Field(
        description="Every review of the action, oldest first: the assessment and the status "
        "it was given there."
    )
    version: int


class Intervention(Schema):
    """A piece of individual work with one participant; its notes are confidential
    (casework roles only)."""

    id: int
    participant_id: int
    date: datetime.date
    duration_minutes: int
    kind: str
    domains: list[str]
    notes: str
    author_id: int
    version: int


class LiteracyTest(Schema):
    """A literacy positioning test: a level per skill and the orientation it led to. Its
    duration counts in the yearly report's individual work."""

    id: int
    participant_id: int
    date: datetime.date
    duration_minutes: int | None = Field(
        description="Empty only for a test kept before durations were."
    )
    examiner_id: int
    oral_comprehension: str
    oral_expression: str
    reading: str
    writing: str
    orientation: str
    comment: str


AssessmentPage = page_of(Assessment, "AssessmentPage")
ActionPage = page_of(Action, "ActionPage")
InterventionPage = page_of(Intervention, "InterventionPage")
LiteracyTestPage = page_of(LiteracyTest, "LiteracyTestPage")


class RatingIn(Schema):
    domain: Domain
    rating: int | None = Field(
        description="1 (critical situation) to 5 (autonomous); null: not concerned."
    )
    comment: str = Field("", max_length=1000)


class ActionReview(Schema):
    """An open action of the enrolment looked at again at the assessment, with its
    status now (as the assessment page reviews them)."""

    action_id: int = Field(ge=1, le=MAX_ID)
    status: ActionStatus


class AssessmentCreate(Schema):
    """A new assessment, checked by the assessment form of the pages: each of the seven
    domains rated (or not concerned), the date not in the future, the duration given."""

    enrolment_id: int = Field(ge=1, le=MAX_ID)
    moment: Moment
    date: datetime.date
    duration_minutes: int | None = Field(None, description="1 to 720 minutes.")
    overall_note: str = ""
    ratings: list[RatingIn] = Field(max_length=len(Domain.values))
    reviews: list[ActionReview] = Field(default_factory=list, max_length=200)


class AssessmentChange(Schema):
    """The fields to change; ``ratings`` replaces the domains it names and keeps the
    others."""

    version: int = _version()
    date: datetime.date | None = None
    duration_minutes: int | None = Field(None, description="1 to 720 minutes.")
    overall_note: str | None = None
    ratings: list[RatingIn] | None = Field(None, max_length=len(Domain.values))
    reviews: list[ActionReview] = Field(default_factory=list, max_length=200)


class ActionCreate(Schema):
    """A new action, planned, checked by the action form of the pages."""

    enrolment_id: int = Field(ge=1, le=MAX_ID)
    domain: Domain
    description: str
    own_words: str = Field("", description="The action in the participant's own words.")
    responsible: str = Field(max_length=150)
    due_date: datetime.date
    agreed_at_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="An assessment of the same enrolment."
    )


class ActionChange(Schema):
    version: int = _version()
    domain: Domain | None = None
    description: str | None = None
    own_words: str | None = None
    responsible: str | None = Field(None, max_length=150)
    due_date: datetime.date | None = None
    status: ActionStatus | None = None


class InterventionCreate(Schema):
    """A new intervention, checked by the intervention form of the pages."""

    participant_id: int = Field(ge=1, le=MAX_ID)
    date: datetime.date
    duration_minutes: int = Field(description="1 to 720 minutes.")
    kind: InterventionKind
    domains: list[Domain] = Field(default_factory=list, max_length=len(Domain.values))
    notes: str = ""


class InterventionChange(Schema):
    version: int = _version()
    date: datetime.date | None = None
    duration_minutes: int | None = Field(None, description="1 to 720 minutes.")
    kind: InterventionKind | None = None
    domains: list[Domain] | None = Field(None, max_length=len(Domain.values))
    notes: str | None = None


class LiteracyTestCreate(Schema):
    """A new positioning test, checked by the page's form: not dated in the future, its
    duration given, run by a member of the team. The levels and the orientation are the
    page's choices (the form says which are valid)."""

    participant_id: int = Field(ge=1, le=MAX_ID)
    date: datetime.date
    duration_minutes: int = Field(description="1 to 720 minutes.")
    examiner_id: int = Field(ge=1, le=MAX_ID)
    oral_comprehension: str = Field(max_length=10)
    oral_expression: str = Field(max_length=10)
    reading: str = Field(max_length=10)
    writing: str = Field(max_length=10)
    orientation: str = Field(max_length=10)
    comment: str = Field("", max_length=5000)
