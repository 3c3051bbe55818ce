"""The coordinator's import and export page: upload, preview, confirm, progress."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from parcours.participants.factories import ParticipantFactory
from parcours.participants.models import Participant
from parcours.workbook.enums import JobStatus
from parcours.workbook.export import XLSX_CONTENT_TYPE
from parcours.workbook.factories import ImportJobFactory
from parcours.workbook.models import ImportJob
from parcours.workbook.tests.conftest import record_counts
from parcours.workbook.tests.helpers import read_back, sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db
HOME = reverse("workbook:home")


def _upload(client, content, name="programme.xlsx"):
    return client.post(HOME, {"file": SimpleUploadedFile(name, content)})


def test_upload_preview_confirm(client, coordinator):
    client.force_login(coordinator)
    response = _upload(client, workbook_bytes(sample_sheets()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbook:job", args=[job.pk])
    assert job.status == JobStatus.READY
    assert not Participant.objects.exists()  # a preview writes nothing

    page = client.get(response["Location"]).content.decode()
    assert "Confirm the import" in page
    # The sheets as the template of the reader's language names them, not by their code.
    assert '<th scope="row">Participants</th>' in page
    assert '<th scope="row">Attendance</th>' in page
    assert "<code>participants</code>" not in page
    assert job.counts["attendance"] == {"created": 4, "updated": 0, "unchanged": 0}

    response = client.post(reverse("workbook:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.content == b""  # the file is not kept once imported
    assert Participant.objects.filter(organisation=coordinator.organisation).count() == 3
    assert "The workbook is imported." in client.get(response["Location"]).content.decode()

    # Confirming twice does not import twice.
    before = record_counts()
    response = client.post(reverse("workbook:job_confirm", args=[job.pk]), follow=True)
    assert "not waiting for confirmation" in response.content.decode()
    assert record_counts() == before


def test_a_reimport_previews_the_changes(client, coordinator):
    client.force_login(coordinator)
    _upload(client, workbook_bytes(sample_sheets()))
    client.post(reverse("workbook:job_confirm", args=[ImportJob.objects.get().pk]))
    sheets = sample_sheets()
    sheets["participants"][1][1] = "Dupont-Lambert"
    response = _upload(client, workbook_bytes(sheets))
    page = client.get(response["Location"]).content.decode()
    assert "Records that will change" in page
    # The column as the template names it in the reader's language, not its code.
    assert ">Last name</td>" in page
    assert "last_name" not in page
    assert "P-002" in page


def test_errors_are_listed_with_sheet_row_and_column(client, coordinator):
    client.force_login(coordinator)
    sheets = sample_sheets()
    sheets["participants"][1][4] = "31/02/1990"
    sheets["sessions"][0][7] = "12:00"
    response = _upload(client, workbook_bytes(sheets))
    job = ImportJob.objects.get()
    assert job.status == JobStatus.INVALID
    assert job.error_count == 2
    page = client.get(response["Location"]).content.decode()
    assert "The workbook has 2 errors: nothing was written." in page
    assert "&#x27;31/02/1990&#x27; is not a date" in page
    assert "<code>birth_date</code>" in page
    assert "Confirm the import" not in page
    assert not Participant.objects.exists()
    # An invalid job cannot be confirmed.
    client.post(reverse("workbook:job_confirm", args=[job.pk]))
    assert not Participant.objects.exists()


def test_each_error_cell_carries_its_column_name_for_the_phone(client, coordinator):
    """Under 600 px the errors are stacked blocks (``table--stack``): each cell shows its
    column's name from its data-label, the same as the table's header."""
    client.force_login(coordinator)
    job = ImportJobFactory(
        organisation=coordinator.organisation,
        created_by=coordinator,
        status=JobStatus.INVALID,
        errors=[
            {"sheet": "groups", "row": 2, "column": "name", "message": "Missing name"},
            {"sheet": "", "row": None, "column": "", "message": "Not a workbook of Parcours"},
        ],
        error_count=2,
    )

    page = client.get(reverse("workbook:job", args=[job.pk])).content.decode()

    table = re.search(r'<table class="([^"]*)" id="import-errors">(.*?)</table>', page, re.S)
    assert "table--stack" in table[1].split()
    headers = [
        re.sub(r"<[^>]+>", "", th).strip()
        for th in re.findall(r"<th\b[^>]*>(.*?)</th>", table[2], re.S)
    ]
    rows = re.findall(r"<tr>(.*?)</tr>", table[2].split("<tbody>")[1], re.S)
    assert len(rows) == 2
    for row in rows:
        assert re.findall(r'<td[^>]* data-label="([^"]*)"', row) == headers
    assert "Missing name" in rows[0]


def test_a_file_that_is_not_a_workbook(client, coordinator):
    client.force_login(coordinator)
    response = _upload(client, b"reference;last_name\n", name="people.csv")
    assert response.status_code == 200
    assert "not an Excel workbook (.xlsx)" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_too_large(client, coordinator, settings):
    settings.WORKBOOK_MAX_BYTES = 2 * 1024 * 1024
    client.force_login(coordinator)
    response = _upload(client, b"PK" + bytes(3 * 1024 * 1024))
    assert "The file is too large (3.0 MB): the limit is 2 MB." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_large_file_runs_as_a_task(
    client, coordinator, settings, database_tasks, django_capture_on_commit_callbacks
):
    settings.WORKBOOK_INLINE_BYTES = 100
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, workbook_bytes(sample_sheets()))
    job = ImportJob.objects.get()
    assert job.status == JobStatus.ANALYSING
    assert DBTaskResult.objects.get(id=job.task_id).args_kwargs == {"args": [job.pk], "kwargs": {}}
    # The page polls while the work waits or goes on, and shows the progress; no worker
    # has been seen, and the page says so.
    ImportJob.objects.filter(pk=job.pk).update(progress=40, stage="Reading the workbook")
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<progress max="100" value="40">' in page
    assert "No worker is running" in page
    assert "<html" not in page  # the fragment alone

    call_command("worker", "--batch", verbosity=0)
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page
    assert "Confirm the import" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workbook:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.IMPORTING
    assert not Participant.objects.exists()
    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Participant.objects.filter(organisation=coordinator.organisation).count() == 3


def test_a_job_that_fails_is_shown_failed_and_writes_nothing(client, coordinator, monkeypatch):
    from parcours.workbook import writing

    original = writing.write_plan

    def write_then_fail(plan, organisation, *, author):
        original(plan, organisation, author=author)
        raise RuntimeError("disk full")

    client.force_login(coordinator)
    _upload(client, workbook_bytes(sample_sheets()))
    job = ImportJob.objects.get()
    monkeypatch.setattr(writing, "write_plan", write_then_fail)
    response = client.post(reverse("workbook:job_confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "disk full" in job.failure
    assert "The import failed." in response.content.decode()
    assert not Participant.objects.exists()


def test_records_changed_since_the_preview(client, coordinator):
    """The import checks the file again: a conflict that appeared since is an error."""
    client.force_login(coordinator)
    _upload(client, workbook_bytes(sample_sheets()))
    job = ImportJob.objects.get()
    ParticipantFactory(organisation=coordinator.organisation, reference="X", niss="85073003328")
    client.post(reverse("workbook:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.INVALID
    assert job.errors[0]["column"] == "niss"
    assert Participant.objects.count() == 1


def test_a_job_run_in_a_request_that_was_cut_is_shown_failed(client, coordinator):
    """No task to ask about: only the time without progress tells."""
    job = ImportJobFactory(
        organisation=coordinator.organisation, created_by=coordinator, status=JobStatus.IMPORTING
    )
    ImportJob.objects.filter(pk=job.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    client.force_login(coordinator)
    page = client.get(reverse("workbook:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "interrupted" in page


@pytest.mark.parametrize("role", ["social_worker", "workshop_leader", "viewer"])
def test_only_the_coordinator(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert _upload(client, workbook_bytes(sample_sheets())).status_code == 403
    assert client.get(reverse("workbook:export")).status_code == 403
    assert not ImportJob.objects.exists()


def test_another_organisation_never_sees_a_job(client, coordinator, outsider):
    job = ImportJobFactory(organisation=coordinator.organisation, created_by=coordinator)
    client.force_login(outsider)
    assert client.get(reverse("workbook:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("workbook:job_confirm", args=[job.pk])).status_code == 404
    assert job.file_name not in client.get(HOME).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.READY


def test_export_download(client, coordinator):
    ParticipantFactory(organisation=coordinator.organisation, reference="P-7")
    client.force_login(coordinator)
    response = client.get(reverse("workbook:export"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="parcours-test.xlsx"' in response["Content-Disposition"]
    assert read_back(response.content)["participants"][1][0] == "P-7"
    response = client.get(reverse("workbook:export"), {"first": "2024-01-01", "last": "2024-12-31"})
    assert 'filename="parcours-test-2024-01-01-2024-12-31.xlsx"' in response["Content-Disposition"]
    assert len(read_back(response.content)["participants"]) == 1  # the header: nobody in 2024
    response = client.get(
        reverse("workbook:export"), {"first": "2024-12-31", "last": "2024-01-01"}, follow=True
    )
    assert "The end of the period comes before its start." in response.content.decode()


def test_template_download(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("workbook:template"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="parcours-template.xlsx"'
    assert list(read_back(response.content))[-1] == "Lists"


def test_the_template_is_in_the_language_of_the_coordinator(client, coordinator):
    coordinator.language = "nl"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    response = client.get(reverse("workbook:template"))
    assert response["Content-Disposition"] == 'attachment; filename="parcours-sjabloon.xlsx"'
    sheets = read_back(response.content, by_title=True)
    assert next(iter(sheets)) == "Deelnemers"
    assert sheets["Deelnemers"][0][:3] == ("Dossiernummer", "Achternaam", "Voornaam")


def test_pages_do_a_bounded_number_of_queries(client, coordinator):
    from parcours.testing import assert_bounded_queries

    client.force_login(coordinator)
    job = ImportJobFactory(
        organisation=coordinator.organisation,
        created_by=coordinator,
        status=JobStatus.INVALID,
        errors=[{"sheet": "groups", "row": 2, "column": "name", "message": "x"}],
        error_count=1,
    )

    def grow():
        for _ in range(20):
            ImportJobFactory(organisation=coordinator.organisation, created_by=coordinator)
        ImportJob.objects.filter(pk=job.pk).update(
            errors=[
                {"sheet": "groups", "row": n, "column": "name", "message": "x"} for n in range(500)
            ],
            error_count=500,
        )

    # The session, the user, the recent jobs with their senders.
    assert_bounded_queries(client, HOME, grow=grow, expected=3)
    # The session, the user, the job with its sender.
    assert_bounded_queries(client, reverse("workbook:job", args=[job.pk]), grow=grow, expected=3)


def test_the_menu_shows_the_page_to_the_coordinator_only(client, coordinator, social_worker):
    client.force_login(coordinator)
    assert f'href="{HOME}"' in client.get(reverse("dashboard:home")).content.decode()
    client.force_login(social_worker)
    assert f'href="{HOME}"' not in client.get(reverse("dashboard:home")).content.decode()


def test_an_unconfirmed_file_is_discarded_after_a_day(client, coordinator):
    old = ImportJobFactory(
        organisation=coordinator.organisation, created_by=coordinator, content=b"PK..."
    )
    ImportJob.objects.filter(pk=old.pk).update(
        updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    client.force_login(coordinator)
    _upload(client, workbook_bytes(sample_sheets()))
    old.refresh_from_db()
    assert old.status == JobStatus.FAILED
    assert old.content == b""
    assert "discarded" in old.failure


def test_the_changes_name_their_sheet_and_columns_in_the_readers_language(coordinator):
    job = ImportJobFactory(
        organisation=coordinator.organisation,
        changes=[{"sheet": "participants", "row": 2, "key": "P-1", "fields": ["last_name"]}],
        counts={"participants": {"created": 0, "updated": 1, "unchanged": 0}},
    )
    with translation.override("fr"):
        (change,) = job.change_rows()
        (count,) = job.count_rows()
    assert change["sheet_label"] == count["sheet_label"] == "Participants"
    assert change["column_labels"] == ["Nom"]
    assert count["updated"] == 1
