"""An import's problems are kept as a code and its parameters and worded when read, in
the reader's language (issue 20): a Dutch colleague reads in Dutch the errors of a file a
French one sent. Problems kept before the codes are still shown as they were written."""

import pytest
from django.urls import reverse
from django.utils import translation

from parcours.workbook.enums import JobStatus
from parcours.workbook.factories import ImportJobFactory
from parcours.workbook.importer import import_workbook
from parcours.workbook.jobs import job_submit
from parcours.workbook.problems import MESSAGES, Problem, stored_message
from parcours.workbook.tests.helpers import sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db


def _bad_workbook() -> bytes:
    sheets = sample_sheets()
    sheets["participants"][1][4] = "1980-02-31"
    sheets["participants"][0][7] = "85073003329"  # a wrong check number
    sheets["enrolments"][0][0] = "P-099"
    return workbook_bytes(sheets)


def test_a_job_keeps_codes_and_parameters_never_words(organisation, coordinator):
    job = job_submit(
        organisation=organisation,
        by=coordinator,
        file_name="bad.xlsx",
        content=_bad_workbook(),
        language="fr",
    )
    job.refresh_from_db()
    assert job.status == JobStatus.INVALID
    assert [error["code"] for error in job.errors[3:]] == ["unknown_enrolment"] * 2
    assert job.errors[:3] == [
        {
            "sheet": "participants",
            "row": 2,
            "column": "niss",
            "code": "niss_invalid",
            "params": {"value": "85073003329", "birth_date": "1985-07-30"},
        },
        {
            "sheet": "participants",
            "row": 3,
            "column": "birth_date",
            "code": "not_a_date",
            "params": {"value": "1980-02-31"},
        },
        {
            "sheet": "enrolments",
            "row": 2,
            "column": "participant",
            "code": "unknown_participant",
            "params": {"value": "P-099"},
        },
    ]


def _page_as(client, user, language, job) -> str:
    return _page_as_url(client, user, language, reverse("workbook:job", args=[job.pk]))


def _page_as_url(client, user, language, url) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return _spaced(client.get(url).content.decode())


def _spaced(text: str) -> str:
    """French puts a no-break space inside « »: compare with plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_the_same_stored_problems_read_in_french_and_in_dutch(client, organisation, coordinator):
    job = job_submit(
        organisation=organisation,
        by=coordinator,
        file_name="bad.xlsx",
        content=_bad_workbook(),
        language="fr",
    )
    job.refresh_from_db()
    french = _page_as(client, coordinator, "fr", job)
    assert "« 1980-02-31 » n\u2019est pas une date (écrivez-la sous la forme 2016-09-05)." in french
    assert "Participant inconnu « P-099 »" in french
    dutch = _page_as(client, coordinator, "nl", job)
    assert "“1980-02-31” is geen datum (schrijf ze als 2016-09-05)." in dutch
    assert "Onbekende deelnemer “P-099”" in dutch
    # The sheet and the column are named as the reader's template names them.
    assert ">Deelnemers</td>" in dutch
    assert "Geboortedatum <small" in dutch
    assert "Date de naissance <small" in french
    assert "n\u2019est pas une date" not in dutch
    # The reason a national number is refused is found again in the reader's language.
    with translation.override("nl"):
        dutch_reason = stored_message(job.errors[0])
    with translation.override("fr"):
        french_reason = _spaced(stored_message(job.errors[0]))
    assert dutch_reason.startswith("“85073003329”: ")
    assert french_reason.startswith("« 85073003329 » : ")
    assert dutch_reason[len("“85073003329”: ") :] in dutch
    assert french_reason[len("« 85073003329 » : ") :] in french


def test_a_problem_kept_before_the_codes_is_shown_as_written(client, organisation, coordinator):
    job = ImportJobFactory(
        organisation=organisation,
        status=JobStatus.INVALID,
        counts={},
        error_count=2,
        errors=[
            {
                "sheet": "groups",
                "row": 4,
                "column": "end_date",
                "message": "La fin (2016-01-01) précède le début (2016-09-05).",
            },
            {"sheet": "", "row": None, "column": "", "code": "retired_code", "message": "Ancien"},
        ],
    )
    page = _page_as(client, coordinator, "nl", job)
    assert "La fin (2016-01-01) précède le début (2016-09-05)." in page
    assert "Ancien" in page


def test_every_code_is_worded_in_every_language():
    samples = {
        "value": "x",
        "max": 40,
        "codes": "a, b",
        "size": 60,
        "limit": 50,
        "sheets": "participants",
        "columns": "name",
        "row": 2,
        "reference": "P-1",
        "participant": "P-1",
        "group": "A",
        "end": "1",
        "start": "2",
        "exit": "3",
        "detail": "health",
        "outcome": "extension",
        "allowed": "—",
        "workshop": "W",
        "axis": "cultural",
        "birth_date": "",
        "date": "31/10/2024",
    }
    for language in ("fr", "nl", "en"):
        with translation.override(language):
            for code in MESSAGES:
                message = Problem(code=code, params=samples).message
                assert message, (language, code)
                assert "%(" not in message, (language, code)


def test_the_import_row_of_the_trail_reads_in_the_language_of_the_reader(
    client, organisation, coordinator
):
    from parcours.audit.models import AuditEvent

    with translation.override("fr"):
        import_workbook(
            workbook_bytes(sample_sheets()),
            organisation=organisation,
            by=coordinator,
            file_name="programme.xlsx",
        )
    event = AuditEvent.objects.get(record_type="workbook.import")
    assert _spaced(event.record_label) == "Import de classeur : programme.xlsx"
    assert event.label_message == {
        "message": "workbook_import",
        "params": {"file": "programme.xlsx"},
    }
    assert event.changes["participants"]["after"] == {
        "message": "workbook_counts",
        "params": {"created": 3, "updated": 0, "unchanged": 0},
    }
    dutch = _page_as_url(client, coordinator, "nl", reverse("audit:event_list"))
    assert "Import van werkmap: programme.xlsx" in dutch
    assert "3 aangemaakt, 0 gewijzigd, 0 ongewijzigd" in dutch
    french = _page_as_url(client, coordinator, "fr", reverse("audit:event_list"))
    assert "Import de classeur : programme.xlsx" in french
    assert "3 créés, 0 modifié, 0 inchangé" in french


def test_contact_details_are_read_and_a_wrong_e_mail_is_refused(organisation):
    from parcours.workbook.format import SHEETS
    from parcours.workbook.importer import analyse_workbook

    headers = [column.name for column in SHEETS["participants"]]
    rows = [row + [None] * (len(headers) - len(row)) for row in sample_sheets()["participants"]]
    rows[0][headers.index("email")] = "amina@example.be"
    rows[1][headers.index("email")] = "jean.example.be"
    plan = analyse_workbook(organisation, workbook_bytes({"participants": rows}))
    assert [(p.row, p.column, p.code) for p in plan.problems] == [(3, "email", "not_an_email")]
    rows[1][headers.index("email")] = None
    plan = analyse_workbook(organisation, workbook_bytes({"participants": rows}))
    assert plan.ok
    assert plan.participants_new[0].email == "amina@example.be"
