"""The work done in gunicorn's master before the workers are forked (core.warmup)."""

from django.conf import settings
from django.template import engines

from parcours.core.warmup import warm

SERVER_CONFIG = settings.BASE_DIR / "scripts" / "gunicorn.conf.py"


def _cached_names():
    loader = engines["django"].engine.template_loaders[0]
    return set(loader.get_template_cache)


# No database marker: a query in warm() would fail the test (pytest-django refuses it),
# and a connection opened in the master would be shared by the forked workers.
def test_the_templates_are_compiled_without_touching_the_database():
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()

    done = warm()

    cached = _cached_names()
    assert done["templates"] > 100
    assert {
        "base.html",
        "participants/participant_list.html",
        "attendance/_register_row.html",
        "forms/field.html",
        "django/forms/widgets/select.html",
    } <= cached


class _Server:
    def __init__(self):
        self.log = self
        self.lines = []

    def info(self, message, *args):
        self.lines.append(message % args)


def test_gunicorn_loads_the_application_once_and_warms_it_before_forking():
    values = {"__file__": str(SERVER_CONFIG)}
    exec(compile(SERVER_CONFIG.read_text(), str(SERVER_CONFIG), "exec"), values)
    server = _Server()

    values["when_ready"](server)

    assert values["preload_app"] is True
    assert len(server.lines) == 1
    assert "templates" in server.lines[0]
