from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "parcours.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        from parcours.workshops import signals

        signals.connect()
