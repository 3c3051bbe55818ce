"""The statements of the yearly report, as committed in ``snapshots/`` (one file per
database vendor).

An added query, a removed one or a statement written differently (another join, another
filter, another grouping) fails with a diff of the SQL, so that the change is seen in
review and its cost considered (docs/performance.md). A change meant to alter the
statements rewrites the files with ``UPDATE_SNAPSHOTS=1`` (docs/testing.md).

The report is that of the seed history's 2016, as of 31 December 2016, for the whole
programme. What changes from one run to the next is normalised: the organisation's id
(fixed to ``ORGANISATION_ID``, written ``<organisation>``) and the savepoints' names.
"""

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
import sqlparse
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.factories import OrganisationFactory
from parcours.reporting.figures import yearly_report
from parcours.testing import assert_matches_file

SNAPSHOTS = Path(__file__).parent / "snapshots"
# An id no sequence reaches in a test database, so that it can be told from any number.
ORGANISATION_ID = 987_654_321


def normalised(statement: str) -> str:
    statement = re.sub(rf"\b{ORGANISATION_ID}\b", "<organisation>", statement)
    statement = re.sub(r'(SAVEPOINT\s+)"?\w+"?', r"\1<savepoint>", statement)
    return sqlparse.format(statement, reindent_aligned=True).strip()


def snapshot(statements: list[str]) -> bytes:
    parts = [f"-- {number}\n{normalised(sql)};\n" for number, sql in enumerate(statements, 1)]
    return "\n".join(parts).encode()


@pytest.mark.django_db
def test_the_yearly_report_runs_the_committed_statements():
    organisation = OrganisationFactory(id=ORGANISATION_ID, slug="seed", name="CPAS du Seed")
    call_command("load_seed_history", organisation="seed", stdout=StringIO())
    with CaptureQueriesContext(connection) as context:
        yearly_report(organisation, year=2016, as_of=datetime.date(2016, 12, 31))
    statements = [query["sql"] for query in context.captured_queries]
    assert_matches_file(SNAPSHOTS / f"yearly_report.{connection.vendor}.sql", snapshot(statements))
