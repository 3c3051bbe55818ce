"""The report's screens: access per role, the page and its files give the same figures,
the drill-down lists as many rows as its count, closing and re-opening a year."""

import datetime
import io
import json
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.urls import reverse

from parcours.assessments.enums import Moment
from parcours.assessments.factories import AssessmentFactory, DomainRatingFactory
from parcours.audit.models import AuditEvent
from parcours.audit.services import create_record
from parcours.core.domains import Domain
from parcours.funding.enums import FunderKind
from parcours.funding.models import Funder
from parcours.participants.factories import ParticipantFactory
from parcours.programme.enums import ExitOutcome
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.programme.models import Enrolment
from parcours.reporting.closing import close_year, report_for_year
from parcours.reporting.models import YearClosing
from parcours.reporting.tables import report_tables
from parcours.testing import (
    FROZEN_TODAY,
    assert_bounded_queries,
    local_float,
    report_csv_values,
    sheet_by_code,
)
from parcours.workshops.factories import SessionFactory

D = datetime.date
# The clock is stopped: the year is the same whatever the day of the run.
pytestmark = pytest.mark.usefixtures("frozen_today")
YEAR = FROZEN_TODAY.year - 1  # a finished year, so that it can be closed
REPORT = reverse("reporting:report")
PEOPLE = reverse("reporting:people")


def _rate(enrolment, moment, ratings):
    assessment = AssessmentFactory(enrolment=enrolment, moment=moment, date=enrolment.start_date)
    for domain, rating in ratings.items():
        DomainRatingFactory(assessment=assessment, domain=domain, rating=rating)


def build_year(organisation, *, people=6, year=YEAR):
    """A small programme: one group, ``people`` participants, exits of every outcome, some
    rated, and a few sessions."""
    group = GroupFactory(
        organisation=organisation, start_date=D(year, 1, 8), end_date=D(year, 10, 31)
    )
    outcomes = [
        ExitOutcome.DROPOUT,
        ExitOutcome.SOCIAL_PROJECT,
        ExitOutcome.PROFESSIONAL_PROJECT,
        ExitOutcome.EXTENSION,
        "",  # still enrolled
    ]
    for index in range(people):
        outcome = outcomes[index % len(outcomes)]
        enrolment = EnrolmentFactory(
            group=group,
            participant=ParticipantFactory(
                organisation=organisation, gender="F" if index % 3 else "M"
            ),
            start_date=group.start_date,
            exit_date=D(year, 10, 31) if outcome else None,
            outcome=outcome,
            outcome_detail="health" if outcome == ExitOutcome.DROPOUT else "",
        )
        if outcome and outcome != ExitOutcome.DROPOUT:
            _rate(enrolment, Moment.ENTRY, {Domain.HEALTH: 2, Domain.FAMILY: 3})
            _rate(enrolment, Moment.END, {Domain.HEALTH: 2 + index % 2, Domain.FAMILY: 2})
    for month in (2, 5, 9):
        SessionFactory(organisation=organisation, date=D(year, month, 3), groups=[group])
    return group


@pytest.fixture
def programme(organisation):
    return build_year(organisation)


def _query(**params):
    return "?" + "&".join(f"{key}={value}" for key, value in params.items())


# -- Reading the page --------------------------------------------------------------------------


class CellParser(HTMLParser):
    """The text of every element carrying ``data-cell``, and the links inside them."""

    def __init__(self):
        super().__init__()
        self.cells, self.links = {}, {}
        self._stack = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-cell" in attrs:
            self._stack.append([attrs["data-cell"], tag, ""])
        elif tag == "a" and self._stack:
            self.links[self._stack[-1][0]] = attrs["href"]

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1][1] == tag:
            ref, _tag, text = self._stack.pop()
            self.cells.setdefault(ref, re.sub(r"[ \t\r\n]+", " ", text).strip())

    def handle_data(self, data):
        if self._stack:
            self._stack[-1][2] += data


def parse_cells(html):
    parser = CellParser()
    parser.feed(html)
    return parser.cells, parser.links


def read_number(text):
    """ "1 275,00" → 1275.0, "41,7 %" → 41.7, a dash → None."""
    text = text.replace("\u00a0%", "").replace("\u202f", "").replace("\u00a0", "").strip()
    if text == "\u2013":
        return None
    return float(text.replace(",", "."))


