"""The static files app, without what only the tests use."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class ParcoursStaticFilesConfig(StaticFilesConfig):
    # axe-core (static/vendor/axe-core) is given to the browser by the tests themselves:
    # collectstatic leaves it out, so that no installation serves it.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "vendor/axe-core/*"]
