"""A coordinator imports a workbook in the browser: upload, preview, confirm, done
(fixtures in parcours/testing/browser.py)."""

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.participants.models import Participant
from parcours.testing.browser import expect, sign_in
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

pytestmark = pytest.mark.browser


def test_upload_preview_confirm(page, browser_errors, live_server, coordinator, tmp_path):
    bad = sample_sheets()
    bad["participants"][1][4] = "31/02/1990"
    (tmp_path / "bad.xlsx").write_bytes(workbook_bytes(bad))
    (tmp_path / "programme.xlsx").write_bytes(workbook_bytes(sample_sheets()))

    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))
    home = reverse("workbook:home")
    expect(page.locator(f"nav a[href='{home}']")).to_have_count(1)  # in the menu
    page.goto(live_server.url + home)
    expect(page.get_by_role("heading", name="Import a workbook")).to_be_visible()

    # A file with an error: the error is listed with its sheet, row and column.
    page.set_input_files("input[name=file]", str(tmp_path / "bad.xlsx"))
    page.get_by_role("button", name="Check the file").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("birth_date")
    expect(errors).to_contain_text("'31/02/1990' is not a date")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)

    # The corrected file: preview, then confirm.
    page.get_by_role("link", name="Back to import and export").click()
    page.set_input_files("input[name=file]", str(tmp_path / "programme.xlsx"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-job")).to_contain_text("What the import will do")
    assert not Participant.objects.exists()
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.locator("#import-job")).to_contain_text("The workbook is imported.")
    assert Participant.objects.filter(organisation=coordinator.organisation).count() == 3
    assert not browser_errors, browser_errors
