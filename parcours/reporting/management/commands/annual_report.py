"""``manage.py annual_report``: the yearly figures of docs/statistics.md."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Organisation
from parcours.reporting.figures import yearly_figures


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Invalid date {value!r}: use YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = "Print the yearly figures of an organisation (docs/statistics.md)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today).")
        parser.add_argument("--format", default="json", help="Only json for now.")
        parser.add_argument("--output", help="Write to this file instead of the standard output.")

    def handle(self, *args, organisation, year, as_of, format, output, **options):
        if format != "json":
            raise CommandError(
                f"Format {format!r} is not available yet: only json for now; the other "
                "formats come with the reports issue."
            )
        try:
            org = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist as error:
            raise CommandError(f"Unknown organisation {organisation!r}.") from error
        figures = yearly_figures(org, year=year, as_of=_date(as_of) if as_of else None)
        text = json.dumps(
            figures,
            ensure_ascii=False,
            indent=2,
            default=lambda value: value.isoformat(),
        )
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
