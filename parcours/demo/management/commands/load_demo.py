import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.demo.build import (
    DEMO_ANALYST,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    build_demo,
    demo_exists,
    federate_demo,
)


class Command(BaseCommand):
    help = "Loads a fictitious demo organisation (refused in production mode)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The demo data is for local use only: it is refused in production mode (DEBUG=0)."
            )
        if demo_exists():
            self.stdout.write("The demo organisation is already loaded.")
        else:
            # It goes through the same services as the screens (validation, audit rows):
            # slow enough that a newcomer should know it is working.
            self.stdout.write(
                "Building the demo programme (the first time only; about 75 seconds "
                "on a 2-core machine)…"
            )
            started = time.monotonic()
            build_demo(today=timezone.localdate())
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"Demo organisation loaded in {seconds:.0f} s."))
        federate_demo()
        self.stdout.write(f"Demo logins (password “{DEMO_PASSWORD}”):")
        for login in [*DEMO_LOGINS, DEMO_ANALYST]:
            self.stdout.write(f"  {login.username:<14} {login.role}")
