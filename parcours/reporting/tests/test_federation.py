import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from parcours.accounts.access import Capability, user_can
from parcours.accounts.factories import UserFactory
from parcours.accounts.models import Federation, User
from parcours.audit.models import AuditAction, AuditEvent
from parcours.participants.models import Participant
from parcours.reporting.disclosure import COUNT_COLUMNS, Masked
from parcours.reporting.federation import (
    TOTAL,
    federation_report,
    member_reports,
    summed_report,
)
from parcours.reporting.figures import yearly_figures
from parcours.reporting.tables import Column, Row, Table
from parcours.synthetic.federation import generate_federation

UNTIL = datetime.date(2026, 6, 15)
YEAR = UNTIL.year
PASSWORD = "a-long-synthetic-password"


@pytest.fixture
def fed(db):
    """Three synthetic CPAS of 40 people each in the federation "fed"; a CPAS of
    another federation beside them."""
    summary = generate_federation(
        slug="fed", organisations=3, participants=120, years=1, until=UNTIL, password=PASSWORD
    )
    generate_federation(
        slug="far", organisations=1, participants=30, years=1, until=UNTIL, password=PASSWORD
    )
    return summary


def _by_key(tables):
    return {table.key: table for table in tables}


def test_the_sums_are_the_members_figures_added(fed):
    report = federation_report(fed.federation, year=YEAR, as_of=UNTIL)
    members = [summary.organisation for summary in fed.members]
    figures = [yearly_figures(member, year=YEAR, as_of=UNTIL) for member in members]
    reports = member_reports(report.members, year=YEAR, as_of=UNTIL)

    total = summed_report(list(reports.values()), label="fed", year=YEAR, as_of=UNTIL)
    participants = sum(f["participants"] for f in figures)
    assert total.figures["participants"] == participants > 100
    assert total.figures["results"]["exits"] == sum(f["results"]["exits"] for f in figures)
    for key in ("total", "team", "educational"):
        assert total.figures["hours"][key] == pytest.approx(
            sum(f["hours"][key] for f in figures), abs=0.001
        )
    women = sum(r.counts["characteristics"]["women"] for r in reports.values())
    assert total.counts["characteristics"]["women"] == women
    # A percentage is computed again from the summed counts, never averaged.
    assert total.figures["characteristics"]["women_pct"] == pytest.approx(
        round(100 * women / participants, 1)
    )
    assert total.figures["characteristics"]["average_age"] is None
    for domain, rated in total.figures["improvement_n"].items():
        assert rated == sum(f["improvement_n"][domain] for f in figures)


