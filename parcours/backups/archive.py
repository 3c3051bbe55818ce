"""The backup file: one gzip-compressed tar archive holding everything a restore needs.

Its members, in this order:

- ``manifest.json``: what the file is (format and its version, the database vendor, the
  migrations applied, the Parcours and Django versions, when it was made, whether the
  media are in it, each organisation's audit chain head);
- ``database.sqlite3`` (SQLite's online backup) or ``database.pgdump`` (``pg_dump -Fc``);
- ``media/…``: every file under ``MEDIA_ROOT`` (the participants' photos), unless the
  backup was made with ``--no-media``;
- ``SHA256SUMS``: the SHA-256 of every member above, written last. A file cut short (a
  full disk, an interrupted copy) has no checksums or a broken gzip stream, a file changed
  afterwards has wrong ones: both are refused before anything is restored.

The manifest comes first so that a file of the other vendor is refused before its dump is
even read. Reading is sequential (tar's stream mode), so the file may come from a pipe
(``age -d … | manage.py restore - --yes``).
"""

import datetime
import gzip
import hashlib
import io
import json
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.management.base import CommandError

FORMAT = "parcours-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_CHUNK = 1024 * 1024


class _Hashing:
    """A reader that hashes what goes through it (tar reads the member through it)."""

    def __init__(self, raw):
        self.raw = raw
        self.sha = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    return info


def write(out, *, manifest: dict, dump_path: Path, media: list[tuple[str, Path]]) -> None:
    """Write the archive to the binary file object ``out``.

    ``media`` lists (name relative to MEDIA_ROOT, path) pairs.
    """
    sums = {}
    with tarfile.open(fileobj=out, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
        payload = json.dumps(manifest, indent=2, sort_keys=True).encode()
        tar.addfile(_info(MANIFEST, len(payload)), io.BytesIO(payload))
        sums[MANIFEST] = hashlib.sha256(payload).hexdigest()
        members = [(manifest["dump"], dump_path)]
        members += [(MEDIA_PREFIX + name, path) for name, path in media]
        for name, path in members:
            with path.open("rb") as raw:
                reader = _Hashing(raw)
                tar.addfile(_info(name, path.stat().st_size), reader)
            sums[name] = reader.sha.hexdigest()
        listing = "".join(f"{digest}  {name}\n" for name, digest in sums.items()).encode()
        tar.addfile(_info(CHECKSUMS, len(listing)), io.BytesIO(listing))


@dataclass
class Backup:
    """A backup file read and checked, its members extracted under ``directory``."""

    manifest: dict
    directory: Path
    media: list[str] = field(default_factory=list)

    @property
    def dump_path(self) -> Path:
        return self.directory / self.manifest["dump"]

    @property
    def media_directory(self) -> Path:
        return self.directory / "media"


def _broken(label: str, detail: str) -> CommandError:
    return CommandError(
        f"{label} is not a complete Parcours backup (truncated or damaged): {detail}. "
        "Nothing was restored; take another backup file."
    )


def _check_manifest(label: str, manifest, vendor: str) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(f"{label} is not a Parcours backup (its manifest names no {FORMAT}).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise CommandError(
            f"{label} is a Parcours backup of format {manifest.get('format_version')!r}; "
            f"this version of Parcours reads format {FORMAT_VERSION} only."
        )
    theirs = manifest.get("vendor")
    if theirs != vendor:
        raise CommandError(
            f"{label} is a backup of a {VENDOR_NAMES.get(theirs, theirs)} database, but "
            f"DATABASE_URL names a {VENDOR_NAMES.get(vendor, vendor)} database: a backup "
            "restores only into a database of its own kind. Nothing was restored."
        )
    if manifest.get("dump") != DUMP_NAMES[vendor]:
        raise CommandError(f"{label}: its manifest names an unexpected dump {manifest['dump']!r}.")


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise CommandError(f"The backup holds a member with an unsafe name: {name!r}.")
    return path


def read(source, *, label: str, vendor: str, into: Path) -> Backup:
    """Read the archive from the binary file object ``source`` into ``into``, checking
    its manifest (format, ``vendor``) first and every checksum at the end."""
    manifest = None
    computed = {}
    listed = None
    try:
        unzipped = gzip.GzipFile(fileobj=source, mode="rb")
        with tarfile.open(fileobj=unzipped, mode="r|") as tar:
            for member in tar:
                name = member.name
                if manifest is None and name != MANIFEST:
                    raise CommandError(f"{label} is not a Parcours backup (no manifest first).")
                if listed is not None:
                    raise _broken(label, f"member {name!r} after the checksums")
                if not member.isfile():
                    raise CommandError(f"The backup holds something other than a file: {name!r}.")
                reader = tar.extractfile(member)
                if name == MANIFEST:
                    payload = reader.read()
                    computed[name] = hashlib.sha256(payload).hexdigest()
                    try:
                        manifest = json.loads(payload)
                    except ValueError as error:
                        raise _broken(label, f"unreadable manifest ({error})") from error
                    _check_manifest(label, manifest, vendor)
                    continue
                if name == CHECKSUMS:
                    listed = reader.read().decode()
                    continue
                if name != manifest["dump"] and not name.startswith(MEDIA_PREFIX):
                    raise CommandError(f"The backup holds an unexpected member {name!r}.")
                target = into / _safe_name(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                sha = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := reader.read(_CHUNK):
                        sha.update(chunk)
                        out.write(chunk)
                computed[name] = sha.hexdigest()
            # tar stops at its end-of-archive blocks; reading the compressed stream on
            # to its end makes gzip check its length and CRC, so a file cut in its
            # last bytes is refused too (tarfile's own gzip reader checks neither).
            while unzipped.read(_CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise _broken(label, str(error) or type(error).__name__) from error
    if manifest is None:
        raise CommandError(f"{label} is not a Parcours backup (it is empty).")
    if listed is None:
        raise _broken(label, "the checksums at its end are missing")
    expected = {}
    for line in listed.splitlines():
        digest, _sep, name = line.partition("  ")
        expected[name] = digest
    if expected != computed:
        wrong = sorted(set(expected) ^ set(computed)) or sorted(
            name for name in expected if expected[name] != computed[name]
        )
        raise _broken(label, "checksums do not match for " + ", ".join(wrong[:5]))
    if manifest["dump"] not in computed:
        raise _broken(label, "the database dump is missing")
    media = sorted(
        name.removeprefix(MEDIA_PREFIX) for name in computed if name.startswith("media/")
    )
    return Backup(manifest=manifest, directory=into, media=media)
