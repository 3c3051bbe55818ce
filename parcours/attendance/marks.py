"""Whether a session's register has been started (``Session.has_marks``), kept with the
marks: set by ``Attendance.save``, computed again here when marks are deleted (a person
erased: ``apps``) or inserted in bulk (the workbook import, the synthetic generator)."""

from django.db.models import Exists, OuterRef

from parcours.attendance.models import Attendance
from parcours.workshops.models import Session


def _marked():
    return Exists(Attendance.objects.filter(session=OuterRef("pk")))


def refresh_marked(sessions) -> int:
    """Compute the flag again for ``sessions`` (a queryset), after marks were inserted or
    deleted without the model; returns how many sessions changed."""
    started = sessions.filter(has_marks=False).filter(_marked()).update(has_marks=True)
    emptied = sessions.filter(has_marks=True).exclude(_marked()).update(has_marks=False)
    return started + emptied


def stale_marked(organisation_id):
    """The organisation's sessions whose flag says the contrary of their marks."""
    sessions = Session.objects.filter(organisation_id=organisation_id)
    return sessions.filter(has_marks=False).filter(_marked()) | sessions.filter(
        has_marks=True
    ).exclude(_marked())
