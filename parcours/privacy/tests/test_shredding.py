"""After an anonymisation, no value of the person is left anywhere in the database: not
in the tables, not in the audit trail (its key is destroyed), not in the bytes of the
database's files (SQLite) or in dead row versions (PostgreSQL, vacuumed after the
commit)."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from parcours.privacy.services import anonymise_inactive, personal_data_tables
from parcours.privacy.tests.files import full_file, secrets_of
from parcours.programme.factories import GroupFactory

D = datetime.date
ROOT = Path(settings.BASE_DIR)

BUILD = """
import datetime
from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.privacy.tests.files import full_file
from parcours.programme.factories import GroupFactory
D = datetime.date
organisation = OrganisationFactory(slug="shred")
coordinator = UserFactory(organisation=organisation, coordinator=True)
group = GroupFactory(organisation=organisation, start_date=D(2018, 1, 8), end_date=D(2018, 10, 26))
for number in (1, 2):
    full_file(organisation, by=coordinator, group=group, number=number, start=D(2018, 1, 8),
              exit_date=D(2018, 6, 1))
"""

ANONYMISE = """
import datetime
from parcours.accounts.models import Organisation
from parcours.participants.models import Participant
from parcours.privacy.services import anonymise_inactive
organisation = Organisation.objects.get(slug="shred")
first = Participant.objects.get(reference="REF-0001")
anonymise_inactive(organisation=organisation, inactive_before=datetime.date(2021, 3, 10),
                   by=None, only=[first.pk])
"""


def forms_of(value: str) -> list[bytes]:
    """The value as stored: as typed, and lower-cased without accents for the search."""
    return [value.encode(), value.lower().encode()]


def run_on(database: Path, code: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def file_bytes(database: Path) -> bytes:
    files = [database, Path(f"{database}-wal"), Path(f"{database}-journal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="reads the bytes of an SQLite file",
)
def test_sqlite_file_keeps_no_byte_of_the_anonymised_person(tmp_path):
    database = tmp_path / "shred.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    run_on(database, BUILD)
    content = file_bytes(database)
    for number in (1, 2):
        for value in secrets_of(number).values():
            assert any(form in content for form in forms_of(value)), value

    run_on(database, ANONYMISE)

    content = file_bytes(database)
    for value in secrets_of(1).values():
        for form in forms_of(value):
            assert form not in content, value
    # The other person, not anonymised, is still there: the file was read as it is.
    assert secrets_of(2).last_name.encode() in content


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL: dead row versions and every text column",
)
def test_postgresql_keeps_no_value_of_the_anonymised_person(transactional_db, coordinator):
    organisation = coordinator.organisation
    group = GroupFactory(
        organisation=organisation, start_date=D(2018, 1, 8), end_date=D(2018, 10, 26)
    )
    person = full_file(
        organisation,
        by=coordinator,
        group=group,
        number=1,
        start=D(2018, 1, 8),
        exit_date=D(2018, 6, 1),
    )
    assert _tables_holding(secrets_of(1).last_name) == ["participants_participant"]
    vacuums_before = _vacuum_counts()

    anonymise_inactive(
        organisation=organisation, inactive_before=D(2021, 3, 10), by=coordinator, only=[person.pk]
    )

    for value in secrets_of(1).values():
        assert _tables_holding(value) == [], value
    # The tables were vacuumed after the commit: the old row versions are gone.
    after = _vacuum_counts()
    assert all(after[table] > vacuums_before[table] for table in personal_data_tables())


def _tables_holding(value: str) -> list[str]:
    """Tables with a text, JSON or binary column whose value contains ``value``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'bytea')
            """
        )
        columns = cursor.fetchall()
        found = set()
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE lower("{column}"::text) LIKE %s LIMIT 1',
                [f"%{value.lower()}%"],
            )
            if cursor.fetchone():
                found.add(table)
    return sorted(found)


def _vacuum_counts() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname, vacuum_count FROM pg_stat_user_tables")
        counts = dict(cursor.fetchall())
    return {table: counts.get(table, 0) for table in personal_data_tables()}
