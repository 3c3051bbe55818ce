from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "parcours.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        # The access check registers itself; the sign-in module connects its signals.
        from parcours.accounts import checks, signin  # noqa: F401
