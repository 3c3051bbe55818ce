from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "parcours.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self):
        from django.db.models.signals import post_delete

        from parcours.attendance.models import Attendance
        from parcours.workshops import signals as workshop_signals

        post_delete.connect(
            _mark_deleted, sender=Attendance, dispatch_uid="attendance_mark_deleted"
        )
        workshop_signals.sessions_changed.connect(
            _sessions_changed, dispatch_uid="attendance_runs_sessions_changed"
        )


def _mark_deleted(sender, instance, **kwargs):
    """A deleted mark (a person or a session deleted) may leave its register empty again,
    and changes its person's run of absences."""
    from parcours.attendance.marks import refresh_marked
    from parcours.attendance.runs import refresh_runs
    from parcours.workshops.models import Session

    refresh_marked(Session.objects.filter(pk=instance.session_id))
    refresh_runs([instance.participant_id])


# Beyond this many sessions changed at once, the organisation's runs are computed again
# in one query rather than person by person.
MANY_SESSIONS = 2000


def _sessions_changed(sender, organisation_id, dates, sessions=None, **kwargs):
    """Sessions cancelled, restored, moved or retimed change the runs of the people marked
    in them: those named, else those marked on the dates, else the whole organisation."""
    from parcours.attendance import runs
    from parcours.workshops.models import Session

    if sessions is None and dates is not None:
        sessions = set(
            Session.objects.filter(organisation_id=organisation_id, date__in=dates).values_list(
                "pk", flat=True
            )
        )
    if sessions is not None and len(sessions) <= MANY_SESSIONS:
        runs.refresh_runs_of_sessions(sessions)
    else:
        runs.refresh_organisation_runs(organisation_id)
