from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "parcours.reporting"
    label = "reporting"
    verbose_name = _("Yearly figures and reports")

    def ready(self):
        # The reports are computed again after each committed change of records.
        from parcours.reporting import precompute

        precompute.connect()
