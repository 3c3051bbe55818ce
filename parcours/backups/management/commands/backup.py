"""``manage.py backup --output FILE``: the database ``DATABASE_URL`` names and the media,
in one file that ``manage.py restore`` checks and puts back (parcours/backups/archive.py)."""

import os
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from parcours.backups import archive, engines, media, state
from parcours.core.plurals import plural


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup, or pg_dump) and the files under "
        "MEDIA_ROOT into one archive with a manifest and checksums. The application may "
        "keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            metavar="FILE",
            help="The backup file to write (readable by its owner only), or - for the "
            "standard output (to pipe it into an encryption tool).",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="Leave the files under MEDIA_ROOT out (when they are backed up otherwise).",
        )

    def handle(self, *args, output, no_media, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        report = self.stderr if output == "-" else self.stdout
        files = [] if no_media else media.files_under(Path(settings.MEDIA_ROOT))
        with tempfile.TemporaryDirectory(prefix="parcours-backup-") as directory:
            dump_path = Path(directory) / archive.DUMP_NAMES.get(connection.vendor, "dump")
            engines.dump(connection, dump_path)
            manifest = state.manifest_for(
                connection, media_included=not no_media, media_files=len(files)
            )
            if output == "-":
                archive.write(
                    sys.stdout.buffer, manifest=manifest, dump_path=dump_path, media=files
                )
                sys.stdout.buffer.flush()
            else:
                self._write_file(Path(output), manifest, dump_path, files)
        where = "the standard output" if output == "-" else output
        media_note = (
            "media left out" if no_media else plural(len(files), "media file", "media files")
        )
        report.write(
            f"Backup of {engines.describe(connection)} written to {where}: "
            f"{media_note}, Parcours {manifest['parcours_version']}, {manifest['created_at']}."
        )
        if manifest["pending_migrations"]:
            report.write(
                "Note: the database lacks "
                f"{plural(len(manifest['pending_migrations']), 'migration', 'migrations')} "
                "of this code; the backup holds it as it is."
            )
        for slug, head in (manifest["audit_heads"] or {}).items():
            # Kept outside the database, the heads show later whether rows were removed.
            report.write(f"audit head {slug}: {head['sequence']} {head['hash']}")

    def _write_file(self, path: Path, manifest, dump_path, files) -> None:
        partial = path.with_name(path.name + ".partial")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                archive.write(out, manifest=manifest, dump_path=dump_path, media=files)
                out.flush()
                os.fsync(out.fileno())
            # Only a complete file takes the name: a crash leaves FILE.partial.
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {error}") from error
