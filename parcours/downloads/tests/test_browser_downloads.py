"""The coordinator prepares the grant's report pack from the grant's page, follows it to
its page, downloads it, and finds it in "My downloads" (fixtures in
parcours/testing/browser.py)."""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from parcours.accounts.factories import TEST_PASSWORD
from parcours.attendance.models import Attendance
from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose
from parcours.downloads.models import Download
from parcours.funding.models import Funder, Grant, GroupCharge
from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.testing.browser import expect, sign_in
from parcours.workshops.factories import SessionFactory

pytestmark = pytest.mark.browser


def test_prepare_and_download_the_grant_pack(
    page, browser_errors, live_server, organisation, coordinator
):
    year = datetime.date.today().year
    group = GroupFactory(organisation=organisation, start_date=datetime.date(year, 1, 1))
    enrolment = EnrolmentFactory(group=group, start_date=datetime.date(year, 1, 5))
    session = SessionFactory(
        organisation=organisation, groups=[group], date=datetime.date(year, 1, 8)
    )
    Attendance.objects.create(session=session, participant=enrolment.participant, status="present")
    funder = Funder.objects.create(organisation=organisation, name="FSE+", kind="esf")
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="FSE de l'année",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        amount=Decimal("1000"),
    )
    GroupCharge.objects.create(grant=grant, group=group, share=Decimal("100"))

    page.goto(reverse("accounts:login"))
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.wait_for_url(live_server.url + reverse("dashboard:home"))
    page.goto(reverse("funding:grant_detail", args=[grant.pk]))
    page.get_by_role("button", name="Télécharger le dossier de justification").click()

    page.wait_for_url(re.compile(r"/downloads/\d+/$"))
    download = Download.objects.get()
    assert page.url == live_server.url + reverse("downloads:detail", args=[download.pk])
    expect(page.locator("h1")).to_have_text("Dossier de rapport d\u2019une subvention")
    button = page.get_by_role("link", name="Télécharger le fichier")
    expect(button).to_be_visible()
    expect(page.locator("#download")).to_have_attribute("data-status", "done")
    with page.expect_download() as waiting:
        button.click()
    file = waiting.value
    assert file.suggested_filename.startswith(f"dossier-{grant.pk}-")
    archive = zipfile.ZipFile(io.BytesIO(Path(file.path()).read_bytes()))
    assert {"rapport.pdf", "heures.csv", "participants.csv"} <= set(archive.namelist())
    event = AuditEvent.objects.get(action=AuditAction.VIEW, record_type="funding.grant")
    assert (event.actor_id, event.purpose) == (coordinator.pk, AuditPurpose.DOWNLOAD)

    page.get_by_role("link", name="Mes téléchargements").first.click()
    page.wait_for_url(live_server.url + reverse("downloads:list"))
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table")).to_contain_text("Dossier de rapport d\u2019une subvention")
    assert browser_errors == []
