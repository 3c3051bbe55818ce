"""Two organisations with the same small programme each, and tokens for their people."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.factories import UserFactory
from parcours.api.tokens import issue_token
from parcours.attendance.enums import Presence
from parcours.attendance.models import Attendance
from parcours.participants.factories import ParticipantFactory
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
    return Programme(group, other_group, participant, stranger, enrolment, workshop, session, mark)


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
