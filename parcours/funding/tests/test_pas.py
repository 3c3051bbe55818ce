"""The PAS subsidy: the budget per part, the expense ledger's rules, the collective
modules from the sessions and attendance, and the yearly justification in its three
formats."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parcours.attendance.models import Attendance
from parcours.audit.models import AuditAction, AuditEvent
from parcours.audit.versions import StaleVersion
from parcours.funding.expenses import expense_delete, expense_save, pas_budget_save
from parcours.funding.models import Expense, Funder, Grant, GroupCharge
from parcours.funding.services import save_grant
from parcours.participants.factories import ParticipantFactory
from parcours.programme.factories import GroupFactory
from parcours.reporting.pas_report import COLUMNS, build_pas_report, columns_of
from parcours.testing import assert_bounded_queries, pdf_text
from parcours.workshops.factories import SessionFactory

AS_OF = datetime.date(2026, 12, 31)
DAY = datetime.date(2026, 3, 3)


def _pas_grant(organisation, by, *, name="PAS 2026", a="6000", b="3000", c="1000"):
    funder, _created = Funder.objects.get_or_create(
        organisation=organisation, name="SPP Intégration sociale", defaults={"kind": "pas"}
    )
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name=name,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal(a) + Decimal(b) + Decimal(c),
    )
    pas_budget_save(
        grant=grant, by=by, amount_a=Decimal(a), amount_b=Decimal(b), amount_c=Decimal(c)
    )
    return grant


def _supported(organisation, **fields):
    return ParticipantFactory(
        organisation=organisation,
        cpas_proof_kind="integration_income",
        cpas_proof_date=datetime.date(2026, 1, 10),
        **fields,
    )


def _expense(grant, by, *, used_over_a_year=False, **fields):
    values = {
        "date": DAY,
        "part": "A",
        "category": "activities",
        "amount": Decimal("50"),
        "activity": "Sortie au musée",
        "proof_reference": f"F-{Expense.objects.count() + 1}",
        "proof_total": fields.get("amount", Decimal("50")),
    }
    values.update(fields)
    expense = Expense(organisation_id=grant.organisation_id, grant=grant, **values)
    return expense_save(expense=expense, by=by, used_over_a_year=used_over_a_year)


@pytest.fixture(autouse=True)
def _english():
    """The services' messages in English, the pages in French (the client's language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def grant(organisation, coordinator):
    return _pas_grant(organisation, coordinator)


# -- The budget per part ----------------------------------------------------------------------


def test_the_parts_must_add_up_to_the_grant(grant, coordinator):
    with pytest.raises(ValidationError, match="must add up to the grant's amount"):
        pas_budget_save(
            grant=grant,
            by=coordinator,
            amount_a=Decimal("6000"),
            amount_b=Decimal("3000"),
            amount_c=Decimal("999.99"),
        )
    assert grant.pas_budget.amount_c == Decimal("1000.00")


def test_only_a_pas_grant_has_a_ledger(organisation, coordinator):
    funder = Funder.objects.create(organisation=organisation, name="FSE", kind="esf")
    esf = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="FSE",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal("100"),
    )
    with pytest.raises(ValidationError, match="Only the grants of a PAS funder"):
        pas_budget_save(grant=esf, by=coordinator, amount_a=100, amount_b=0, amount_c=0)
    with pytest.raises(ValidationError, match="Only the grants of a PAS funder"):
        _expense(esf, coordinator)
    assert not Expense.objects.exists()


# -- The ledger's rules ------------------------------------------------------------------------


def test_staff_costs_may_reach_exactly_ten_percent_of_part_a(grant, coordinator):
    _expense(grant, coordinator, category="staff", amount=Decimal("400"))
    _expense(grant, coordinator, category="staff", amount=Decimal("200"))  # 600 = 10 %
    with pytest.raises(
        ValidationError,
        match=r"Staff costs of part A may not exceed 10 % of its amount, 600.00 €; "
        r"600.00 € are already charged, so at most 0.00 € is left",
    ):
        _expense(grant, coordinator, category="staff", amount=Decimal("0.01"))
    assert Expense.objects.count() == 2