def table_values(report):
    """Every figure of ``report_tables``: ref -> value (labels left out)."""
    values = {}
    for table in report_tables(report):
        for row in table.rows:
            for column in table.columns:
                if column.kind != "label":
                    values[f"{table.key}:{row.key}:{column.key}"] = row.cells.get(column.key)
    return values


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


# -- Access ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "social_worker"])
def test_casework_sees_drill_down_links(client, personas, programme, role):
    client.force_login(personas[role])
    response = client.get(REPORT + _query(year=YEAR))
    assert response.status_code == 200
    _cells, links = parse_cells(response.content.decode())
    assert "characteristics:participants:count" in links
    assert "results:exits:count" in links


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["viewer", "workshop_leader"])
def test_viewer_and_leader_see_figures_without_drill_down(client, personas, programme, role):
    client.force_login(personas[role])
    response = client.get(REPORT + _query(year=YEAR))
    assert response.status_code == 200
    html = response.content.decode()
    cells, links = parse_cells(html)
    assert read_number(cells["characteristics:participants:count"]) == 6
    assert links == {}
    assert PEOPLE not in html
    # And the list itself is refused.
    assert client.get(PEOPLE + _query(key="participants", year=YEAR)).status_code == 403


@pytest.mark.django_db
def test_only_the_coordinator_may_close_or_reopen(client, personas, programme):
    for role in ("social_worker", "workshop_leader", "viewer"):
        client.force_login(personas[role])
        response = client.post(reverse("reporting:close_year"), {"year": YEAR})
        assert response.status_code == 403
    assert not YearClosing.objects.exists()


@pytest.mark.django_db
def test_other_organisations_group_and_funder_are_rejected(
    client, coordinator, programme, other_organisation
):
    foreign_group = GroupFactory(organisation=other_organisation)
    foreign_funder = Funder.objects.create(
        organisation=other_organisation, name="FSE", kind=FunderKind.ESF
    )
    client.force_login(coordinator)
    for params in ({"group": foreign_group.pk}, {"funder": foreign_funder.pk}):
        response = client.get(REPORT + _query(year=YEAR, **params))
        assert response.status_code == 400
        assert "report" not in response.context or response.context["report"] is None
        assert response.context["form"].errors
        json_response = client.get(reverse("reporting:report_json") + _query(year=YEAR, **params))
        assert json_response.status_code == 400
        people = client.get(PEOPLE + _query(key="participants", year=YEAR, **params))
        assert people.status_code == 400


@pytest.mark.django_db
def test_own_group_narrows_the_report(client, coordinator, programme, organisation):
    other = build_year(organisation, people=2)
    client.force_login(coordinator)
    response = client.get(REPORT + _query(year=YEAR, group=other.pk))
    assert response.status_code == 200
    cells, _links = parse_cells(response.content.decode())
    assert read_number(cells["characteristics:participants:count"]) == 2
    assert other.name in response.content.decode()


@pytest.mark.django_db
def test_unknown_drill_down_key_is_not_found(client, coordinator, programme):
    client.force_login(coordinator)
    assert client.get(PEOPLE + _query(key="nonsense", year=YEAR)).status_code == 404
    assert client.get(PEOPLE + _query(key="rated:nowhere", year=YEAR)).status_code == 404


# -- Same figures everywhere -------------------------------------------------------------------


@pytest.mark.django_db
def test_every_number_on_the_page_is_the_tables_and_the_json(client, coordinator, programme):
    client.force_login(coordinator)
    response = client.get(REPORT + _query(year=YEAR))
    cells, _links = parse_cells(response.content.decode())
    report = report_for_year(coordinator.organisation, year=YEAR, as_of=D(YEAR, 12, 31))
    expected = table_values(report)
    shown = {ref: text for ref, text in cells.items() if ref in expected}
    assert set(shown) == set(expected)  # every figure of the tables is on the page
    for ref, text in shown.items():
        assert _close(read_number(text), expected[ref]), (ref, text, expected[ref])
    figures = json.loads(client.get(reverse("reporting:report_json") + _query(year=YEAR)).content)
    assert figures == report.figures
    assert read_number(cells["characteristics:participants:count"]) == figures["participants"]
    assert read_number(cells["results:exits:count"]) == figures["results"]["exits"] == 5
    assert read_number(cells["results:dropout:pct"]) == figures["results"]["dropout_pct"] == 40.0
    # Health: three completed exits rated at both moments, two improved.
    assert read_number(cells["improvement:health:improvement_pct"]) == 66.7
    assert read_number(cells["hours:total:hours"]) == figures["hours"]["total"] == 9.0


