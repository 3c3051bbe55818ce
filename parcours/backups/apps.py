from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Backups and restores of the whole installation (``manage.py backup``/``restore``)."""

    name = "parcours.backups"
    label = "backups"
