"""A system check that refuses to start when a URL leads to a view without an access rule."""

from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver

from parcours.accounts.access import declared_capability


def iter_url_patterns(resolver=None, prefix="", namespace=""):
    """Yield (route, qualified name, pattern) for every URL pattern, nested ones included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from iter_url_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = (
                ":".join(part for part in (namespace, entry.name) if part) if entry.name else None
            )
            yield route, name, entry


@checks.register(checks.Tags.security, checks.Tags.urls)
def check_every_view_declares_access(app_configs, **kwargs):
    return [
        checks.Error(
            f"The view of URL '{route}' declares no access rule.",
            hint="Decorate it with parcours.accounts.access.requires(...) or public.",
            id="parcours.E001",
        )
        for route, _name, pattern in iter_url_patterns()
        if declared_capability(pattern.callback) is None
    ]