@pytest.mark.django_db
def test_french_formats_on_the_page(client, coordinator, programme):
    client.force_login(coordinator)
    html = client.get(REPORT + _query(year=YEAR)).content.decode()
    cells, _links = parse_cells(html)
    assert cells["results:dropout:pct"] == "40,0\u00a0%"
    assert cells["hours:total:hours"] == "9,00"
    assert cells["characteristics:participants:pct"] == "\u2013"


@pytest.mark.django_db
def test_downloads_give_the_json_figures(client, coordinator, programme):
    client.force_login(coordinator)
    query = _query(year=YEAR)
    json_response = client.get(reverse("reporting:report_json") + query)
    assert json_response["Content-Disposition"] == f'attachment; filename="rapport-{YEAR}.json"'
    figures = json.loads(json_response.content)
    report = report_for_year(coordinator.organisation, year=YEAR, as_of=D(YEAR, 12, 31))
    assert figures == report.figures
    expected = table_values(report)

    csv_response = client.get(reverse("reporting:report_csv") + query)
    assert csv_response["Content-Disposition"] == f'attachment; filename="rapport-{YEAR}.csv"'
    from_csv = {
        ":".join(key): local_float(value)
        for key, value in report_csv_values(csv_response.content).items()
    }
    assert set(from_csv) == set(expected)
    for ref, value in from_csv.items():
        assert _close(value, expected[ref]), ref
    assert from_csv["characteristics:participants:count"] == figures["participants"]
    assert from_csv["results:dropout:pct"] == figures["results"]["dropout_pct"]
    assert from_csv["hours:total:hours"] == figures["hours"]["total"]

    xlsx_response = client.get(reverse("reporting:report_xlsx") + query)
    assert xlsx_response["Content-Disposition"] == f'attachment; filename="rapport-{YEAR}.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_response.content))
    # Each table's sheet, found by its code name, holds that table's figures row by row
    # (a percentage as a fraction with the percent format).
    for table in report_tables(report):
        sheet = sheet_by_code(workbook, table.key)
        lines = list(sheet.iter_rows(min_row=3))
        assert len(lines) == len(table.rows), table.key
        for row, cells in zip(table.rows, lines, strict=True):
            for column, cell in zip(table.columns, cells, strict=True):
                value = row.cells.get(column.key)
                if column.kind == "label" or value is None:
                    continue
                assert isinstance(cell.value, int | float), (table.key, row.key, column.key)
                if column.kind == "pct":
                    assert cell.number_format == "0.0%"
                    value = value / 100
                assert _close(cell.value, value), (table.key, row.key, column.key)


