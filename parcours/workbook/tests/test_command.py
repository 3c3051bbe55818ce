"""``manage.py import_records`` (and ``export_records``)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parcours.accounts.models import Organisation, User
from parcours.assessments.models import Assessment
from parcours.audit.models import AuditEvent
from parcours.participants.models import Participant
from parcours.workbook.tests.conftest import record_counts
from parcours.workbook.tests.helpers import read_back, sample_sheets, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_file(tmp_path):
    path = tmp_path / "programme.xlsx"
    path.write_bytes(workbook_bytes(sample_sheets()))
    return path


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_records", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_creates_the_organisation_and_says_so(sample_file):
    output = _run(str(sample_file), "--organisation", "cpas-neuf")
    organisation = Organisation.objects.get(slug="cpas-neuf")
    assert "Created the organisation 'cpas-neuf'." in output
    assert "participants: 3 created, 0 changed, 0 unchanged" in output
    assert "attendance: 4 created" in output
    assert Participant.objects.filter(organisation=organisation).count() == 3
    # No user yet: the assessments are signed by an inactive account made for it.
    author = User.objects.get(username="import-cpas-neuf")
    assert not author.is_active
    assert not author.has_usable_password()
    assert "import-cpas-neuf" in output
    assert Assessment.objects.filter(author=author).count() == 3
    event = AuditEvent.objects.get(organisation=organisation, record_type="workbook.import")
    assert event.actor is None
    assert event.changes["file"]["after"] == "programme.xlsx"


def test_second_run_creates_nothing(sample_file, organisation, coordinator):
    first = _run(str(sample_file), "--organisation", organisation.slug)
    assert "Created the organisation" not in first
    before = record_counts()
    second = _run(str(sample_file), "--organisation", organisation.slug)
    assert record_counts() == before
    assert "participants: 0 created, 0 changed, 3 unchanged" in second
    assert "sessions: 0 created, 0 changed, 3 unchanged" in second
    assert Assessment.objects.filter(author=coordinator).count() == 3


def test_by_names_the_author(sample_file, organisation, coordinator, social_worker):
    _run(str(sample_file), "--organisation", organisation.slug, "--by", social_worker.username)
    assert Assessment.objects.filter(author=social_worker).count() == 3
    with pytest.raises(CommandError, match="No user"):
        _run(str(sample_file), "--organisation", organisation.slug, "--by", "nobody")


def test_a_bad_file_writes_nothing_and_lists_the_errors(tmp_path, organisation):
    sheets = sample_sheets()
    sheets["participants"][1][4] = "31/02/1990"
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(sheets))
    before = record_counts()
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_records", str(path), "--organisation", "nouveau", stdout=StringIO(), stderr=err
        )
    assert "Sheet participants, row 3, column birth_date: '31/02/1990' is not a date" in (
        err.getvalue()
    )
    assert record_counts() == before
    assert not Organisation.objects.filter(slug="nouveau").exists()


def test_missing_file(organisation):
    with pytest.raises(CommandError, match="No such file"):
        _run("/nonexistent.xlsx", "--organisation", organisation.slug)


def test_export_records(tmp_path, sample_file, organisation, coordinator):
    _run(str(sample_file), "--organisation", organisation.slug)
    out = tmp_path / "out.xlsx"
    call_command("export_records", str(out), "--organisation", organisation.slug, stdout=StringIO())
    assert out.read_bytes()[:2] == b"PK"


def test_export_records_in_a_language_imports_back_with_its_notices(
    tmp_path, sample_file, organisation, coordinator
):
    _run(str(sample_file), "--organisation", organisation.slug)
    out = tmp_path / "uitvoer.xlsx"
    call_command(
        "export_records",
        str(out),
        "--organisation",
        organisation.slug,
        "--language",
        "nl",
        stdout=StringIO(),
    )
    assert read_back(out.read_bytes(), by_title=True)["Deelnemers"][1][3] == "Vrouw"
    output = _run(str(out), "--organisation", "kopie")
    assert "Sheet consents: This sheet is exported for your records and is not imported." in (
        output
    )
    assert "column social_worker: This column is exported for your records" in output
    assert "participants: 3 created, 0 changed, 0 unchanged" in output
