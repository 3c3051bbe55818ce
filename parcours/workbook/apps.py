from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbookConfig(AppConfig):
    name = "parcours.workbook"
    label = "workbook"
    verbose_name = _("Programme workbook import and export")

    def ready(self):
        # The import's words of the audit trail are registered with the importer: the
        # trail's page must find them even in a process that never imported.
        from parcours.workbook import importer  # noqa: F401
