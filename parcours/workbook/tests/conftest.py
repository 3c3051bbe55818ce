import pytest

from parcours.accounts.factories import UserFactory
from parcours.assessments.models import Assessment, DomainRating
from parcours.attendance.models import Attendance
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.workshops.models import Provider, Session, Workshop

MODELS = (
    Participant,
    Group,
    Enrolment,
    Assessment,
    DomainRating,
    Workshop,
    Provider,
    Session,
    Session.groups.through,
    Attendance,
)


def record_counts() -> dict:
    """How many rows each imported model holds, in every organisation."""
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(autouse=True)
def _in_english(settings):
    """The tests read the messages in English, the language of the code: they keep
    passing when the French catalogue translates them."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def coordinator(organisation):
    return _english(
        UserFactory(organisation=organisation, coordinator=True, username="coordinator")
    )


@pytest.fixture
def social_worker(organisation):
    return _english(
        UserFactory(organisation=organisation, social_worker=True, username="socialworker")
    )


@pytest.fixture
def workshop_leader(organisation):
    return _english(UserFactory(organisation=organisation, workshop_leader=True, username="leader"))


@pytest.fixture
def viewer(organisation):
    return _english(UserFactory(organisation=organisation, viewer=True, username="viewer"))


@pytest.fixture
def outsider(other_organisation):
    return _english(
        UserFactory(organisation=other_organisation, coordinator=True, username="outsider")
    )
