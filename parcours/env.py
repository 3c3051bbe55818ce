"""Typed readers for settings taken from the environment.

Each reader rejects nonsense values loudly at start-up rather than letting a typo
silently fall back to a default (``DEBUG=flase`` must not mean production).
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (DEBUG=0).")
    return value


CACHE_TABLE = "parcours_cache"


def cache_from_url(url: str | None, *, key_prefix: str, production: bool) -> dict:
    """The default cache named by ``url`` (``CACHE_URL``), shared by every web worker and
    machine unless it is ``locmem://``.

    Empty (or ``db://``): Django's database cache, in the table ``parcours_cache`` of the
    application's database. ``redis://`` or ``rediss://``: Django's Redis cache, its keys
    prefixed with ``key_prefix`` so that several installations can share one server.
    ``locmem://``: each process its own memory, for development only.
    """
    url = (url or "").strip()
    scheme = url.partition("://")[0].lower() if "://" in url else url.lower()
    if scheme in {"", "db", "database"}:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "KEY_PREFIX": key_prefix,
            # Reports of every organisation, scope and language: the default of 300
            # entries would cull them within a busy morning.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            # A Redis that stops answering fails a request in seconds, never hangs it.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    if scheme == "locmem":
        if production:
            raise ImproperlyConfigured(
                "CACHE_URL=locmem:// keeps a cache per process: it is for development only."
            )
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": key_prefix,
        }
    raise ImproperlyConfigured(
        "CACHE_URL must be empty (the database), redis://, rediss:// or locmem://, "
        f"not {scheme}://."
    )
