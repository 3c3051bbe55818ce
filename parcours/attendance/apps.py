from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "parcours.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self):
        from django.db.models.signals import post_delete

        from parcours.attendance.models import Attendance

        post_delete.connect(
            _mark_deleted, sender=Attendance, dispatch_uid="attendance_mark_deleted"
        )


def _mark_deleted(sender, instance, **kwargs):
    """A deleted mark (a person erased) may leave its register empty again."""
    from parcours.attendance.marks import refresh_marked
    from parcours.workshops.models import Session

    refresh_marked(Session.objects.filter(pk=instance.session_id))
