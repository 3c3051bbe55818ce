"""HTTP hardening: security headers on every page, and templates the CSP can allow."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from parcours.accounts.checks import iter_url_patterns


def _sample_arguments(pattern) -> dict:
    """Arguments of the right type for a URL; whether they match a record is irrelevant:
    a 404 must carry the headers too."""
    return {
        name: 1 if type(converter).__name__ == "IntConverter" else "sample"
        for name, converter in pattern.pattern.converters.items()
    }


URL_ARGUMENTS = {name: _sample_arguments(pattern) for _route, name, pattern in iter_url_patterns()}
URL_NAMES = sorted(name for name in URL_ARGUMENTS if name)
FORBIDDEN_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'"}


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_hardened(response):
    directives = csp_directives(response)
    for directive in ("default-src", "script-src"):
        assert directive in directives, response["Content-Security-Policy"]
        assert not FORBIDDEN_SCRIPT_SOURCES & set(directives[directive]), directives[directive]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = {value.strip() for value in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control, response["Cache-Control"]


def test_the_pages_are_read_from_the_url_configuration():
    assert URL_NAMES
    assert "dashboard:home" in URL_NAMES
    assert "accounts:login" in URL_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_every_page_is_hardened_for_a_signed_in_user(client, coordinator, name):
    client.force_login(coordinator)
    assert_hardened(client.get(reverse(name, kwargs=URL_ARGUMENTS[name])))


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_every_page_is_hardened_for_an_anonymous_visitor(client, name):
    assert_hardened(client.get(reverse(name, kwargs=URL_ARGUMENTS[name])))


@pytest.mark.django_db
def test_dashboard_of_a_signed_in_user_is_hardened(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.django_db
def test_login_page_is_hardened(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.django_db
def test_page_not_found_is_hardened(client, social_worker):
    client.force_login(social_worker)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_hardened(response)


# The policy forbids inline script: the templates must not need any.

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
SCRIPT_SOURCE = re.compile(r"\ssrc\s*=", re.IGNORECASE)
INLINE_CODE = {
    "event handler attribute": re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.IGNORECASE),
    "htmx hx-on attribute": re.compile(r"<[a-z][^>]*?\s(data-)?hx-on\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def inline_code_in(text: str) -> list[str]:
    found = [
        f"inline <script>: {tag}"
        for tag in SCRIPT_TAG.findall(text)
        if not SCRIPT_SOURCE.search(tag)
    ]
    for label, pattern in INLINE_CODE.items():
        found += [f"{label}: {match.group(0)}" for match in pattern.finditer(text)]
    return found


def project_templates() -> list[Path]:
    folders = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("parcours/*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "x";</script>',
        '<button type="button" onclick="go()">',
        '<body\n  class="page" onload="start()">',
        '<div hx-on:click="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_the_template_scan_catches_inline_code(text):
    assert inline_code_in(text)


@pytest.mark.parametrize(
    "text",
    [
        '<script src="/static/js/app.js" defer></script>',
        '<button type="button" data-menu-toggle aria-controls="main-menu">',
        '<a href="{% url "accounts:login" %}" class="button">',
    ],
)
def test_the_template_scan_lets_external_scripts_through(text):
    assert not inline_code_in(text)


def test_the_project_has_templates_to_scan():
    names = {path.name for path in project_templates()}
    assert {"base.html", "login.html", "home.html"} <= names


def test_no_template_contains_inline_script_or_event_handler():
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): found
        for path in project_templates()
        if (found := inline_code_in(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
