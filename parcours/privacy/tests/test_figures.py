"""Every yearly figure is the same before and after anonymising half the people of a
realistic programme and erasing one more: the seed's history (2012 to June 2017) with
one year closed, and a group of people whose files carry every kind of note."""

import datetime

import pytest
import time_machine

from parcours.demo.seed_history import build_seed_history
from parcours.funding.scope import Scope
from parcours.participants.models import Participant
from parcours.privacy.enums import ErasureReason
from parcours.privacy.selectors import files_due
from parcours.privacy.services import anonymise_inactive, erase_file
from parcours.privacy.tests.files import full_file
from parcours.programme.enums import ProcessType
from parcours.programme.factories import GroupFactory
from parcours.programme.models import Enrolment
from parcours.reporting.closing import close_year, differences, report_for_year
from parcours.reporting.figures import yearly_report

D = datetime.date
YEARS = range(2012, 2018)
CLOSED_YEAR = 2015
SCOPES = [Scope(), *(Scope(process_type=kind) for kind in ProcessType.values)]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0), tick=False):
        yield


def every_report(organisation) -> dict:
    """Each year's whole report (figures, counts, hours by domain, share of individual
    work) for the whole programme and each process, complete years and the seed's 2017
    "au 1/6"; and each year as a screen or a file shows it (frozen when closed)."""
    reports = {}
    for year in YEARS:
        for scope in SCOPES:
            for as_of in (D(year, 12, 31), D(year, 6, 1)):
                report = yearly_report(organisation, year=year, as_of=as_of, scope=scope)
                reports[(year, as_of, str(scope))] = report.as_json()
        reports[(year, "shown")] = report_for_year(organisation, year=year).as_json()
    return reports


@pytest.fixture
def programme(organisation, coordinator):
    build_seed_history(organisation)
    group = GroupFactory(
        organisation=organisation, start_date=D(2014, 9, 1), end_date=D(2015, 6, 26)
    )
    for number in range(1, 9):
        full_file(
            organisation,
            by=coordinator,
            group=group,
            number=number,
            start=D(2014, 9, 1),
            exit_date=D(2015, 6, 26) if number % 4 else D(2015, 2, 27),
            birth_date=D(1970 + number, (number * 5) % 12 + 1, 10 + number),
        )
    close_year(organisation, year=CLOSED_YEAR, by=coordinator)
    return organisation


def test_every_yearly_figure_is_the_same_after_anonymising_half_and_erasing_one(
    programme, coordinator
):
    before = every_report(programme)
    births = dict(Participant.objects.values_list("pk", "birth_date"))
    due = list(files_due(programme, inactive_before=D(2021, 3, 10)).values_list("pk", flat=True))
    assert len(due) > 150  # everyone but the people still in a group in June 2017
    half, others = due[::2], due[1::2]
    processing = anonymise_inactive(
        organisation=programme, inactive_before=D(2021, 3, 10), by=coordinator, only=half
    )
    erased = next(pk for pk in others if not Enrolment.objects.filter(participant=pk).open())
    erase_file(
        participant=Participant.objects.get(pk=erased), reason=ErasureReason.REQUEST, by=coordinator
    )

    assert processing.file_count == len(half)
    processed = Participant.objects.filter(anonymised_on__isnull=False)
    assert processed.count() == len(half) + 1
    assert set(processed.values_list("last_name", "first_name", "niss")) == {("", "", "")}
    # The birth dates did move (most to another day of the same year): ages kept on purpose.
    moved = [p for p, birth in processed.values_list("pk", "birth_date") if birth != births[p]]
    assert len(moved) > len(half) / 2
    assert all(
        birth.year == births[p].year for p, birth in processed.values_list("pk", "birth_date")
    )

    after = every_report(programme)
    assert after.keys() == before.keys()
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    frozen = report_for_year(programme, year=CLOSED_YEAR)
    live = yearly_report(programme, year=CLOSED_YEAR, as_of=D(CLOSED_YEAR, 12, 31))
    assert frozen.closing is not None
    assert differences(frozen, live) == []