@pytest.mark.django_db
def test_download_names_tell_year_date_and_scope(client, coordinator, programme):
    client.force_login(coordinator)
    response = client.get(
        reverse("reporting:report_csv")
        + _query(year=YEAR, as_of=f"{YEAR}-06-30", group=programme.pk)
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="rapport-{YEAR}-{YEAR}-06-30-')
    assert disposition.endswith('.csv"')


# -- Drill-down --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ref",
    [
        "characteristics:participants:count",
        "characteristics:women:count",
        "results:exits:count",
        "results:dropout:count",
        "dropout_reasons:health:count",
        "improvement:health:rated",
        "improvement:health:improved",
        "improvement:family:deteriorated",
    ],
)
def test_drill_down_lists_as_many_rows_as_its_count(client, coordinator, programme, ref):
    client.force_login(coordinator)
    cells, links = parse_cells(client.get(REPORT + _query(year=YEAR)).content.decode())
    count = int(read_number(cells[ref]))
    assert count > 0
    response = client.get(links[ref].replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    rows = re.findall(r'<tr>\s*<th scope="row"><a href="/participants/', response.content.decode())
    assert len(rows) == count


@pytest.mark.django_db
def test_drill_down_is_paginated_and_bounded(client, coordinator, organisation):
    build_year(organisation, people=3)
    client.force_login(coordinator)
    url = PEOPLE + _query(key="participants", year=YEAR)

    def grow():
        build_year(organisation, people=60)

    # Session and user, the closing in force (the year is over), the people left out for
    # their withdrawn consent, the count, one page; the audit row of the reading (chain
    # head locked and moved, the row: it names no one).
    assert_bounded_queries(client, url, grow=grow, expected=9)
    response = client.get(url)
    assert response.context["page"].paginator.count == 63
    assert len(response.context["page"].object_list) == 50
    exits = client.get(PEOPLE + _query(key="exits", year=YEAR, page=2))
    assert exits.status_code == 200


# -- Bounded queries ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_page_does_a_fixed_number_of_queries(client, coordinator, organisation):
    build_year(organisation, people=2)
    client.force_login(coordinator)

    def grow():
        build_year(organisation, people=40)

    url = REPORT + _query(year=YEAR)
    client.get(url)
    from parcours.testing import count_queries

    expected = count_queries(client, url)
    assert_bounded_queries(client, url, grow=grow, expected=expected)
    assert expected <= 40


# -- Closing and re-opening --------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_freezes_the_figures_and_notes_the_differences(client, coordinator, programme):
    client.force_login(coordinator)
    page = client.get(REPORT + _query(year=YEAR)).content.decode()
    assert reverse("reporting:close_year") in page
    response = client.post(reverse("reporting:close_year"), {"year": YEAR}, follow=True)
    assert response.status_code == 200
    closing = YearClosing.objects.in_force().get()
    assert closing.year == YEAR
    assert closing.closed_by == coordinator
    html = response.content.decode()
    assert "Clôturée" in html or closing.definitions_version in html

    # A record changes after the closing: one more participant in the closed year,
    # written as the application writes (through the audit trail, which also tells the
    # report cache that the records changed).
    create_record(
        obj=Enrolment(
            group=programme,
            participant=ParticipantFactory(organisation=programme.organisation),
            start_date=programme.start_date,
        ),
        by=coordinator,
    )
    response = client.get(REPORT + _query(year=YEAR))
    html = response.content.decode()
    cells, _links = parse_cells(html)
    assert read_number(cells["characteristics:participants:count"]) == 6  # frozen
    assert response.context["changes"]
    assert any(
        change["label"] == "Participants of the year" or change["detail"] == ""
        for change in response.context["changes"]
    )
    assert "report-changes" in html
    assert closing.definitions_version in html
    # The files give the frozen figures too.
    figures = json.loads(client.get(reverse("reporting:report_json") + _query(year=YEAR)).content)
    assert figures["participants"] == 6
    frozen = report_csv_values(
        client.get(reverse("reporting:report_csv") + _query(year=YEAR)).content
    )
    assert frozen[("characteristics", "participants", "count")] == "6"
    # Closing twice is refused with a message.
    response = client.post(reverse("reporting:close_year"), {"year": YEAR}, follow=True)
    assert YearClosing.objects.count() == 1
    assert list(response.context["messages"])


@pytest.mark.django_db
def test_the_current_year_cannot_be_closed(client, coordinator, organisation):
    client.force_login(coordinator)
    this_year = FROZEN_TODAY.year
    page = client.get(REPORT).content.decode()
    assert reverse("reporting:close_year") not in page
    client.post(reverse("reporting:close_year"), {"year": this_year})
    assert not YearClosing.objects.exists()


@pytest.mark.django_db
def test_reopening_needs_a_reason_and_is_audited(client, coordinator, programme):
    closing = close_year(coordinator.organisation, year=YEAR, by=coordinator)
    client.force_login(coordinator)
    url = reverse("reporting:reopen_year", kwargs={"year": YEAR})
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    closing.refresh_from_db()
    assert closing.reopened_at is None

    response = client.post(url, {"reason": "Une sortie encodée en retard."})
    assert response.status_code == 302
    closing.refresh_from_db()
    assert closing.reopened_by == coordinator
    assert closing.reopen_reason == "Une sortie encodée en retard."
    event = AuditEvent.objects.filter(record_id=str(closing.pk), action="update").get()
    assert event.actor == coordinator
    # Re-opened: the figures follow the records again, and there is nothing to re-open.
    assert client.get(url).status_code == 404
    page = client.get(REPORT + _query(year=YEAR))
    assert page.context["closing"] is None


@pytest.mark.django_db
def test_closed_year_narrowed_is_live_and_says_so(client, coordinator, programme):
    close_year(coordinator.organisation, year=YEAR, by=coordinator)
    client.force_login(coordinator)
    response = client.get(REPORT + _query(year=YEAR, group=programme.pk))
    assert response.context["closing"] is None
    assert response.context["closing_of_year"] is not None
