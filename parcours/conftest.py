"""Personas and settings shared by every test of the project."""

import pytest
from django.core.cache import cache

from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.core.browser_fixtures import _allow_async_unsafe, browser_errors, page  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Ids start again in each test's rolled-back database: a report cached by an earlier
    # test could otherwise match (parcours.reporting.cache).
    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="CPAS de Test", slug="test")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="CPAS d'Ailleurs", slug="ailleurs")


@pytest.fixture
def coordinator(organisation):
    return UserFactory(organisation=organisation, coordinator=True, username="coordinator")


@pytest.fixture
def social_worker(organisation):
    return UserFactory(organisation=organisation, social_worker=True, username="socialworker")


@pytest.fixture
def workshop_leader(organisation):
    return UserFactory(organisation=organisation, workshop_leader=True, username="leader")


@pytest.fixture
def viewer(organisation):
    return UserFactory(organisation=organisation, viewer=True, username="viewer")


@pytest.fixture
def outsider(other_organisation):
    """A coordinator of another organisation: may do everything, but not here."""
    return UserFactory(organisation=other_organisation, coordinator=True, username="outsider")


@pytest.fixture
def personas(coordinator, social_worker, workshop_leader, viewer):
    return {
        "coordinator": coordinator,
        "social_worker": social_worker,
        "workshop_leader": workshop_leader,
        "viewer": viewer,
    }
