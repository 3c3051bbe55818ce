"""Backups that are proven: a backup of a real programme restores into a new database
with the same yearly report and the same audit chain, row for row; a broken file, a file
of the other vendor or a restore without --yes changes nothing.

The suite runs on SQLite or on PostgreSQL (DATABASE_URL): each run proves the engine it is
on. The restored database is a new one (SQLite: a new file; PostgreSQL: a database of a
unique name created and dropped here), read by separate ``manage.py`` processes, as an
operator would.
"""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from PIL import Image

from parcours.accounts.factories import OrganisationFactory, UserFactory
from parcours.audit.models import IMMUTABLE_MESSAGE, AuditEvent, ChainHead
from parcours.backups import archive
from parcours.demo.seed_history import build_seed_history
from parcours.participants import services
from parcours.participants.enums import ConsentPurpose, Gender
from parcours.participants.models import Participant
from parcours.participants.photos import photo_set

pytestmark = pytest.mark.django_db(transaction=True)

VENDOR = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}
REPORT = ["--organisation", "seed", "--year", "2016", "--as-of", "2016-12-31"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="JPEG")
    return SimpleUploadedFile("portrait.jpg", out.getvalue(), content_type="image/jpeg")


def _person(organisation, by, reference):
    return services.participant_create(
        organisation=organisation,
        by=by,
        reference=reference,
        last_name="Lambert",
        first_name="Aïcha",
        gender=Gender.FEMALE,
        birth_date=datetime.date(1984, 3, 2),
    )


@pytest.fixture
def programme(transactional_db, media_root):
    """The seed's history (2012-2017) and audited writes in two organisations: a file
    created, changed, opened, given a consent and a photo."""
    seed = OrganisationFactory(name="CPAS du Seed", slug="seed")
    build_seed_history(seed)
    coordinator = UserFactory(organisation=seed, coordinator=True, username="coord")
    person = _person(seed, coordinator, "B-0001")
    services.consent_record(
        participant=person,
        purpose=ConsentPurpose.PHOTOS,
        given_on=datetime.date(2017, 1, 9),
        by=coordinator,
    )
    photo_set(participant=person, upload=_jpeg(), by=coordinator)
    services.participant_update(participant=person, by=coordinator, first_name="Aïsha")
    other = OrganisationFactory(name="CPAS d'Ailleurs", slug="ailleurs")
    _person(other, UserFactory(organisation=other, coordinator=True), "A-0001")
    person.refresh_from_db()
    return seed, coordinator, person


def _trail(rows, heads):
    return {"events": [list(row) for row in rows], "heads": [list(head) for head in heads]}


EVENT_FIELDS = ("id", "organisation_id", "sequence", "previous_hash", "hash")
HEAD_FIELDS = ("organisation_id", "sequence", "hash")


def _trail_here():
    return _trail(
        AuditEvent.objects.order_by("id").values_list(*EVENT_FIELDS),
        ChainHead.objects.order_by("organisation_id").values_list(*HEAD_FIELDS),
    )


TRAIL_SCRIPT = (
    "import json; from parcours.audit.models import AuditEvent, ChainHead; "
    "print(json.dumps({'events': [list(r) for r in AuditEvent.objects.order_by('id')"
    f".values_list(*{EVENT_FIELDS!r})], 'heads': [list(r) for r in ChainHead.objects"
    f".order_by('organisation_id').values_list(*{HEAD_FIELDS!r})]}}))"
)


