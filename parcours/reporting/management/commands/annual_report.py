"""``manage.py annual_report``: the yearly figures of docs/statistics.md, as JSON (the
shape of docs/statistics.md), CSV, XLSX or PDF. A closed year gives its frozen figures."""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from parcours.accounts.models import Organisation
from parcours.funding.models import Funder
from parcours.funding.scope import Scope
from parcours.programme.enums import ProcessType
from parcours.programme.models import Group
from parcours.reporting.closing import report_for_year
from parcours.reporting.exports import report_csv, report_xlsx
from parcours.reporting.pdf import report_pdf

FORMATS = ("json", "csv", "xlsx", "pdf")


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Invalid date {value!r}: use YYYY-MM-DD.") from error


def _named(model, organisation, name):
    if not name:
        return None
    try:
        return model.objects.get(organisation=organisation, name=name)
    except model.DoesNotExist as error:
        raise CommandError(
            f"No {model._meta.model_name} named {name!r} in {organisation.slug}."
        ) from error


def report_json(report) -> str:
    return json.dumps(report.figures, ensure_ascii=False, indent=2)


class Command(BaseCommand):
    help = "Write the yearly report of an organisation (docs/statistics.md)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today).")
        parser.add_argument("--format", default="json", choices=FORMATS)
        parser.add_argument("--output", help="Write to this file instead of the standard output.")
        parser.add_argument("--process-type", dest="process_type", choices=ProcessType.values)
        parser.add_argument("--group", help="Narrow to the group of this name.")
        parser.add_argument("--funder", help="Narrow to the funder of this name.")
        parser.add_argument(
            "--language", default="fr", help="Language of the CSV, XLSX and PDF labels (fr)."
        )

    def handle(self, *args, organisation, year, as_of, format, output, language, **options):
        try:
            org = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist as error:
            raise CommandError(f"Unknown organisation {organisation!r}.") from error
        scope = Scope(
            process_type=options["process_type"] or "",
            group=_named(Group, org, options["group"]),
            funder=_named(Funder, org, options["funder"]),
        )
        with translation.override(language):
            report = report_for_year(
                org, year=year, as_of=_date(as_of) if as_of else None, scope=scope
            )
            content = {
                "json": lambda: report_json(report) + "\n",
                "csv": lambda: report_csv(report, for_funder=scope.for_funder),
                "xlsx": lambda: report_xlsx(report, for_funder=scope.for_funder),
                "pdf": lambda: report_pdf(report, for_funder=scope.for_funder),
            }[format]()
        self._write(content, output)

    def _write(self, content, output):
        data = content.encode("utf-8") if isinstance(content, str) else content
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
        elif isinstance(content, str):
            self.stdout.write(content, ending="")
        else:
            sys.stdout.buffer.write(data)
