"""What collectstatic gathers: the application's files, not axe-core, which only the
browser tests use (parcours/testing/browser.py)."""

from django.apps import apps
from django.contrib.staticfiles.finders import get_finders


def test_axe_core_is_left_out_of_collectstatic():
    patterns = apps.get_app_config("staticfiles").ignore_patterns
    collected = {path for finder in get_finders() for path, _storage in finder.list(patterns)}

    assert "js/app.js" in collected
    assert "vendor/htmx/htmx-2.0.11.min.js" in collected
    assert not [path for path in collected if "axe" in path]