def _report_here() -> dict:
    out = StringIO()
    call_command("annual_report", *REPORT, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _manage(*args, database_url, media_root, check=True):
    """``manage.py`` in a process of its own, on the database ``database_url`` names."""
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and completed.returncode != 0:
        pytest.fail(f"manage.py {args[0]} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed


def _postgres_url(name: str) -> str:
    database = connection.settings_dict
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "localhost"
    return f"postgres://{credentials}{host}:{database.get('PORT') or 5432}/{name}"


@pytest.fixture
def new_database(transactional_db, tmp_path):
    """The URL of a new, empty database of the suite's vendor, removed afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"test_parcours_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backup_file(programme, tmp_path):
    path = tmp_path / "parcours.backup"
    out = StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert f"written to {path}: 1 media file," in out.getvalue()
    return path


def _rewritten(path: Path, target: Path, *, manifest=None, member=None) -> Path:
    """A copy of the backup at ``path`` with its manifest changed by ``manifest(dict)``
    (the checksums made again, as a forger would) or the content of one member changed by
    ``member(name, bytes)`` (the checksums kept)."""
    sums = []
    with tarfile.open(path) as source, tarfile.open(target, "w:gz") as copy:
        for info in source.getmembers():
            data = source.extractfile(info).read()
            if info.name == archive.MANIFEST and manifest:
                changed = json.loads(data)
                manifest(changed)
                data = json.dumps(changed).encode()
            elif info.name == archive.CHECKSUMS and manifest:
                data = "".join(sums).encode()
            elif member:
                data = member(info.name, data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {info.name}\n")
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return target


def test_a_backup_restores_into_a_new_database_with_the_same_report_and_audit_chain(
    programme, backup_file, new_database, tmp_path
):
    _seed, _coordinator, person = programme
    report = _report_here()
    assert report["participants"] == 90  # the seed's 2016 slide
    trail = _trail_here()
    assert len({row[1] for row in trail["events"]}) == 2  # two organisations' chains
    photo = (Path(settings.MEDIA_ROOT) / person.photo.name).read_bytes()
    restored_media = tmp_path / "restored-media"
    (restored_media / "participants").mkdir(parents=True)
    (restored_media / "participants" / "stray.jpg").write_bytes(b"not in the backup")

    restored = _manage(
        "restore", str(backup_file), "--yes", database_url=new_database, media_root=restored_media
    )

    assert "Media: 1 file restored, 1 not in the backup removed." in restored.stdout
    assert "seed: " in restored.stdout
    assert "chain sound" in restored.stdout
    assert "migrate" not in restored.stdout
    figures = _manage(
        "annual_report", *REPORT, "--format", "json", database_url=new_database, media_root=tmp_path
    )
    assert json.loads(figures.stdout) == report
    verified = _manage("audit_verify", database_url=new_database, media_root=tmp_path)
    per_organisation = dict.fromkeys(("ailleurs", "seed"), 0)
    for event in AuditEvent.objects.select_related("organisation"):
        per_organisation[event.organisation.slug] += 1
    assert verified.stdout.splitlines() == [
        f"{slug}: {count} rows, chain sound" for slug, count in per_organisation.items()
    ]
    rows = _manage(
        "shell", "-v", "0", "-c", TRAIL_SCRIPT, database_url=new_database, media_root=tmp_path
    )
    assert json.loads(rows.stdout.strip().splitlines()[-1]) == trail
    assert (restored_media / person.photo.name).read_bytes() == photo
    assert not (restored_media / "participants" / "stray.jpg").exists()
    if connection.vendor == "sqlite":
        # Restored through the backup API into a file the application opens in WAL mode.
        mode = _manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from django.db import connection as c; c.cursor().execute('PRAGMA journal_mode'); "
            "print(c.cursor().execute('PRAGMA journal_mode').fetchone()[0])",
            database_url=new_database,
            media_root=tmp_path,
        )
        assert mode.stdout.strip().splitlines()[-1] == "wal"


def test_a_restore_over_the_live_database_brings_the_backup_back(
    programme, backup_file, media_root
):
    seed, coordinator, person = programme
    report, trail = _report_here(), _trail_here()
    # Work done after the backup, which the restore takes away.
    _person(seed, coordinator, "B-0002")
    (Path(media_root) / "participants" / "later.jpg").write_bytes(b"a later photo")
    if connection.vendor == "postgresql":
        # A table of a later migration, with a foreign key into a restored table.
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE later_table (id serial PRIMARY KEY, "
                "organisation_id bigint REFERENCES accounts_organisation(id))"
            )
            cursor.execute("INSERT INTO later_table (organisation_id) VALUES (%s)", [seed.pk])
    assert _trail_here() != trail

    out = StringIO()
    call_command("restore", str(backup_file), "--yes", stdout=out)

    assert not Participant.objects.filter(reference="B-0002").exists()
    assert _trail_here() == trail
    assert _report_here() == report
    assert not (Path(media_root) / "participants" / "later.jpg").exists()
    assert (Path(media_root) / person.photo.name).exists()
    assert "seed: " in out.getvalue()
    if connection.vendor == "postgresql":
        assert "Dropped 1 table the backup does not have: later_table" in out.getvalue()
        assert "later_table" not in connection.introspection.table_names()
    # The trail is append-only again after the restore: the database refuses a change.
    with pytest.raises(DatabaseError, match=IMMUTABLE_MESSAGE), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x'")


def test_without_yes_the_restore_checks_the_file_and_changes_nothing(programme, backup_file):
    seed, coordinator, _ = programme
    _person(seed, coordinator, "B-0002")
    out = StringIO()
    with pytest.raises(CommandError, match=r"Restoring replaces everything in .* --yes"):
        call_command("restore", str(backup_file), stdout=out)
    assert "a sound backup" in out.getvalue()
    assert Participant.objects.filter(reference="B-0002").exists()


def test_a_backup_of_the_other_vendor_is_refused(programme, backup_file, tmp_path):
    other = OTHER[connection.vendor]
    wrong = _rewritten(
        backup_file,
        tmp_path / "wrong.backup",
        manifest=lambda m: m.update(vendor=other, dump=archive.DUMP_NAMES[other]),
    )
    with pytest.raises(
        CommandError,
        match=rf"backup of a {VENDOR[other]} database, but DATABASE_URL names a "
        rf"{VENDOR[connection.vendor]} database",
    ):
        call_command("restore", str(wrong), "--yes", stdout=StringIO())


def test_a_truncated_backup_is_refused_and_nothing_restored(programme, backup_file, tmp_path):
    seed, coordinator, _ = programme
    _person(seed, coordinator, "B-0002")
    content = backup_file.read_bytes()
    for size in (len(content) // 2, len(content) - 40, len(content) - 8, len(content) - 1, 10):
        cut = tmp_path / f"cut-{size}.backup"
        cut.write_bytes(content[:size])
        with pytest.raises(CommandError, match="not a complete Parcours backup"):
            call_command("restore", str(cut), "--yes", stdout=StringIO())
    assert Participant.objects.filter(reference="B-0002").exists()


def test_a_changed_dump_is_refused_by_its_checksum(programme, backup_file, tmp_path):
    dump = archive.DUMP_NAMES[connection.vendor]
    changed = _rewritten(
        backup_file,
        tmp_path / "changed.backup",
        member=lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name == dump else data,
    )
    with pytest.raises(CommandError, match=f"checksums do not match for {dump}"):
        call_command("restore", str(changed), "--yes", stdout=StringIO())


def test_a_file_that_is_no_backup_is_refused(transactional_db, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(CommandError, match="not a complete Parcours backup"):
        call_command("restore", str(other), "--yes", stdout=StringIO())
    with pytest.raises(CommandError, match=r"Cannot read .*missing"):
        call_command("restore", str(tmp_path / "missing"), "--yes", stdout=StringIO())


def test_a_backup_of_a_newer_version_is_refused(programme, backup_file, tmp_path):
    newer = _rewritten(
        backup_file,
        tmp_path / "newer.backup",
        manifest=lambda m: m["migrations"]["audit"].append("0099_future"),
    )
    with pytest.raises(CommandError, match=r"newer Parcours .*audit\.0099_future"):
        call_command("restore", str(newer), "--yes", stdout=StringIO())


def test_the_manifest_says_what_the_file_holds(programme, backup_file):
    seed, _, _ = programme
    with tarfile.open(backup_file) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(archive.MANIFEST).read())
    assert names[0] == archive.MANIFEST
    assert names[1] == archive.DUMP_NAMES[connection.vendor]
    assert names[-1] == archive.CHECKSUMS
    assert manifest["vendor"] == connection.vendor
    assert manifest["parcours_version"] == "0.1.0"
    assert "0004_append_only" in manifest["migrations"]["audit"]
    assert manifest["pending_migrations"] == []
    head = ChainHead.objects.get(organisation=seed)
    assert manifest["audit_heads"]["seed"] == {"sequence": head.sequence, "hash": head.hash}
    assert manifest["media"] == {"included": True, "files": 1}
    assert oct(backup_file.stat().st_mode & 0o777) == "0o600"


def test_an_older_backup_asks_for_migrate_after_the_restore(tmp_path):
    """A database a few migrations behind this code: restored as it is, with the advice."""
    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    _manage("migrate", "contenttypes", "-v", "0", database_url=old, media_root=tmp_path / "m")
    _manage(
        "backup",
        "--output",
        str(tmp_path / "old.backup"),
        "--no-media",
        database_url=old,
        media_root=tmp_path / "m",
    )
    restored = _manage(
        "restore",
        str(tmp_path / "old.backup"),
        "--yes",
        database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}",
        media_root=tmp_path / "m2",
    )
    assert "without media" in restored.stdout
    assert "The backup is older than this version of Parcours" in restored.stdout
    assert "run `manage.py migrate` now" in restored.stdout
