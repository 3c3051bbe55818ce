"""What a backup records about the installation, and what a restore checks against it:
the migrations applied, the Parcours version, each organisation's audit chain head."""

import datetime
import tomllib

import django
from django.conf import settings
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from parcours.backups.archive import DUMP_NAMES, FORMAT, FORMAT_VERSION


def parcours_version() -> str:
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def applied_migrations(connection) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    applied = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def pending_migrations(connection) -> list[str]:
    """The migrations this code has that the database has not applied yet."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """The migrations ``applied`` names that this code does not know (a newer version's)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return [
        f"{app}.{name}"
        for app, names in applied.items()
        for name in names
        if (app, name) not in known
    ]


def audit_heads(using: str) -> dict[str, dict]:
    """Each organisation's chain head (its last row's number and hash), by slug."""
    from parcours.accounts.models import Organisation
    from parcours.audit.models import ChainHead

    slugs = dict(Organisation.objects.using(using).values_list("pk", "slug"))
    return {
        slugs[head.organisation_id]: {"sequence": head.sequence, "hash": head.hash}
        for head in ChainHead.objects.using(using).order_by("organisation_id")
    }


def manifest_for(connection, *, media_included: bool, media_files: int) -> dict:
    pending = pending_migrations(connection)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "vendor": connection.vendor,
        "dump": DUMP_NAMES[connection.vendor],
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "parcours_version": parcours_version(),
        "django_version": django.get_version(),
        "migrations": applied_migrations(connection),
        "pending_migrations": pending,
        "media": {"included": media_included, "files": media_files},
        # Read through the models, which need the schema of this code.
        "audit_heads": None if pending else audit_heads(connection.alias),
    }
