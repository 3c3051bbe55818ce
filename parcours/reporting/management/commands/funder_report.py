"""``manage.py funder_report``: a funder's own report of one calendar year, for the whole
organisation or one of its grants, as JSON, XLSX or PDF.

Each kind of report is a builder in ``REPORT_KINDS``: ``builder(organisation, year,
grant=None)`` returns an object with ``as_json() -> dict``, ``as_xlsx() -> bytes`` and
``as_pdf() -> bytes``, so every format shows the same figures."""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from parcours.accounts.models import Organisation
from parcours.funding.enums import FunderKind
from parcours.funding.models import Grant
from parcours.reporting.esf_files import esf_builder
from parcours.reporting.forms import FIRST_YEAR
from parcours.reporting.pas_report import build_pas_report

REPORT_KINDS = {"esf": esf_builder, "pas": build_pas_report}
# The ESF+ indicators can be read for any grant's people; the PAS justification only
# exists for a PAS grant (its parts and its expense ledger).
GRANT_FUNDER_KIND = {"pas": FunderKind.PAS}
FORMATS = ("json", "xlsx", "pdf")


def _organisation(slug):
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist as error:
        raise CommandError(f"Unknown organisation {slug!r}.") from error


def _year(year):
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise CommandError(f"Invalid year {year}: choose a year from {FIRST_YEAR} to {today.year}.")
    return year


def _grant(organisation, name, year, kind):
    if not name:
        return None
    try:
        grant = Grant.objects.select_related("funder").get(organisation=organisation, name=name)
    except Grant.DoesNotExist as error:
        raise CommandError(f"No grant named {name!r} in {organisation.slug}.") from error
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if not Grant.objects.filter(pk=grant.pk).overlapping(first, last).exists():
        raise CommandError(
            f"The grant {name!r} runs from {grant.start_date} to {grant.end_date}: "
            f"nothing of it falls in {year}."
        )
    needed = GRANT_FUNDER_KIND.get(kind)
    if needed and grant.funder.kind != needed:
        raise CommandError(
            f"The grant {name!r} is not funded by {needed.label}: it has no {kind} report."
        )
    return grant


class Command(BaseCommand):
    help = (
        "Write a funder's own report of a calendar year (docs/statistics.md): the whole "
        "organisation, or one grant with --grant. JSON goes to the standard output unless "
        "--output is given; XLSX and PDF go to --output, or to the standard output as bytes "
        "(redirect it to a file)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--year", type=int, required=True, help="The calendar year.")
        parser.add_argument(
            "--kind", required=True, choices=sorted(REPORT_KINDS), help="Which funder's report."
        )
        parser.add_argument("--grant", help="Narrow to the grant of this name.")
        parser.add_argument("--format", default="json", choices=FORMATS)
        parser.add_argument("--output", help="Write to this file instead of the standard output.")
        parser.add_argument(
            "--language", default="fr", help="Language of the XLSX and PDF labels (fr)."
        )

    def handle(self, *args, organisation, year, kind, grant, format, output, language, **options):
        org = _organisation(organisation)
        year = _year(year)
        grant = _grant(org, grant, year, kind)
        with translation.override(language):
            report = REPORT_KINDS[kind](org, year, grant=grant)
            content = {
                "json": lambda: json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n",
                "xlsx": report.as_xlsx,
                "pdf": report.as_pdf,
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
