from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """Synthetic programmes for benchmarks (manage.py generate_synthetic)."""

    name = "parcours.synthetic"
    label = "synthetic"
