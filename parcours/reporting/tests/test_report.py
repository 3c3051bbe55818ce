"""The report around the figures: narrowing (scope), hours per domain and per funder,
individual and collective work, closing a year, and the files that must give the very
same figures as the JSON."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from parcours.assessments.enums import Moment
from parcours.audit.models import AuditEvent
from parcours.funding.enums import FunderKind
from parcours.funding.models import Funder, Grant, GroupCharge, SessionCharge
from parcours.funding.scope import Scope
from parcours.participants.factories import InterventionFactory
from parcours.programme.enums import ExitOutcome, ProcessType
from parcours.reporting.closing import (
    close_year,
    differences,
    reopen_year,
    report_for_year,
)
from parcours.reporting.exports import report_csv, report_xlsx
from parcours.reporting.figures import (
    DEFINITIONS_VERSION,
    Period,
    period_report,
    quarters_of,
    yearly_report,
)
from parcours.reporting.people import drilldown_keys, people_behind
from parcours.reporting.tables import report_tables
from parcours.reporting.tests.test_figures import _rate, enrol, group
from parcours.testing import (
    FROZEN_TODAY,
    csv_rows,
    local_float,
    report_csv_values,
    sheet_by_code,
)
from parcours.workshops.factories import SessionFactory, WorkshopFactory
from parcours.workshops.models import WorkshopDomain

D = datetime.date
START_2024, END_2024 = D(2024, 1, 1), D(2024, 12, 31)


def grant(organisation, name="FSE 2024", first=START_2024, last=END_2024, funder=None):
    funder = funder or Funder.objects.create(
        organisation=organisation, name=f"Funder of {name}", kind=FunderKind.ESF
    )
    return Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name=name,
        start_date=first,
        end_date=last,
        amount=Decimal("10000"),
    )


def two_hour_session(organisation, day, groups, **kwargs):
    return SessionFactory(
        organisation=organisation,
        date=day,
        start_time=datetime.time(13, 0),
        end_time=datetime.time(15, 0),
        groups=groups,
        **kwargs,
    )


@pytest.mark.django_db
def test_scope_by_group_and_process_type(organisation):
    remob = group(organisation)
    immersion = group(organisation)
    immersion.process_type = ProcessType.IMMERSION
    immersion.save()
    enrol(remob)
    enrol(remob)
    enrol(immersion)
    two_hour_session(organisation, D(2024, 2, 1), [remob, immersion])
    two_hour_session(organisation, D(2024, 2, 2), [immersion])
    whole = yearly_report(organisation, year=2024, as_of=END_2024)
    by_group = yearly_report(organisation, year=2024, as_of=END_2024, scope=Scope(group=remob))
    by_type = yearly_report(
        organisation,
        year=2024,
        as_of=END_2024,
        scope=Scope(process_type=ProcessType.IMMERSION),
    )
    assert whole.figures["participants"] == 3
    assert whole.figures["hours"]["total"] == 4.0
    assert by_group.figures["participants"] == 2
    # The shared session counts whole for each group's own report, once in each.
    assert by_group.figures["hours"]["total"] == 2.0
    assert by_type.figures["participants"] == 1
    assert by_type.figures["hours"]["total"] == 4.0
    assert by_group.figures["evolution"][-1]["participants"] == 2


@pytest.mark.django_db
def test_hours_charged_to_grants_are_never_counted_twice(organisation):
    a, b = group(organisation), group(organisation)
    esf, city = grant(organisation, "FSE"), grant(organisation, "SMGV")
    GroupCharge.objects.create(grant=esf, group=a, share=Decimal("100"))
    GroupCharge.objects.create(grant=city, group=b, share=Decimal("60"))
    shared = two_hour_session(organisation, D(2024, 3, 4), [a, b])
    two_hour_session(organisation, D(2024, 3, 5), [a])
    explicit = two_hour_session(organisation, D(2024, 3, 6), [a])
    SessionCharge.objects.create(grant=city, session=explicit, share=Decimal("25"))
    two_hour_session(organisation, D(2023, 12, 20), [a])  # before the year and the grants

    def hours(scope):
        return yearly_report(organisation, year=2024, as_of=END_2024, scope=scope).figures["hours"][
            "total"
        ]

    # The shared session is half a's (all to the ESF) and half b's (60 % to the city);
    # the explicit one goes 25 % to the city and nothing to the ESF, whatever a's charge.
    assert hours(Scope(grant=esf)) == 1.0 + 2.0
    assert hours(Scope(grant=city)) == 0.6 + 0.5
    assert hours(Scope(funder=esf.funder)) == 3.0
    total = yearly_report(organisation, year=2024, as_of=END_2024).figures["hours"]["total"]
    assert hours(Scope(grant=esf)) + hours(Scope(grant=city)) <= total
    assert shared.pk  # the shared session is the one split between a and b


@pytest.mark.django_db
def test_a_charge_counts_only_within_its_grant_period(organisation):
    a = group(organisation)
    spring = grant(organisation, "Spring", D(2024, 1, 1), D(2024, 3, 31))
    GroupCharge.objects.create(grant=spring, group=a, share=Decimal("100"))
    two_hour_session(organisation, D(2024, 3, 29), [a])
    two_hour_session(organisation, D(2024, 4, 2), [a])
    report = yearly_report(organisation, year=2024, as_of=END_2024, scope=Scope(grant=spring))
    assert report.figures["hours"]["total"] == 2.0


@pytest.mark.django_db
def test_participants_of_a_grant_are_those_of_its_groups(organisation):
    a, b = group(organisation), group(organisation)
    esf = grant(organisation)
    GroupCharge.objects.create(grant=esf, group=a, share=Decimal("50"))
    enrol(a)
    enrol(b)
    report = period_report(
        organisation,
        first=esf.start_date,
        last=esf.end_date,
        as_of=END_2024,
        scope=Scope(grant=esf),
    )
    assert report.figures["participants"] == 1
    assert report.figures["first"] == "2024-01-01"
    assert "evolution" not in report.figures


@pytest.mark.django_db
def test_domain_hours_count_a_session_in_each_domain_of_its_workshop(organisation):
    a = group(organisation)
    citizen = WorkshopFactory(organisation=organisation)
    WorkshopDomain.objects.create(workshop=citizen, domain="administrative")
    WorkshopDomain.objects.create(workshop=citizen, domain="social_cultural")
    two_hour_session(organisation, D(2024, 5, 6), [a], workshop=citizen)
    report = yearly_report(organisation, year=2024, as_of=END_2024)
    assert report.domain_hours["administrative"] == 2.0
    assert report.domain_hours["social_cultural"] == 2.0
    assert report.domain_hours["health"] == 0.0
    assert report.figures["hours"]["total"] == 2.0


@pytest.mark.django_db
def test_work_share_per_quarter(organisation, social_worker):
    a = group(organisation)
    person = enrol(a).participant
    two_hour_session(organisation, D(2024, 2, 5), [a])
    two_hour_session(organisation, D(2024, 2, 6), [a])
    two_hour_session(organisation, D(2024, 5, 6), [a])
    InterventionFactory(
        participant=person, author=social_worker, date=D(2024, 2, 20), duration_minutes=80
    )
    share = yearly_report(organisation, year=2024, as_of=D(2024, 6, 30)).work_share
    assert [row["quarter"] for row in share["quarters"]] == ["2024 Q1", "2024 Q2"]
    first = share["quarters"][0]
    assert first["individual_hours"] == 1.33
    assert first["collective_hours"] == 4.0
    assert first["individual_pct"] == 25.0
    assert first["collective_pct"] == 75.0
    assert share["total"]["collective_hours"] == 6.0


def test_quarters_of_a_period_across_years():
    period = Period(D(2024, 11, 15), D(2025, 2, 1), D(2025, 6, 1))
    assert quarters_of(period) == [D(2024, 10, 1), D(2025, 1, 1)]


@pytest.mark.django_db
def test_drilldown_lists_as_many_people_as_each_count(organisation):
    g = group(organisation)
    enrol(g, gender="M", birth_country="MA")
    enrol(g, gender="F", birth_country="BE")
    done = enrol(g, exit_date=D(2024, 9, 30), outcome=ExitOutcome.SOCIAL_PROJECT, gender="F")
    _rate(done, Moment.ENTRY, housing=2)
    _rate(done, Moment.END, housing=3)
    enrol(g, exit_date=D(2024, 9, 30), outcome=ExitOutcome.DROPOUT, detail="")
    report = yearly_report(organisation, year=2024, as_of=END_2024)
    period = Period.of_year(2024, END_2024)
    for table in report_tables(report):
        for row in table.rows:
            for column, key in row.drilldown.items():
                assert key in drilldown_keys()
                people = people_behind(organisation, key, period, Scope())
                assert people.count() == row.cells[column], (table.key, row.key, column)
    assert people_behind(organisation, "nonsense", period, Scope()) is None
    dropouts = people_behind(organisation, "dropout:other", period, Scope())
    assert dropouts.count() == 1  # a dropout without reason counts as "other"


@pytest.mark.django_db
def test_csv_xlsx_and_json_give_the_same_figures(organisation):
    g = group(organisation)
    enrol(g, gender="M", birth_country="MA")
    enrol(g, exit_date=D(2024, 6, 30), outcome=ExitOutcome.DROPOUT, detail="health")
    two_hour_session(organisation, D(2024, 3, 4), [g])
    report = yearly_report(organisation, year=2024, as_of=END_2024)
    figures = report.figures
    from_csv = report_csv_values(report_csv(report))
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    for table in report_tables(report):
        sheet = sheet_by_code(workbook, table.key)
        assert sheet.title == table.title[:31]
        values = list(sheet.iter_rows(min_row=3, values_only=True))
        for row, cells in zip(table.rows, values, strict=True):
            for column, cell in zip(table.columns, cells, strict=True):
                value = row.cells.get(column.key)
                if column.kind == "label":
                    continue
                # A percentage is a fraction in the workbook: 12.5 % is 0.125.
                stored = value / 100 if column.kind == "pct" and value is not None else value
                assert cell == pytest.approx(stored), (table.key, row.key, column.key)
                assert local_float(from_csv[(table.key, row.key, column.key)]) == value
    tables = {table.key: table for table in report_tables(report)}
    assert tables["characteristics"].cell("men", "pct") == figures["characteristics"]["men_pct"]
    assert tables["results"].cell("dropout", "pct") == figures["results"]["dropout_pct"]
    assert tables["hours"].cell("total", "hours") == figures["hours"]["total"]
    assert tables["evolution"].cell("2024", "participants") == figures["participants"]
    assert isinstance(sheet_by_code(workbook, "hours")["B3"].value, float | int)
    pct = sheet_by_code(workbook, "characteristics")["C4"]
    assert pct.number_format == "0.0%"


@pytest.mark.django_db
def test_the_csv_opens_in_a_french_or_dutch_spreadsheet(organisation):
    g = group(organisation)
    enrol(g, gender="M")
    enrol(g, gender="F")
    enrol(g, gender="F")
    report = yearly_report(organisation, year=2024, as_of=END_2024)
    men_pct = report.figures["characteristics"]["men_pct"]
    assert men_pct % 1  # a figure with decimals: 33.3 %
    with translation.override("fr"):
        french = report_csv(report)
    with translation.override("en"):
        english = report_csv(report)
    assert french.startswith("\ufeffTableau;Ligne;Colonne;Libellé;Valeur\r\n")
    assert english.startswith("\ufeffTable;Row;Column;Label;Value\r\n")
    key = ("characteristics", "men", "pct")
    assert report_csv_values(french)[key] == str(men_pct).replace(".", ",")
    assert report_csv_values(english)[key] == str(men_pct)


@pytest.mark.django_db
def test_command_writes_csv_and_xlsx(organisation, tmp_path, capsys):
    enrol(group(organisation))
    call_command("annual_report", "--organisation=test", "--year=2024", "--format=csv")
    rows = csv_rows(capsys.readouterr().out)
    assert rows[0] == ["Tableau", "Ligne", "Colonne", "Libellé", "Valeur"]
    assert rows[1][:3] == ["characteristics", "participants", "count"]
    assert rows[1][4] == "1"
    output = tmp_path / "report.xlsx"
    call_command(
        "annual_report", "--organisation=test", "--year=2024", "--format=xlsx", f"--output={output}"
    )
    assert sheet_by_code(load_workbook(output), "characteristics")["B3"].value == 1


@pytest.mark.django_db
def test_command_narrows_to_a_group_or_a_funder(organisation, capsys):
    a, b = group(organisation), group(organisation)
    enrol(a)
    enrol(b)
    esf = grant(organisation)
    GroupCharge.objects.create(grant=esf, group=b, share=Decimal("100"))
    call_command("annual_report", "--organisation=test", "--year=2024", f"--group={a.name}")
    assert json.loads(capsys.readouterr().out)["participants"] == 1
    call_command(
        "annual_report", "--organisation=test", "--year=2024", f"--funder={esf.funder.name}"
    )
    assert json.loads(capsys.readouterr().out)["participants"] == 1
    with pytest.raises(CommandError, match="No group named"):
        call_command("annual_report", "--organisation=test", "--year=2024", "--group=Nope")


@pytest.fixture
def past_year(organisation):
    g = group(organisation)
    enrol(g)
    return g


@pytest.mark.django_db
def test_closed_year_keeps_its_figures(organisation, coordinator, past_year, tmp_path):
    closing = close_year(organisation, year=2024, by=coordinator)
    assert closing.definitions_version == DEFINITIONS_VERSION
    enrol(past_year)  # a record added later
    frozen = report_for_year(organisation, year=2024)
    live = yearly_report(organisation, year=2024, as_of=END_2024)
    assert frozen.closing == closing
    assert frozen.figures["participants"] == 1
    assert live.figures["participants"] == 2
    assert "participants" in differences(frozen, live)
    assert "evolution" in differences(frozen, live)
    # Narrowed reports and other dates are computed from the records.
    narrowed = report_for_year(organisation, year=2024, scope=Scope(group=past_year))
    assert narrowed.closing is None
    # The files of a closed year are those of the frozen figures.
    output = tmp_path / "closed.json"
    call_command("annual_report", "--organisation=test", "--year=2024", f"--output={output}")
    assert json.loads(output.read_text())["participants"] == 1
    assert AuditEvent.objects.filter(record_type="reporting.yearclosing").count() == 1


@pytest.mark.django_db
@translation.override("en")
def test_closing_rules_and_reopening(frozen_today, organisation, coordinator, past_year):
    with pytest.raises(ValidationError, match="over"):
        close_year(organisation, year=FROZEN_TODAY.year, by=coordinator)
    closing = close_year(organisation, year=2024, by=coordinator)
    with pytest.raises(ValidationError, match="already closed"):
        close_year(organisation, year=2024, by=coordinator)
    with pytest.raises(ValidationError, match="Say why the year is re-opened"):
        reopen_year(closing, by=coordinator, reason="")
    reopen_year(closing, by=coordinator, reason="Erreur de date de sortie corrigée")
    closing.refresh_from_db()
    assert closing.reopened_by == coordinator
    assert report_for_year(organisation, year=2024).closing is None
    events = AuditEvent.objects.filter(record_type="reporting.yearclosing", action="update")
    assert events.get().changes["reopen_reason"]["after"] == "Erreur de date de sortie corrigée"
    # Closed again later: a second closing row, the first one kept.
    close_year(organisation, year=2024, by=coordinator)
    assert closing.__class__.objects.filter(organisation=organisation, year=2024).count() == 2


@pytest.mark.django_db
def test_a_report_is_kept_until_the_records_change(organisation, coordinator, past_year):
    from parcours.audit.models import AuditPurpose
    from parcours.audit.services import create_record, record_opened
    from parcours.participants.factories import ParticipantFactory
    from parcours.programme.models import Enrolment

    first = report_for_year(organisation, year=2024, as_of=END_2024)
    enrol(past_year)  # written without the trail: the cached report is served again
    assert report_for_year(organisation, year=2024, as_of=END_2024) == first
    record_opened(obj=past_year, by=coordinator, purpose=AuditPurpose.REPORT)  # changes nothing
    assert report_for_year(organisation, year=2024, as_of=END_2024).figures["participants"] == 1
    person = ParticipantFactory(organisation=organisation)
    create_record(
        obj=Enrolment(participant=person, group=past_year, start_date=past_year.start_date),
        by=coordinator,
    )
    assert report_for_year(organisation, year=2024, as_of=END_2024).figures["participants"] == 3
    narrowed = report_for_year(
        organisation, year=2024, as_of=END_2024, scope=Scope(group=past_year)
    )
    assert narrowed.figures["participants"] == 3
