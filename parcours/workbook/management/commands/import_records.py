"""``manage.py import_records FILE.xlsx --organisation SLUG``: import a programme workbook
(docs/import-format.md), all or nothing."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from parcours.accounts.enums import Role
from parcours.accounts.models import Organisation, User
from parcours.core.plurals import plural
from parcours.workbook.importer import analyse_workbook, describe_counts, import_workbook


def _author(organisation, username):
    """Who signs the imported assessments: --by, else the organisation's first
    coordinator, else an inactive account created for the imports (it cannot sign in)."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is None or (organisation and user.organisation_id != organisation.pk):
            raise CommandError(f"No user {username!r} in this organisation.")
        return user, None
    if organisation is not None:
        user = (
            User.objects.filter(organisation=organisation, role=Role.COORDINATOR, is_active=True)
            .order_by("pk")
            .first()
        )
        if user:
            return user, None
    return None, "create"


class Command(BaseCommand):
    help = "Import a programme workbook (.xlsx) into an organisation, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The workbook (.xlsx).")
        parser.add_argument(
            "--organisation", required=True, help="The organisation's slug (created if new)."
        )
        parser.add_argument(
            "--by",
            help="Username of the author of the imported assessments (default: the "
            "organisation's first coordinator).",
        )

    def handle(self, *args, file, organisation, by, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        org = Organisation.objects.filter(slug=organisation).first()
        author, missing = _author(org, by)
        started = time.perf_counter()
        plan = analyse_workbook(org, path)
        checked = time.perf_counter()
        if not plan.ok:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{plural(len(plan.problems), 'problem', 'problems')} in {path.name}: "
                "nothing was imported."
            )
        messages = []
        with transaction.atomic():  # the organisation and the account only with the records
            if org is None:
                org = Organisation.objects.create(slug=organisation, name=organisation)
                messages.append(f"Created the organisation {organisation!r}.")
            if missing and plan.assessments_new:
                author = self._import_account(org, messages)
            result = import_workbook(
                path, organisation=org, author=author, file_name=path.name, plan=plan
            )
        notices = [str(notice) for notice in result.notices]
        for line in messages + notices + describe_counts(result.counts):
            self.stdout.write(line)
        if options["verbosity"] >= 2:
            self.stdout.write(
                f"Read and checked in {checked - started:.1f} s, "
                f"written in {time.perf_counter() - checked:.1f} s."
            )
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name} into {organisation!r}."))

    def _import_account(self, organisation, messages):
        user, created = User.objects.get_or_create(
            username=f"import-{organisation.slug}"[:150],
            defaults={
                "organisation": organisation,
                "role": Role.VIEWER,
                "is_active": False,
                "first_name": "Import",
                "last_name": organisation.slug,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            messages.append(
                f"Created the inactive account {user.username!r} as author of the "
                "imported assessments (give --by to name someone else)."
            )
        return user