def test_the_page_shows_the_members_only_never_a_person(client, fed):
    analyst = fed.analyst
    client.force_login(analyst)
    response = client.get(reverse("reporting:federation"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    for summary in fed.members:
        assert summary.organisation.name in html
    assert "far-001" not in html
    assert "(far" not in html
    for participant in Participant.objects.all():
        assert f"{participant.last_name} {participant.first_name}" not in html
        assert participant.reference not in html
    assert "/participants/" not in html
    assert "people/" not in html


def test_another_federations_cpas_is_no_choice(client, fed):
    client.force_login(fed.analyst)
    response = client.get(reverse("reporting:federation"), {"year": YEAR, "site": "far-001"})
    assert response.status_code == 400
    response = client.get(reverse("reporting:federation_csv"), {"year": YEAR, "site": "far-001"})
    assert response.status_code == 400


def test_one_cpas_beside_the_total(client, fed):
    client.force_login(fed.analyst)
    response = client.get(reverse("reporting:federation"), {"year": YEAR, "site": "fed-002"})
    assert response.status_code == 200
    report = response.context["report"]
    assert [member.slug for member in report.shown] == ["fed-002"]
    assert all(len(row.cells) == 2 for table in report.side_by_side for row in table.rows)


def test_each_read_is_in_every_members_trail(client, fed, django_capture_on_commit_callbacks):
    client.force_login(fed.analyst)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reporting:federation"), {"year": YEAR})
    reads = AuditEvent.objects.filter(actor=fed.analyst, action=AuditAction.VIEW)
    assert sorted(reads.values_list("organisation__slug", flat=True)) == [
        "fed-001",
        "fed-002",
        "fed-003",
    ]


def test_the_csv_holds_the_suppressed_tables(client, fed):
    client.force_login(fed.analyst)
    response = client.get(reverse("reporting:federation_csv"), {"year": YEAR})
    assert response.status_code == 200
    text = response.content.decode()
    header = text.splitlines()[0]
    assert header.count(";") == 3 + 3
    page = client.get(reverse("reporting:federation"), {"year": YEAR}).context["report"]
    masked = sum(
        isinstance(cell, Masked) for t in page.side_by_side for row in t.rows for cell in row.cells
    )
    assert text.count("< 5") + text.count("masqué") >= masked > 0


def test_small_cells_are_hidden_across_members(fed):
    report = federation_report(fed.federation, year=YEAR, as_of=UNTIL)
    checked = 0
    for table in report.side_by_side:
        columns = COUNT_COLUMNS.get(table.key, {})
        for row in table.rows:
            row_key, column_key = row.key.rsplit(":", 1)
            if column_key not in columns or row_key in columns[column_key]:
                continue
            checked += 1
            assert not any(isinstance(c, int) and 0 < c < 5 for c in row.cells), row.key
            # The total is the sum of the members: one hidden cell alone would be the
            # total minus the others.
            hidden = [cell for cell in row.cells if isinstance(cell, Masked)]
            assert len(hidden) != 1, (table.key, row.key, row.cells)
    assert checked > 20


def test_a_lone_hidden_member_hides_a_second_one():
    from parcours.reporting.disclosure import suppress_together

    def tables(count):
        return [
            Table(
                "dropout_reasons",
                "",
                "",
                [Column("label", "", "label"), Column("count", "")],
                [Row("health", {"label": "", "count": count})],
            )
        ]

    result = suppress_together({TOTAL: tables(23), "a": tables(3), "b": tables(20)}, total=TOTAL)
    cells = {site: each[0].rows[0].cells["count"] for site, each in result.items()}
    assert cells["a"] == Masked(primary=True)
    assert isinstance(cells["b"], Masked) or isinstance(cells[TOTAL], Masked)


def test_the_federation_page_reads_the_kept_reports(
    client, fed, database_tasks, django_assert_max_num_queries
):
    client.force_login(fed.analyst)
    url = reverse("reporting:federation")
    client.get(url, {"year": YEAR})  # computes and keeps every member's report
    # Warm: the session, the user, the federation and its members (form, versions),
    # the closings, one cache read, the queued trail task.
    with django_assert_max_num_queries(10):
        assert client.get(url, {"year": YEAR}).status_code == 200


def test_the_queries_do_not_grow_with_the_members(client, db, database_tasks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size, slug in ((2, "two"), (4, "four")):
        summary = generate_federation(
            slug=slug, organisations=size, participants=8 * size, years=1, until=UNTIL
        )
        client.force_login(summary.analyst)
        client.get(reverse("reporting:federation"), {"year": YEAR})
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("reporting:federation"), {"year": YEAR})
        counts.append(len(captured))
    # Kept reports: one cache read for all, the trail written by the worker.
    assert counts[1] == counts[0]


def test_the_analyst_is_of_no_organisation(fed):
    analyst = fed.analyst
    assert analyst.organisation is None
    assert analyst.federation == fed.federation
    assert user_can(analyst, Capability.VIEW_FEDERATION_FIGURES)
    assert not user_can(analyst, Capability.VIEW_FIGURES)
    assert not user_can(analyst, Capability.SIGNED_IN)
    coordinator = User.objects.get(username="fed-001-coordinator")
    assert not user_can(coordinator, Capability.VIEW_FEDERATION_FIGURES)


def test_the_database_refuses_an_analyst_of_a_cpas(fed):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError, match="analyst"):
        UserFactory(federation=fed.federation, role="social_worker")


def test_the_command_builds_a_federation(db, capsys):
    call_command(
        "generate_synthetic",
        "--organisation",
        "cmdfed",
        "--organisations",
        "2",
        "--participants",
        "21",
        "--years",
        "1",
        "--until",
        "2026-06-15",
        "--password",
        PASSWORD,
    )
    out = capsys.readouterr().out
    assert "cmdfed-001: 11 participants" in out
    assert "cmdfed-002: 10 participants" in out
    assert "analyst login: cmdfed-analyst" in out
    federation = Federation.objects.get(slug="cmdfed")
    assert sorted(federation.organisations.values_list("slug", flat=True)) == [
        "cmdfed-001",
        "cmdfed-002",
    ]
    assert Participant.objects.filter(organisation__federation=federation).count() == 21
    assert User.objects.get(username="cmdfed-002-coordinator").organisation.slug == "cmdfed-002"
    assert User.objects.get(username="cmdfed-analyst").check_password(PASSWORD)


def test_the_workbook_holds_the_suppressed_tables_as_values(client, fed):
    client.force_login(fed.analyst)
    response = client.get(reverse("reporting:federation_xlsx"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="federation-fed-{YEAR}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    page = client.get(reverse("reporting:federation"), {"year": YEAR}).context["report"]
    # French by default: the sheets and the headers are in the reader's language.
    assert workbook.sheetnames == ["Fédération"] + [t.title[:31] for t in page.side_by_side]
    members = [member.name for member in page.shown]
    values = []
    for table, sheet in zip(page.side_by_side, workbook.worksheets[1:], strict=True):
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1] == ("Chiffre", "Mesure", "Fédération", *members)
        assert len(rows) == 2 + len(table.rows)
        for row, line in zip(table.rows, rows[2:], strict=True):
            assert line[0] == row.label
            for cell, value in zip(row.cells, line[2:], strict=True):
                if isinstance(cell, Masked):
                    assert value == str(cell)
                elif row.kind == "pct" and cell is not None:
                    assert value == pytest.approx(cell / 100)  # a fraction, as 0.0 %
                else:
                    assert value == cell
                values.append(value)
    assert "< 5" in values
    assert any(isinstance(value, int) and value > 100 for value in values)
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)


def test_the_workbook_is_in_the_readers_language(client, fed):
    fed.analyst.language = "nl"
    fed.analyst.save(update_fields=["language"])
    client.force_login(fed.analyst)
    response = client.get(reverse("reporting:federation_xlsx"), {"year": YEAR})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Federatie"
    assert next(workbook.worksheets[1].iter_rows(min_row=2, values_only=True))[:3] == (
        "Cijfer",
        "Maat",
        "Federatie",
    )
