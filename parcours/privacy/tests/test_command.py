import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from parcours.participants.models import Participant
from parcours.privacy.tests.files import full_file, secrets_of
from parcours.programme.factories import GroupFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def files(organisation, coordinator):
    group = GroupFactory(
        organisation=organisation, start_date=D(2016, 1, 4), end_date=D(2016, 10, 28)
    )
    recent = GroupFactory(
        organisation=organisation, start_date=D(2024, 1, 8), end_date=D(2024, 10, 25)
    )
    return [
        full_file(
            organisation,
            by=coordinator,
            group=group,
            number=1,
            start=D(2016, 1, 4),
            exit_date=D(2016, 10, 28),
        ),
        full_file(
            organisation,
            by=coordinator,
            group=group,
            number=2,
            start=D(2016, 1, 4),
            exit_date=D(2016, 5, 2),
        ),
        full_file(
            organisation,
            by=coordinator,
            group=recent,
            number=3,
            start=D(2024, 1, 8),
            exit_date=D(2024, 10, 25),
        ),
    ]


def run(*args):
    out = StringIO()
    call_command("anonymise", "--organisation", "test", *args, stdout=out)
    return out.getvalue().splitlines()


def test_without_yes_it_lists_references_and_changes_nothing(files):
    lines = run("--inactive-before", "2020-01-01")
    assert lines == [
        "REF-0002\tlast activity 2016-10-29",  # the follow-up, 180 days after the exit
        "REF-0001\tlast activity 2017-04-26",
        "2 files would be anonymised; nothing was changed (add --yes to do it).",
    ]
    assert not Participant.objects.filter(anonymised_on__isnull=False).exists()
    for number in (1, 2):
        assert not any(secrets_of(number).last_name in line for line in lines)


def test_with_yes_it_anonymises_and_ends_with_the_number(files):
    lines = run("--inactive-before", "2020-01-01", "--yes")
    assert lines[-1] == "2 files anonymised."
    anonymised = Participant.objects.filter(anonymised_on__isnull=False)
    assert set(anonymised.values_list("pk", flat=True)) == {files[0].pk, files[1].pk}
    assert run("--inactive-before", "2020-01-01", "--yes")[-1] == "0 files anonymised."


def test_a_day_within_the_retention_period_is_refused(files):
    with pytest.raises(
        CommandError, match="within the retention period of 5 years: give 2021-03-10"
    ):
        run("--inactive-before", "2025-01-01", "--yes")
    assert not Participant.objects.filter(anonymised_on__isnull=False).exists()


def test_an_unknown_organisation_or_a_bad_date_is_refused(files):
    with pytest.raises(CommandError, match="Unknown organisation 'nowhere'"):
        call_command("anonymise", "--organisation", "nowhere", "--inactive-before", "2020-01-01")
    with pytest.raises(CommandError, match="is not a date"):
        run("--inactive-before", "01/01/2020")