def test_the_staff_cap_is_per_part(grant, coordinator):
    _expense(grant, coordinator, category="staff", amount=Decimal("600"))
    _expense(grant, coordinator, part="C", category="staff", amount=Decimal("100"))
    with pytest.raises(ValidationError, match="Staff costs of part C may not exceed 10 %"):
        _expense(grant, coordinator, part="C", category="staff", amount=Decimal("0.01"))
    # The collective modules have no such cap.
    _expense(grant, coordinator, part="B", category="staff", amount=Decimal("2500"))
    assert Expense.objects.count() == 3


def test_editing_a_staff_cost_counts_it_once(grant, coordinator):
    expense = _expense(grant, coordinator, category="staff", amount=Decimal("500"))
    expense.amount = Decimal("600")
    expense.proof_total = Decimal("600")
    expense_save(expense=expense, by=coordinator, version=expense.version)
    expense.refresh_from_db()
    assert expense.amount == Decimal("600.00")


def test_an_investment_is_refused(grant, coordinator):
    with pytest.raises(ValidationError, match="the PAS subsidy does not pay for investments"):
        _expense(grant, coordinator, category="equipment", used_over_a_year=True)
    assert not Expense.objects.exists()


def test_the_same_euro_is_never_charged_to_two_grants(organisation, grant, coordinator):
    other = _pas_grant(organisation, coordinator, name="PAS 2026 bis")
    _expense(grant, coordinator, proof_reference="F-77", amount=Decimal("60"), proof_total=100)
    with pytest.raises(
        ValidationError,
        match=r"60.00 € of the proof f-77 \(total 100.00 €\) are already charged, on this "
        r"grant or another: at most 40.00 € is left",
    ):
        _expense(
            other, coordinator, proof_reference="f-77", amount=Decimal("40.01"), proof_total=100
        )
    _expense(other, coordinator, proof_reference="F-77", amount=Decimal("40"), proof_total=100)
    assert Expense.objects.filter(proof_reference__iexact="F-77").count() == 2


def test_a_proof_keeps_one_total(grant, coordinator):
    _expense(grant, coordinator, proof_reference="T-5", amount=Decimal("10"), proof_total=50)
    with pytest.raises(ValidationError, match=r"already recorded with a total of 50\.00 €"):
        _expense(grant, coordinator, proof_reference="T-5", amount=Decimal("10"), proof_total=80)


def test_a_beneficiary_needs_a_recorded_proof_of_cpas_support(organisation, grant, coordinator):
    person = ParticipantFactory(organisation=organisation, last_name="Dubois", first_name="Ana")
    with pytest.raises(ValidationError, match="DUBOIS Ana has no proof of CPAS support"):
        _expense(grant, coordinator, beneficiary=person, activity="")
    _expense(grant, coordinator, beneficiary=_supported(organisation), activity="")
    assert Expense.objects.count() == 1


def test_a_beneficiary_of_another_organisation_is_refused(other_organisation, grant, coordinator):
    with pytest.raises(ValidationError, match="not a participant here"):
        _expense(grant, coordinator, beneficiary=_supported(other_organisation), activity="")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-12.50")])
def test_an_amount_must_be_positive(grant, coordinator, amount):
    with pytest.raises(ValidationError, match="The amount must be more than zero"):
        _expense(grant, coordinator, amount=amount, proof_total=Decimal("20"))
    assert not Expense.objects.exists()


@pytest.mark.parametrize("day", [datetime.date(2025, 12, 31), datetime.date(2027, 1, 1)])
def test_a_date_outside_the_grant_is_refused(grant, coordinator, day):
    with pytest.raises(ValidationError, match="within the grant's subsidy year, from 01/01/2026"):
        _expense(grant, coordinator, date=day)
    assert not Expense.objects.exists()


def test_no_expense_before_the_parts_amounts(organisation, coordinator):
    funder = Funder.objects.create(organisation=organisation, name="SPP", kind="pas")
    bare = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="PAS",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal("100"),
    )
    with pytest.raises(ValidationError, match="Give the amounts of parts A, B and C"):
        _expense(bare, coordinator)


