import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.assessments.factories import AssessmentFactory
from parcours.attendance.models import Attendance
from parcours.participants.factories import (
    ConsentFactory,
    InterventionFactory,
    LiteracyTestFactory,
    ParticipantFactory,
)
from parcours.participants.models import Participant
from parcours.privacy.selectors import files_due, with_last_activity
from parcours.programme.factories import EnrolmentFactory
from parcours.programme.models import ExitFollowUp
from parcours.workshops.factories import SessionFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def exited(organisation):
    """An enrolment from 2015 to mid-2016."""
    return EnrolmentFactory(
        group__organisation=organisation,
        group__start_date=D(2015, 9, 7),
        group__end_date=D(2016, 6, 30),
        participant__organisation=organisation,
        start_date=D(2015, 9, 7),
        exit_date=D(2016, 6, 30),
        outcome="social_project",
        outcome_detail="volunteering",
    )


def last_activity(participant):
    return with_last_activity(Participant.objects.filter(pk=participant.pk)).get().last_activity


def test_the_last_activity_is_the_exit_when_nothing_came_later(exited):
    assert last_activity(exited.participant) == D(2016, 6, 30)


@pytest.mark.parametrize(
    "later",
    [
        lambda e, day: Attendance.objects.create(
            session=SessionFactory(organisation=e.participant.organisation, date=day),
            participant=e.participant,
            status="present",
        ),
        lambda e, day: InterventionFactory(participant=e.participant, date=day),
        lambda e, day: LiteracyTestFactory(participant=e.participant, date=day),
        lambda e, day: ConsentFactory(
            participant=e.participant, given_on=D(2016, 1, 1), withdrawn_on=day
        ),
        lambda e, day: AssessmentFactory(enrolment=e, moment="end", date=day),
        lambda e, day: ExitFollowUp.objects.create(
            enrolment=e, due_on=D(2016, 12, 30), situation="training", recorded_on=day
        ),
        lambda e, day: EnrolmentFactory(
            participant=e.participant,
            group__organisation=e.participant.organisation,
            start_date=D(2016, 9, 5),
            exit_date=day,
            outcome="dropout",
            outcome_detail="health",
        ),
    ],
    ids=[
        "attendance",
        "intervention",
        "literacy test",
        "consent withdrawn",
        "assessment",
        "follow-up",
        "second enrolment",
    ],
)
def test_every_kind_of_record_counts_as_activity(exited, later):
    later(exited, D(2017, 2, 14))
    assert last_activity(exited.participant) == D(2017, 2, 14)


def test_a_candidate_with_no_record_is_dated_by_the_opening_of_the_file(organisation):
    candidate = ParticipantFactory(organisation=organisation)
    assert last_activity(candidate) == D(2026, 3, 10)


def test_a_file_is_due_once_its_last_activity_is_before_the_day(exited):
    organisation = exited.participant.organisation
    assert list(files_due(organisation, inactive_before=D(2016, 7, 1))) == [exited.participant]
    assert list(files_due(organisation, inactive_before=D(2016, 6, 30))) == []


def test_a_file_with_an_enrolment_under_way_is_never_due(exited):
    EnrolmentFactory(
        participant=exited.participant,
        group__organisation=exited.participant.organisation,
        start_date=D(2016, 9, 5),
    )
    assert list(files_due(exited.participant.organisation, inactive_before=D(2026, 1, 1))) == []


def test_an_anonymised_file_is_no_longer_due(exited):
    Participant.objects.filter(pk=exited.participant_id).update(anonymised_on=D(2026, 1, 1))
    assert list(files_due(exited.participant.organisation, inactive_before=D(2026, 1, 1))) == []


def test_another_organisations_files_are_not_due(exited, other_organisation):
    assert list(files_due(other_organisation, inactive_before=D(2026, 1, 1))) == []


def test_the_queue_is_one_query_whatever_the_number_of_files(exited):
    organisation = exited.participant.organisation
    for _n in range(20):
        InterventionFactory(
            participant=EnrolmentFactory(
                group=exited.group,
                participant__organisation=organisation,
                exit_date=D(2016, 6, 30),
                outcome="dropout",
                outcome_detail="moving",
            ).participant,
            date=D(2016, 5, 1),
        )
    with CaptureQueriesContext(connection) as queries:
        due = list(files_due(organisation, inactive_before=D(2021, 3, 10)))
    assert len(due) == 21
    assert len(queries) == 1
    assert {person.last_activity for person in due} == {D(2016, 6, 30)}
