import datetime

import pytest
import time_machine

from parcours.assessments.enums import Moment
from parcours.assessments.services import action_create, assessment_save
from parcours.core.domains import Domain
from parcours.programme.factories import EnrolmentFactory, GroupFactory

D = datetime.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 12, 0), tick=False):
        yield


@pytest.fixture
def group(organisation):
    return GroupFactory(
        organisation=organisation, start_date=D(2026, 1, 5), end_date=D(2026, 10, 30)
    )


@pytest.fixture
def enrolment(group, social_worker):
    """An enrolment with its entry assessment (housing and health found difficult) and
    two actions of the plan."""
    enrolment = EnrolmentFactory(
        group=group,
        participant__social_worker=social_worker,
        participant__last_name="Diallo",
        participant__first_name="Awa",
    )
    assessment_save(
        enrolment=enrolment,
        moment=Moment.ENTRY,
        date=D(2026, 1, 12),
        overall_note="",
        ratings={
            Domain.HOUSING: (2, "Logement humide."),
            Domain.HEALTH: (3, ""),
            Domain.FAMILY: (5, "Bon soutien des enfants."),
        },
        by=social_worker,
    )
    action_create(
        enrolment=enrolment,
        domain=Domain.HOUSING,
        description="S'inscrire à l'agence immobilière sociale",
        responsible="Participante",
        due_date=D(2026, 3, 31),
        by=social_worker,
    )
    action_create(
        enrolment=enrolment,
        domain=Domain.FINANCIAL,
        description="Établir un budget mensuel",
        responsible="Assistante sociale",
        due_date=D(2026, 4, 30),
        by=social_worker,
    )
    return enrolment
