"""``manage.py export_records OUT.xlsx --organisation SLUG [--first DATE --last DATE]``:
the programme workbook of an organisation (of a period, when given)."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Organisation
from parcours.workbook.export import export_workbook


def _date(value):
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Invalid date {value!r}: use YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Export the programme workbook (.xlsx) of an organisation."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the workbook (.xlsx).")
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--first", help="First day of the period (YYYY-MM-DD).")
        parser.add_argument("--last", help="Last day of the period (YYYY-MM-DD).")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the sheet names, headers and codes' meanings.",
        )

    def handle(self, *args, file, organisation, first, last, language, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"Unknown organisation {organisation!r}.")
        content = export_workbook(org, first=_date(first), last=_date(last), language=language)
        Path(file).write_bytes(content)
        self.stdout.write(f"Wrote {file} ({len(content)} bytes).")
