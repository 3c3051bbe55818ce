"""``manage.py restore FILE --yes``: put a backup of ``manage.py backup`` back into the
database ``DATABASE_URL`` names, and the media under MEDIA_ROOT.

The whole file is read and checked first (manifest, vendor, checksums, the migrations it
knows); without ``--yes`` the command stops there, having changed nothing, which also
makes it a check of a backup file. After the restore it says whether ``migrate`` must
run, and verifies each organisation's audit chain against the heads in the manifest.
"""

import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from parcours.backups import archive, engines, media, state
from parcours.core.plurals import plural


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database DATABASE_URL names "
        "(replacing everything in it) and the files under MEDIA_ROOT. Checks the file first; "
        "changes nothing without --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The backup file, or - for the input.")
        parser.add_argument(
            "--yes", action="store_true", help="Replace the database and the media by the backup."
        )

    def handle(self, *args, file, yes, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        label = "The input" if file == "-" else file
        with tempfile.TemporaryDirectory(prefix="parcours-restore-") as directory:
            path = Path(file)
            if file != "-" and not path.is_file():
                raise CommandError(f"Cannot read {file}: there is no such file.")
            with nullcontext(sys.stdin.buffer) if file == "-" else path.open("rb") as source:
                backup = archive.read(
                    source, label=label, vendor=connection.vendor, into=Path(directory)
                )
            manifest = backup.manifest
            unknown = state.unknown_migrations(manifest["migrations"])
            if unknown:
                raise CommandError(
                    f"{label} was made by a newer Parcours ({manifest['parcours_version']}): "
                    f"this code does not know its migrations {', '.join(unknown[:5])}. "
                    "Install that version, then restore. Nothing was restored."
                )
            with_media = manifest["media"]["included"]
            self.stdout.write(
                f"{label}: a sound backup of a {archive.VENDOR_NAMES[connection.vendor]} "
                f"database, made {manifest['created_at']} by Parcours "
                f"{manifest['parcours_version']}, "
                + (
                    f"{plural(len(backup.media), 'media file', 'media files')}."
                    if with_media
                    else "without media."
                )
            )
            target = engines.describe(connection)
            if with_media:
                target += f" and the files under {settings.MEDIA_ROOT}"
            if not yes:
                raise CommandError(
                    f"Restoring replaces everything in {target}. Stop the web and worker "
                    "services, then run again with --yes. Nothing was restored."
                )
            for note in engines.load(connection, backup.dump_path):
                self.stdout.write(note)
            if with_media:
                written, removed = media.replace_all(
                    Path(settings.MEDIA_ROOT), backup.media_directory, backup.media
                )
                self.stdout.write(
                    f"Media: {plural(written, 'file', 'files')} restored, "
                    f"{removed} not in the backup removed."
                )
        self.stdout.write(f"Restored into {target}.")
        self._after(connection, manifest)

    def _after(self, connection, manifest) -> None:
        pending = state.pending_migrations(connection)
        if pending:
            self.stdout.write(
                "The backup is older than this version of Parcours "
                f"({plural(len(pending), 'migration', 'migrations')} to apply): run "
                "`manage.py migrate` now, then "
                "`manage.py audit_verify`."
            )
            return
        from parcours.accounts.models import Organisation
        from parcours.audit import chain

        expected = manifest.get("audit_heads") or {}
        heads = state.audit_heads(connection.alias)
        problems = []
        for organisation in Organisation.objects.order_by("slug"):
            count, breaks = chain.verify(organisation.pk)
            if breaks:
                problems.append(f"{organisation.slug}: the audit chain is broken ({breaks[0]})")
            elif organisation.slug in expected and heads.get(organisation.slug) != expected.get(
                organisation.slug
            ):
                problems.append(f"{organisation.slug}: the chain head differs from the backup's")
            else:
                self.stdout.write(f"{organisation.slug}: {count} audit rows, chain sound")
        if problems:
            raise CommandError(
                "The restored audit trail does not match the backup: " + "; ".join(problems)
            )