def test_edits_are_versioned_and_audited(grant, coordinator):
    expense = _expense(grant, coordinator)
    opened = expense.version
    expense.amount = Decimal("40")
    expense_save(expense=expense, by=coordinator, version=opened)
    stale = Expense.objects.get(pk=expense.pk)
    stale.amount = Decimal("30")
    with pytest.raises(StaleVersion, match="Someone else saved this record in the meantime"):
        expense_save(expense=stale, by=coordinator, version=opened)
    expense_delete(expense=Expense.objects.get(pk=expense.pk), by=coordinator)
    actions = list(
        AuditEvent.objects.filter(record_type="funding.expense")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]


# -- The forms and pages -------------------------------------------------------------------------


def _form(**values):
    data = {
        "date": "2026-03-03",
        "part": "A",
        "category": "activities",
        "amount": "50",
        "activity": "Sortie",
        "proof_reference": "F-1",
        "proof_total": "50",
    }
    data.update(values)
    return data


def test_the_form_shows_the_rule_and_writes_nothing(client, social_worker, grant):
    client.force_login(social_worker)
    url = reverse("funding:expense_create", args=[grant.pk])
    response = client.post(url, _form(category="staff", amount="600.01", proof_total="700"))
    assert response.status_code == 200
    assert "Les frais de personnel du volet A ne peuvent dépasser 10 %" in response.text
    response = client.post(url, _form(used_over_a_year="on"))
    assert "ne finance pas les investissements" in response.text
    response = client.post(url, _form(amount="-5"))
    assert "Le montant doit être supérieur à zéro" in response.text
    response = client.post(url, _form(date="2027-01-02"))
    assert "01/01/2026" in response.text
    assert not Expense.objects.exists()
    response = client.post(url, _form())
    assert response.status_code == 302
    assert Expense.objects.get().amount == Decimal("50.00")


