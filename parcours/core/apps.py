from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, *, using, verbosity=1, **kwargs):
    """Create the database cache's table (``settings.CACHES``) if it is missing.

    Done after every ``migrate`` rather than in a migration: the table follows the cache
    settings of the day (none with Redis, again after switching back), and
    ``createcachetable`` leaves an existing table alone.
    """
    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))


class CoreConfig(AppConfig):
    name = "parcours.core"
    label = "core"
    verbose_name = _("Kernel")

    def ready(self):
        from django.db.models import fields

        # Django's own label for the empty choice of a menu is missing from its Dutch
        # catalogue, so Dutch pages fell back to the French one; ours is in every language
        # and, being lazy, is translated each time a menu is drawn.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")

        post_migrate.connect(create_cache_table, sender=self)
