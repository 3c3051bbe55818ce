from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The home page (what needs doing, for each role), the menu and the accessibility
    statement: the top floor, that reads every app's selectors and that none imports."""

    name = "parcours.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from parcours.dashboard import accessibility  # noqa: F401 (its system check)
