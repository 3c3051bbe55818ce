"""Small-cell suppression in the funder's files, and the people left out of the lists
for their withdrawn consent to reporting."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parcours.core.domains import Domain
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.participants.enums import ConsentPurpose
from parcours.participants.factories import ConsentFactory
from parcours.participants.models import Participant
from parcours.programme.enums import ExitOutcome
from parcours.reporting.disclosure import Masked, _lines, suppress_small_cells
from parcours.reporting.figures import yearly_report
from parcours.reporting.tables import report_tables
from parcours.reporting.tests.test_views import PEOPLE, YEAR, _query, build_year
from parcours.testing import report_csv_values, sheet_by_code

pytestmark = pytest.mark.django_db


def _tables(organisation):
    report = yearly_report(organisation, year=YEAR, as_of=datetime.date(YEAR, 12, 31))
    return report_tables(report)


def _cells(tables):
    return {
        (table.key, row.key, key): value
        for table in tables
        for row in table.rows
        for key, value in row.cells.items()
    }


@pytest.fixture
def twelve(organisation):
    # 12 people: 4 men, 8 women; exits: 3 dropouts, 3 social and 2 professional
    # projects, 2 extensions (10 exits, 7 completed, rated in health and family).
    return build_year(organisation, people=12)


def test_small_counts_are_hidden_with_their_complements(organisation, twelve):
    tables = _tables(organisation)
    before, after = _cells(tables), _cells(suppress_small_cells(tables))
    assert before[("characteristics", "men", "count")] == 4
    assert after[("characteristics", "men", "count")] == Masked(primary=True)
    assert str(after[("characteristics", "men", "count")]) == "< 5"
    # 12 - 4 would give the women back: the smallest other non-zero part is hidden.
    assert after[("characteristics", "women", "count")] == Masked(primary=False)
    assert after[("characteristics", "x", "count")] == 0
    assert after[("characteristics", "participants", "count")] == 12
    for key in ("men", "women"):
        assert isinstance(after[("characteristics", key, "pct")], Masked)
    for outcome in (ExitOutcome.DROPOUT, ExitOutcome.SOCIAL_PROJECT, ExitOutcome.EXTENSION):
        assert after[("results", outcome.value, "count")] == Masked(primary=True)
        assert isinstance(after[("results", outcome.value, "pct")], Masked)
    assert after[("results", "exits", "count")] == 10
    # Rated + not rated = exits - dropouts: with the dropouts hidden, one of them goes too.
    health = [after[("improvement", Domain.HEALTH, key)] for key in ("rated", "not_rated")]
    assert health == [Masked(primary=False), 0]
    assert after[("improvement", Domain.HEALTH, "improved")] == Masked(primary=True)
    assert isinstance(after[("improvement", Domain.HEALTH, "improvement_pct")], Masked)
    # Hours are no count of people.
    assert after[("hours", "total", "hours")] == before[("hours", "total", "hours")]


def test_no_line_is_left_with_a_single_hidden_cell(organisation, twelve):
    tables = suppress_small_cells(_tables(organisation))
    cells = _cells(tables)
    for parts, total in _lines({table.key: table for table in tables}):
        hidden = [ref for ref in [*parts, total] if isinstance(cells.get(ref), Masked)]
        assert len(hidden) != 1, (parts, total, hidden)


def test_a_programme_with_big_counts_hides_nothing(organisation):
    build_year(organisation, people=60)
    tables = _tables(organisation)
    suppressed = _cells(suppress_small_cells(tables))
    small = {
        ref
        for ref, value in _cells(tables).items()
        if isinstance(value, int) and 0 < value < 5 and ref[2] != "hours"
    }
    assert {ref for ref, value in suppressed.items() if isinstance(value, Masked)} >= small
    assert suppressed[("characteristics", "participants", "count")] == 60


@pytest.fixture
def funder(organisation, twelve):
    funder = Funder.objects.create(organisation=organisation, name="ESF", kind="esf")
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="ESF",
        start_date=datetime.date(YEAR, 1, 1),
        end_date=datetime.date(YEAR, 12, 31),
        amount=1000,
    )
    GroupCharge.objects.create(grant=grant, group=twelve, share=100)
    return funder


def test_the_funders_files_hide_small_counts_the_coordinators_do_not(client, coordinator, funder):
    client.force_login(coordinator)
    own = report_csv_values(client.get(reverse("reporting:report_csv") + _query(year=YEAR)).content)
    assert own[("characteristics", "men", "count")] == "4"
    query = _query(year=YEAR, funder=funder.pk)
    theirs = report_csv_values(client.get(reverse("reporting:report_csv") + query).content)
    assert theirs[("characteristics", "men", "count")] == "< 5"
    assert theirs[("characteristics", "women", "count")] == "masqué"
    book = load_workbook(io.BytesIO(client.get(reverse("reporting:report_xlsx") + query).content))
    rows = {
        row[0].value: row[1].value for row in sheet_by_code(book, "characteristics").iter_rows(3)
    }
    assert (rows["Hommes"], rows["Femmes"]) == ("< 5", "masqué")
    # The page itself is the coordinator's: every figure, with its drill-down.
    page = client.get(reverse("reporting:report") + query)
    assert "&lt; 5" not in page.content.decode()


def _withdraw(participant):
    ConsentFactory(
        participant=participant,
        purpose=ConsentPurpose.REPORTING,
        given_on=datetime.date(YEAR, 1, 2),
        withdrawn_on=datetime.date(YEAR, 3, 1),
    )


def test_the_drill_down_leaves_out_who_withdrew_their_consent(client, coordinator, twelve):
    gone = Participant.objects.filter(enrolments__group=twelve).order_by("pk")
    _withdraw(gone[0])
    _withdraw(gone[1])
    ConsentFactory(participant=gone[2], purpose=ConsentPurpose.REPORTING)  # in force
    client.force_login(coordinator)
    response = client.get(PEOPLE + _query(key="participants", year=YEAR))
    listed = {person.pk for person in response.context["page"].object_list}
    assert len(listed) == 10
    assert gone[0].pk not in listed
    assert gone[2].pk in listed
    assert "2 personnes sont écartées car elles ont retiré leur consentement au rapportage." in (
        response.content.decode()
    )
    exits = client.get(PEOPLE + _query(key="exits", year=YEAR))
    assert all(
        exit.participant_id not in (gone[0].pk, gone[1].pk)
        for exit in exits.context["page"].object_list
    )
    # The anonymous figure is the same.
    figures = client.get(reverse("reporting:report_json") + _query(year=YEAR)).json()
    assert figures["participants"] == 12
