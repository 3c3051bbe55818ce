"""Work a web process would otherwise do at its first requests, done once before it serves.

Gunicorn loads the application in its master process (``preload_app``,
scripts/gunicorn.conf.py) and calls ``warm`` there before forking the workers, which
start with all of it in memory: a new worker (at start, and each time one is recycled
after ``max_requests``) then answers its first requests as fast as the others instead
of compiling every template and loading every catalogue while people wait
(docs/performance.md, "3. Pages under load").
"""

from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import TemplateSyntaxError, engines
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.urls.resolvers import get_ns_resolver
from django.utils import translation


def _template_names(directories):
    for directory in directories:
        root = Path(directory)
        for path in root.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".txt"}:
                yield path.relative_to(root).as_posix()


def _resolvers(resolver, pattern="", converters=None):
    """The resolver and the namespaced ones ``reverse("app:name")`` builds, each cached."""
    yield resolver
    for extra, inner in resolver.namespace_dict.values():
        inner_pattern = pattern + extra
        inner_converters = {**(converters or {}), **inner.pattern.converters}
        yield get_ns_resolver(inner_pattern, inner, tuple(inner_converters.items()))
        yield from _resolvers(inner, inner_pattern, inner_converters)


def warm() -> dict:
    """Compile the project's templates into the cached loader, read the translation
    catalogues and build the URL reverse tables of each language. Reads no database:
    a connection opened here would be shared by the forked workers."""
    engine = engines["django"]
    names = set(_template_names([*engine.engine.dirs, *get_app_template_dirs("templates")]))
    compiled = 0
    for name in sorted(names):
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            # A page of a library this project never renders (it needs tags of an app
            # not installed): it would fail in the same way at its first request.
            continue
        compiled += 1
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Parcours")
            # The reverse tables are built per active language, at the first reverse().
            for resolver in _resolvers(get_resolver()):
                resolver.reverse_dict  # noqa: B018
    # Nothing above should connect; closing makes sure no connection crosses the fork.
    connections.close_all()
    return {"templates": compiled}
