"""The API's documentation page in a browser: Swagger UI from the static files, under
the project's Content Security Policy, reading the live schema."""

import pytest

from parcours.testing.browser import expect

pytestmark = pytest.mark.browser


def test_the_documentation_page_shows_the_api(page, browser_errors):
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Parcours API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert browser_errors == []
