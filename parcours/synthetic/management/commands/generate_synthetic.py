"""manage.py generate_synthetic --organisation SLUG --participants N --years K
[--organisations M]: with M, a federation SLUG of M CPAS (SLUG-001…) sharing the N."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parcours.core.plurals import plural
from parcours.synthetic.federation import generate_federation, shares
from parcours.synthetic.generate import SyntheticError, generate_programme


class Command(BaseCommand):
    help = (
        "Write a synthetic programme (participants, groups, enrolments and exits, "
        "assessments, interventions, weekly sessions and their attendance) in the "
        "proportions of the seed, for benchmarks. Refuses an organisation that already "
        "has participants unless --replace is given. Never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="Slug; created if missing.")
        parser.add_argument("--participants", type=int, required=True)
        parser.add_argument("--years", type=int, default=3, help="Years of history (default 3).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same programme.")
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            default=None,
            help="The programme's 'today' (YYYY-MM-DD, default today).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the organisation's programme records first (users are kept).",
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=None,
            help="Build a federation of this many CPAS, named after --organisation "
            "(SLUG-001…), the participants spread over them, with an analyst SLUG-analyst.",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="Password of every synthetic user (default: they cannot sign in).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Synthetic data is refused in production (DEBUG=0).")
        arguments = {
            "slug": options["organisation"],
            "participants": options["participants"],
            "years": options["years"],
            "seed": options["seed"],
            "until": options["until"],
            "replace": options["replace"],
            "password": options["password"],
            "log": self.stdout.write if options["verbosity"] > 1 else (lambda message: None),
        }
        try:
            if options["organisations"] is not None:
                self._federation(arguments, options["organisations"])
                return
            summary = generate_programme(**arguments)
        except SyntheticError as error:
            raise CommandError(str(error)) from error
        self._summary(summary, participants=options["participants"], years=options["years"])

    def _federation(self, arguments, organisations):
        summary = generate_federation(organisations=organisations, **arguments)
        counts = shares(arguments["participants"], organisations)
        for member, count in zip(summary.members, counts, strict=True):
            self._summary(member, participants=count, years=arguments["years"])
        self.stdout.write(
            f"Federation {summary.federation.slug}: {organisations} CPAS, "
            f"{arguments['participants']} participants; analyst login: "
            f"{summary.analyst.username}."
        )

    def _summary(self, summary, *, participants, years):
        rows = ", ".join(f"{table} {count}" for table, count in sorted(summary.rows.items()))
        self.stdout.write(
            f"{summary.organisation.slug}: {participants} participants over "
            f"{plural(years, 'year', 'years')} in {summary.seconds['total']:.1f} s ({rows})."
        )
