from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation (manage.py load_demo) and the seed's history behind its 2016
    slides (manage.py load_seed_history), built through the same services as the screens."""

    name = "parcours.demo"
    label = "demo"
