"""Schemathesis against the live schema, through the Django WSGI application: every
operation, with data that fits the schema and data that does not. No answer may be a
server error or break the schema (status, media type, body, headers)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config._checks import PositiveDataAcceptanceConfig
from schemathesis.generation.modes import GenerationMode

from parcours.wsgi import application

# Enough to reach every parameter's edges on each operation while the whole suite stays
# short: about 15 examples an operation in each mode.
EXAMPLES = 10


# Read from the application when the tests are collected: the schema view touches no
# database. (schemathesis.pytest.from_fixture would read it in the test, but does not
# run under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    deterministic=True,
)
# A request the schema allows may still be refused by the rules beyond it, as the pages
# refuse it: a cursor the API did not give (400), a group name already taken, a funder
# of no one (422). Those answers are problems, checked against the schema like any.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "304", "400", "401", "403", "404", "409", "422", "429"]
)


@pytest.fixture
def keep_the_tests_connection():
    """Called straight through WSGI, Django would close the database connection at the
    end of each request, the test's own on PostgreSQL; the test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def headers(coordinator, bearer, programme, funding, settings, keep_the_tests_connection):
    # The whole run is one token's: its requests must not be throttled.
    settings.API_THROTTLE_RATE = "100000/min"
    return bearer(coordinator, scope="write")


@schema.parametrize()
@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
    database=None,
)
def test_the_api_keeps_to_its_schema(db, case, headers):
    case.call_and_validate(headers=headers)
