"""The Django side of ``bench/import_under_load.py`` (one process per call):

    python -m bench.under_load_setup setup ORG PASSWORD TARGET...   # targets + marks
    python -m bench.under_load_setup counts TARGET                  # imported rows

Prints one JSON object on stdout.
"""

import datetime
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
django.setup()

from parcours.accounts.enums import Role  # noqa: E402
from parcours.accounts.models import Organisation, User  # noqa: E402
from parcours.assessments.models import Assessment  # noqa: E402
from parcours.attendance.models import Attendance  # noqa: E402
from parcours.attendance.selectors import expected_participants  # noqa: E402
from parcours.participants.models import Participant  # noqa: E402
from parcours.programme.models import Enrolment, Group  # noqa: E402
from parcours.workshops.models import Session  # noqa: E402

MARKS = 285


def setup(slug, password, targets):
    """Empty organisations with a coordinator each; the (session, person) pairs of the
    registers of ``slug`` that are still open (not validated, not cancelled)."""
    for target in targets:
        organisation = Organisation.objects.create(name=target, slug=target)
        User.objects.create_user(
            f"{target}-coordinator", password=password, organisation=organisation,
            role=Role.COORDINATOR,
        )  # fmt: skip
    today = datetime.date.today()
    sessions = (
        Session.objects.filter(
            organisation__slug=slug, cancelled=False, register_validated_at__isnull=True,
            date__gte=today - datetime.timedelta(days=7),
            date__lte=today + datetime.timedelta(days=14),
        ).order_by("date", "start_time", "id")
    )  # fmt: skip
    pairs = []
    for session in sessions:
        pairs += [
            [session.pk, pk] for pk in expected_participants(session).values_list("pk", flat=True)
        ]
        if len(pairs) >= MARKS:
            break
    return {"marks": pairs[:MARKS]}


def counts(target):
    return {
        "participants": Participant.objects.filter(organisation__slug=target).count(),
        "groups": Group.objects.filter(organisation__slug=target).count(),
        "enrolments": Enrolment.objects.filter(group__organisation__slug=target).count(),
        "assessments": Assessment.objects.filter(
            enrolment__group__organisation__slug=target
        ).count(),
        "sessions": Session.objects.filter(organisation__slug=target).count(),
        "attendance": Attendance.objects.filter(session__organisation__slug=target).count(),
    }


def main():
    command, *args = sys.argv[1:]
    result = setup(args[0], args[1], args[2:]) if command == "setup" else counts(args[0])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