def test_the_ledger_is_for_casework(client, grant, workshop_leader, viewer, outsider):
    url = reverse("funding:expense_list", args=[grant.pk])
    for user, status in ((workshop_leader, 403), (viewer, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(reverse("funding:expense_create", args=[grant.pk])).status_code == status


def test_the_grant_page_shows_the_parts_without_names(
    client, organisation, grant, coordinator, workshop_leader
):
    person = _supported(organisation, last_name="Vanderbeke", first_name="Lise")
    _expense(grant, coordinator, beneficiary=person, activity="", amount=Decimal("75"))
    client.force_login(workshop_leader)
    response = client.get(reverse("funding:grant_detail", args=[grant.pk]))
    assert response.status_code == 200
    assert "75,00" in response.text
    assert "VANDERBEKE" not in response.text
    assert reverse("funding:expense_list", args=[grant.pk]) not in response.text


def test_the_ledger_links_each_line_to_the_people_behind_it(
    client, organisation, grant, coordinator
):
    person = _supported(organisation, last_name="Vanderbeke", first_name="Lise")
    group = GroupFactory(organisation=organisation)
    _expense(grant, coordinator, beneficiary=person, activity="")
    _expense(grant, coordinator, part="B", group=group, activity="")
    client.force_login(coordinator)
    response = client.get(reverse("funding:expense_list", args=[grant.pk]))
    assert reverse("participants:participant_detail", args=[person.pk]) in response.text
    assert reverse("programme:group_detail", args=[group.pk]) in response.text


def _grower(organisation, grant, coordinator):
    """Adds beneficiaries, activities, groups, sessions and attendance to the grant."""
    group = GroupFactory(organisation=organisation)
    GroupCharge.objects.create(grant=grant, group=group, share=Decimal("100"))

    def grow():
        for index in range(4):
            person = _supported(organisation)
            _expense(grant, coordinator, beneficiary=person, activity="", category="trips")
            _expense(grant, coordinator, part="C", activity=f"Atelier {index}")
            _expense(grant, coordinator, part="B", group=GroupFactory(organisation=organisation))
            session = SessionFactory(organisation=organisation, groups=[group])
            Attendance.objects.create(session=session, participant=person, status="present")

    return grow


@pytest.mark.parametrize(("name", "expected"), [("expense_list", 10), ("grant_detail", 12)])
def test_the_pages_do_a_bounded_number_of_queries(
    client, organisation, grant, coordinator, name, expected
):
    client.force_login(coordinator)
    assert_bounded_queries(
        client,
        reverse(f"funding:{name}", args=[grant.pk]),
        grow=_grower(organisation, grant, coordinator),
        expected=expected,
    )


# -- The collective modules and the justification ---------------------------------------


@pytest.fixture
def modules(organisation, grant, coordinator):
    """A group charged to the grant: two three-hour sessions, two people at the first,
    one of them at the second too, a third absent; a session of another group, not
    charged."""
    group = GroupFactory(organisation=organisation, name="Atelier cuisine")
    GroupCharge.objects.create(grant=grant, group=group, share=Decimal("100"))
    first = SessionFactory(organisation=organisation, groups=[group], date=DAY)
    second = SessionFactory(
        organisation=organisation, groups=[group], date=datetime.date(2026, 3, 10)
    )
    SessionFactory(organisation=organisation, groups=[GroupFactory(organisation=organisation)])
    anna, bruno, chloe = (_supported(organisation) for _ in range(3))
    for session, person, status in (
        (first, anna, "present"),
        (first, bruno, "late"),
        (second, anna, "present"),
        (second, chloe, "absent"),
    ):
        Attendance.objects.create(session=session, participant=person, status=status)
    _expense(grant, coordinator, part="B", group=group, activity="", amount=Decimal("120.50"))
    return group


def test_part_b_counts_the_charged_sessions_and_their_attendance(organisation, grant, modules):
    report = build_pas_report(organisation, 2026, grant, as_of=AS_OF)
    part = report.parts["B"]
    [line] = part.lines
    assert (line.label, line.sessions, line.hours, line.charged_hours) == (
        "Atelier cuisine",
        2,
        6.0,
        6.0,
    )
    assert (line.participants, line.attendances, line.total) == (2, 3, Decimal("120.50"))
    assert (part.modules.sessions, part.modules.participants, part.modules.attendances) == (2, 2, 3)


def _sheet_rows(workbook, title):
    return [list(row) for row in workbook[title].iter_rows(min_row=3, values_only=True)]


def test_json_xlsx_and_pdf_give_the_same_numbers(organisation, grant, coordinator, modules):
    person = _supported(organisation, last_name="Vanderbeke", first_name="Lise")
    _expense(
        grant,
        coordinator,
        beneficiary=person,
        activity="",
        category="trips",
        amount=Decimal("210.25"),
    )
    _expense(grant, coordinator, category="staff", amount=Decimal("300"))
    _expense(grant, coordinator, part="C", category="education", amount=Decimal("45.10"))
    report = build_pas_report(organisation, 2026, as_of=AS_OF)
    data = report.as_json()
    json.dumps(data)  # plain JSON
    workbook = load_workbook(io.BytesIO(report.as_xlsx()))
    text = pdf_text(report.as_pdf())
    for part in "ABC":
        rows = _sheet_rows(workbook, f"Part {part}")
        lines = data["parts"][part]["lines"]
        assert len(rows) == len(lines) + 1  # the lines and the totals
        headers = [str(header) for header, _get in columns_of(part)]
        total = rows[-1][headers.index("Total")]
        assert total == data["parts"][part]["spent"]
        assert isinstance(total, float)
        for row, line in zip(rows, lines, strict=False):
            assert row[0] == line["label"]
            assert row[headers.index("Total")] == line["total"]
    assert data["parts"]["A"]["spent"] == 510.25
    assert data["parts"]["A"]["categories"]["trips"] == 210.25
    assert data["parts"]["A"]["staff_cap"] == 600.0
    assert data["parts"]["B"]["modules"]["attendances"] == 3
    for figure in ("510.25", "210.25", "120.50", "45.10", "600.00", "5,489.75"):
        assert figure in text, figure
    assert "VANDERBEKE" in text
    summary = workbook.worksheets[0]
    assert summary["B3"].value == datetime.datetime(2026, 12, 31)


def test_every_sheet_column_is_in_the_one_table():
    assert [str(header) for header, _get in columns_of("A")][-1] == "Total"
    assert {parts for _header, _get, parts in COLUMNS} <= {"ABC", "AC", "B"}


def test_a_grant_none_report_combines_the_years_pas_grants(organisation, grant, coordinator):
    other = _pas_grant(organisation, coordinator, name="PAS complément", a="100", b="0", c="0")
    _expense(grant, coordinator, amount=Decimal("10"))
    _expense(other, coordinator, amount=Decimal("5"))
    report = build_pas_report(organisation, 2026, as_of=AS_OF)
    assert report.parts["A"].amount == Decimal("6100")
    assert report.parts["A"].spent == Decimal("15")
    assert build_pas_report(organisation, 2025, as_of=AS_OF).spent == 0


def test_the_ledger_warns_when_the_grant_amount_changed(client, grant, coordinator):
    grant.amount = Decimal("12000")
    save_grant(grant=grant, by=coordinator, version=grant.version)
    client.force_login(coordinator)
    response = client.get(reverse("funding:expense_list", args=[grant.pk]))
    assert "Les volets totalisent 10\u202f000,00 €" in response.text


def test_a_grant_cannot_leave_its_expenses_outside(grant, coordinator):
    _expense(grant, coordinator, date=datetime.date(2026, 11, 30))
    grant.end_date = datetime.date(2026, 10, 31)
    with pytest.raises(ValidationError, match="Expenses of this grant fall outside"):
        save_grant(grant=grant, by=coordinator, version=grant.version)
    grant.refresh_from_db()
    assert grant.end_date == datetime.date(2026, 12, 31)


def test_the_coordinator_sets_the_parts_amounts(client, grant, coordinator):
    client.force_login(coordinator)
    url = reverse("funding:pas_budget_update", args=[grant.pk])
    form = {"amount_a": "5000", "amount_b": "3000", "amount_c": "1000", "version": "1"}
    response = client.post(url, form)
    assert "leur somme doit être égale au montant de la subvention" in response.text
    response = client.post(url, {**form, "amount_a": "6500", "amount_b": "2500"})
    assert response.status_code == 302
    grant.pas_budget.refresh_from_db()
    assert (grant.pas_budget.amount_a, grant.pas_budget.version) == (Decimal("6500.00"), 2)


# -- manage.py funder_report --kind pas --------------------------------------------------------


def test_funder_report_writes_the_justification(organisation, grant, coordinator, tmp_path):
    _expense(grant, coordinator, category="staff", amount=Decimal("300"))
    _expense(grant, coordinator, part="C", category="education", amount=Decimal("45.10"))
    common = ["--organisation", organisation.slug, "--year", "2026", "--kind", "pas"]
    out = io.StringIO()
    call_command("funder_report", *common, "--grant", grant.name, stdout=out)
    data = json.loads(out.getvalue())
    with translation.override("fr"):  # the command's default language
        expected = json.loads(json.dumps(build_pas_report(organisation, 2026).as_json()))
    assert data == expected
    assert data["parts"]["A"]["spent"] == 300.0
    assert data["parts"]["C"]["spent"] == 45.1
    xlsx = tmp_path / "pas.xlsx"
    call_command("funder_report", *common, "--format", "xlsx", "--output", str(xlsx))
    with translation.override("fr"):
        rows = _sheet_rows(load_workbook(xlsx), _("Part %(part)s") % {"part": "C"})
        assert rows[-1][[str(h) for h, _get in columns_of("C")].index("Total")] == 45.1


def test_funder_report_refuses_a_grant_of_another_funder(organisation):
    funder = Funder.objects.create(organisation=organisation, name="FSE", kind="esf")
    Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="FSE 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        amount=Decimal("100"),
    )
    with pytest.raises(CommandError, match="'FSE 2026' is not funded by"):
        call_command(
            "funder_report",
            *["--organisation", organisation.slug, "--year", "2026", "--kind", "pas"],
            *["--grant", "FSE 2026"],
        )
