"""Two organisations with the same small programme each (and its casework), and tokens
for their people."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.factories import UserFactory
from parcours.api.tokens import issue_token
from parcours.assessments.factories import ActionFactory, AssessmentFactory, DomainRatingFactory
from parcours.attendance.enums import Presence
from parcours.attendance.models import Attendance
from parcours.core.domains import Domain
from parcours.participants.factories import InterventionFactory, ParticipantFactory
from parcours.participants.models import InterventionDomain
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.workshops.factories import SessionFactory, WorkshopFactory


@dataclass
class Programme:
    """One of each record, and a second person outside the leader's group."""

    group: object
    other_group: object
    participant: object
    stranger: object
    enrolment: object
    workshop: object
    session: object
    mark: object
    assessment: object
    action: object
    intervention: object


def build_casework(enrolment, *, words: str):
    """An entry assessment of the enrolment with its seven ratings, an action agreed at
    it, and an intervention; ``words`` mark their texts as this organisation's."""
    assessment = AssessmentFactory(
        enrolment=enrolment, duration_minutes=60, overall_note=f"Bilan {words}"
    )
    for index, domain in enumerate(Domain.values):
        DomainRatingFactory(
            assessment=assessment,
            domain=domain,
            rating=index % 5 + 1 if index < 6 else None,
            comment=f"Logement {words}" if domain == Domain.HOUSING else "",
        )
    action = ActionFactory(enrolment=enrolment, agreed_at=assessment, description=f"Agir {words}")
    intervention = InterventionFactory(
        participant=enrolment.participant, notes=f"Confidentiel {words}"
    )
    InterventionDomain.objects.create(intervention=intervention, domain=Domain.HEALTH)
    return assessment, action, intervention


def build_programme(organisation, *, leader=None) -> Programme:
    group = GroupFactory(organisation=organisation, name=f"Groupe {organisation.slug}")
    if leader is not None:
        group.staff.add(leader)
    other_group = GroupFactory(organisation=organisation)
    participant = ParticipantFactory(
        organisation=organisation, niss="", phone="0471 00 00 00", city="Namur"
    )
    stranger = ParticipantFactory(organisation=organisation)
    enrolment = EnrolmentFactory(group=group, participant=participant)
    EnrolmentFactory(group=other_group, participant=stranger)
    workshop = WorkshopFactory(organisation=organisation)
    session = SessionFactory(organisation=organisation, workshop=workshop, groups=[group])
    mark = Attendance.objects.create(
        session=session, participant=participant, status=Presence.PRESENT
    )
    return Programme(
        group,
        other_group,
        participant,
        stranger,
        enrolment,
        workshop,
        session,
        mark,
        *build_casework(enrolment, words=organisation.slug),
    )


@pytest.fixture
def programme(organisation, workshop_leader):
    return build_programme(organisation, leader=workshop_leader)


@pytest.fixture
def elsewhere(other_organisation):
    leader = UserFactory(organisation=other_organisation, workshop_leader=True)
    return build_programme(other_organisation, leader=leader)


@pytest.fixture
def bearer():
    """The headers of a request with a new token of ``user``."""

    def make(user, *, scope="read"):
        by = user
        if user.role != Role.COORDINATOR:
            by = UserFactory(organisation=user.organisation, coordinator=True)
        _token, secret = issue_token(
            user=user,
            name="tests",
            scope=scope,
            expires_at=timezone.now() + datetime.timedelta(days=30),
            by=by,
        )
        return {"Authorization": f"Bearer {secret}"}

    return make
