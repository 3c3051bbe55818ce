"""The reminders as a background task (Django's tasks API): the nightly schedule calls
the services directly, a person or another task may enqueue this one."""

import datetime

from django.tasks import task

from parcours.accounts.models import Organisation
from parcours.reminders.services import send_due_digests, send_session_reminders


@task
def send_reminders(organisation_id: int, day: str) -> dict:
    """The digests and session reminders of ``day`` (ISO date) for one organisation."""
    organisation = Organisation.objects.get(pk=organisation_id)
    today = datetime.date.fromisoformat(day)
    digests = send_due_digests(organisation, today)
    reminders = send_session_reminders(organisation, today)
    return {
        "digests_sent": digests.sent,
        "digests_failed": digests.failed,
        "reminders_sent": reminders.sent,
        "reminders_failed": reminders.failed,
    }
