"""The yearly figures of the seed history and of the demo, byte for byte as the report's
JSON download gives them, against the files committed in ``golden/``.

They are the proof that a change meant to leave the figures alone (a refactoring, a query
rewritten, a type added) does: any difference fails with a diff of the JSON. A change
meant to move a figure rewrites the files with ``UPDATE_SNAPSHOTS=1`` and shows the new
figures in review (docs/testing.md). The same files hold on SQLite and on PostgreSQL.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from parcours.accounts.factories import UserFactory
from parcours.accounts.models import Organisation, User
from parcours.programme.models import Group
from parcours.testing import FROZEN_TODAY, assert_matches_file

GOLDEN = Path(__file__).parent / "golden"
# The history runs from 2012 to 1 June 2017 (docs/statistics.md).
SEED_YEARS = range(2012, 2018)


def _report_json(client, year: int) -> bytes:
    response = client.get(reverse("reporting:report_json"), {"year": year})
    assert response.status_code == 200, response.content
    return response.content


def _years_of(organisation) -> range:
    first = Group.objects.filter(organisation=organisation).order_by("start_date").first()
    return range(first.start_date.year, FROZEN_TODAY.year + 1)


@pytest.mark.django_db
def test_the_seed_history_gives_its_committed_figures(client, frozen_today):
    call_command("load_seed_history", organisation="seed", stdout=StringIO())
    organisation = Organisation.objects.get(slug="seed")
    assert list(_years_of(organisation))[: len(SEED_YEARS)] == list(SEED_YEARS)
    client.force_login(UserFactory(organisation=organisation, coordinator=True))
    for year in SEED_YEARS:
        assert_matches_file(GOLDEN / "seed" / f"{year}.json", _report_json(client, year))


# The demo is built relative to today: on the frozen day it is the same on every machine.
# Building it takes about a minute.
@pytest.mark.django_db
def test_the_demo_gives_its_committed_figures(client, frozen_today):
    call_command("load_demo", stdout=StringIO())
    organisation = Organisation.objects.get(slug="demo")
    years = _years_of(organisation)
    assert len(years) >= 2
    client.force_login(User.objects.get(username="coordinator"))
    for year in years:
        assert_matches_file(GOLDEN / "demo" / f"{year}.json", _report_json(client, year))
    # No file is left over from a year the demo no longer holds.
    assert sorted(path.name for path in (GOLDEN / "demo").glob("*.json")) == [
        f"{year}.json" for year in years
    ]
