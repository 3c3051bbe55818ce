"""The coordinator keeps a PAS grant's expense ledger on a tablet: a beneficiary's
expense, a staff cost refused over the 10 % cap then corrected, the totals per part and
category, and the XLSX justification holding the same figures (fixtures in
parcours/testing/browser.py)."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from parcours.accounts.factories import TEST_PASSWORD
from parcours.funding.models import Expense
from parcours.funding.tests.test_pas import _pas_grant, _supported
from parcours.reporting.pas_report import columns_of
from parcours.testing.browser import expect, sign_in

pytestmark = pytest.mark.browser


def _fill_expense(page, *, category, amount, proof_reference, beneficiary=None, activity=""):
    form = page.locator("main form[method=post]")
    form.locator("input[name=date]").fill("2026-03-03")
    form.locator("select[name=part]").select_option("A")
    form.locator("select[name=category]").select_option(category)
    form.locator("input[name=amount]").fill(amount)
    if beneficiary is not None:
        # The beneficiary is searched by name, then picked.
        form.get_by_role("combobox", name="Bénéficiaire").fill(beneficiary.last_name)
        form.get_by_role("listbox").get_by_role(
            "option", name=beneficiary.last_name.upper()
        ).click()
    form.locator("input[name=activity]").fill(activity)
    form.locator("input[name=proof_reference]").fill(proof_reference)
    form.locator("input[name=proof_total]").fill(amount)
    return form


def _amount(text: str) -> Decimal:
    """A figure as the French page prints it (``1 234,56``) as a number."""
    return Decimal(re.sub(r"\s", "", text).replace(",", "."))


def test_expense_ledger_staff_cap_and_justification(
    page, browser_errors, live_server, organisation, coordinator
):
    grant = _pas_grant(organisation, coordinator)  # part A: 6 000 €, so staff costs ≤ 600 €
    person = _supported(organisation, last_name="Vanderbeke", first_name="Lise")
    ledger_url = reverse("funding:expense_list", args=[grant.pk])
    page.goto(reverse("accounts:login"))
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))

    # From the list of grants to the grant's page, and on to its ledger.
    page.goto(reverse("funding:grant_list"))
    page.locator(f"main a[href='{reverse('funding:grant_detail', args=[grant.pk])}']").click()
    page.locator(f"main a[href='{ledger_url}']").click()
    page.wait_for_url(live_server.url + ledger_url)
    add_url = reverse("funding:expense_create", args=[grant.pk])

    # An expense for a beneficiary in part A.
    page.locator(f"main a[href='{add_url}']").click()
    _fill_expense(
        page, category="trips", amount="210.25", proof_reference="F-1", beneficiary=person
    ).locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + ledger_url)
    expect(page.locator(".message--success")).to_be_visible()
    trip = Expense.objects.get()
    assert (trip.beneficiary, trip.part, trip.amount) == (person, "A", Decimal("210.25"))

    # A staff cost over 10 % of part A: the rule's message on the form, nothing saved.
    page.locator(f"main a[href='{add_url}']").click()
    form = _fill_expense(
        page, category="staff", amount="650", proof_reference="S-1", activity="Animatrice"
    )
    form.locator("button[type=submit]").click()
    expect(page.locator("#id_amount_error")).to_contain_text(
        "Les frais de personnel du volet A ne peuvent dépasser 10 % de son montant, soit 600,00 €"
    )
    assert Expense.objects.count() == 1

    # Within the cap, it is saved.
    form.locator("input[name=amount]").fill("400")
    form.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + ledger_url)
    staff = Expense.objects.get(category="staff")
    assert (staff.part, staff.amount, staff.proof_total) == ("A", Decimal("400"), Decimal("650"))

    # Both lines, and the totals per part and per category.
    expect(page.locator("tr[data-expense]")).to_have_count(2)
    expect(page.locator(f"tr[data-expense='{trip.pk}']")).to_contain_text(str(person))
    expect(page.locator(f"tr[data-expense='{trip.pk}']")).to_contain_text("210,25")
    expect(page.locator(f"tr[data-expense='{staff.pk}']")).to_contain_text("400,00")
    expect(page.locator("[data-cell='A:spent']")).to_have_text("610,25")
    expect(page.locator("[data-cell='B:spent']")).to_have_text("0,00")
    expect(page.locator("[data-cell='trips:A']")).to_have_text("210,25")
    expect(page.locator("[data-cell='staff:A']")).to_have_text("400,00")
    page_total = _amount(page.locator("[data-cell='A:spent']").inner_text())

    # The XLSX justification holds the same total as the page.
    with page.expect_download() as download_info:
        page.locator(f"a[href='{reverse('funding:pas_report', args=[grant.pk, 'xlsx'])}']").click()
    download = download_info.value
    assert download.suggested_filename == f"justification-pas-{grant.pk}-2026.xlsx"
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    with translation.override("fr"):
        sheet = workbook[_("Part %(part)s") % {"part": "A"}]
        total_column = [str(header) for header, _get in columns_of("A")].index(_("Total"))
        justified = _("Expenses justified")
    totals = [cell.value for cell in sheet[sheet.max_row]]
    assert Decimal(str(totals[total_column])) == page_total
    summary = {row[0]: row[1:] for row in workbook.worksheets[0].iter_rows(values_only=True)}
    assert Decimal(str(summary[justified][0])) == page_total
    assert not browser_errors, browser_errors
