from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "parcours.funding"
    label = "funding"
    verbose_name = _("Funders and grants")

    def ready(self):
        from parcours.funding import summaries

        summaries.connect()  # the hours summary follows the writes (docs/summaries.md)
