"""Browser fixtures: Debian's Chromium driven by Playwright against ``live_server``.

The pages are served by pytest-django's ``live_server`` (so the database is the
``transactional_db`` it implies: SQLite in memory, or PostgreSQL when DATABASE_URL
names one). Chromium is not downloaded by Playwright: the system one is used. Without
it the browser tests are skipped, unless REQUIRE_BROWSER=1 asks for them to fail.

``axe_results`` runs axe-core (static/vendor/axe-core, from the npm package, never
served to the pages people use) on the page the browser shows.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - the dev requirements install it
    expect = sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 820, "height": 1180}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_SCRIPT = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
# The success criteria of WCAG 2.1 A and AA, those EN 301 549 and directive 2016/2102 ask
# for: what the tests refuse. axe's best practices are reported beside them.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"critical", "serious"}


def _browser_unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (set REQUIRE_BROWSER=1 to make this a failure)")


@pytest.fixture
def _allow_async_unsafe(monkeypatch):
    """Playwright's sync API runs an event loop in this thread, so Django would refuse
    the ORM calls of the test itself (SynchronousOnlyOperation)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser_errors():
    """What the browser reports as going wrong: console errors (CSP violations are
    among them) and uncaught exceptions of the page's scripts."""
    return []


@pytest.fixture
def page(_allow_async_unsafe, live_server, browser_errors):
    if sync_playwright is None:
        _browser_unavailable("the Playwright package is not installed")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _browser_unavailable(f"Chromium is not installed at {CHROMIUM}")

    def on_console(message):
        if message.type == "error":
            browser_errors.append(f"console error: {message.text}")

    def on_page_error(error):
        browser_errors.append(f"uncaught exception: {error}")

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                context = browser.new_context(base_url=live_server.url, viewport=TABLET)
                page = context.new_page()
                page.on("console", on_console)
                page.on("pageerror", on_page_error)
                yield page
            finally:
                browser.close()
        finally:
            # While Playwright's event loop runs in this thread, Django (whose connection
            # registry is an asgiref Local with thread_critical=True) keeps the
            # connections of the test apart from the thread's own, and nobody would
            # close them: on PostgreSQL the test database could not be dropped at the
            # end ("being accessed by other users"). Close them while they are visible.
            connections.close_all()


def sign_in(page, username: str, password: str):
    """Fill the sign-in form as a person would, and send it."""
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


@dataclass(frozen=True)
class AxeViolation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    wcag: bool  # a success criterion of WCAG 2.1 A or AA, not one of axe's best practices

    def __str__(self):
        return f"{self.impact} {self.rule} ({self.help}): {', '.join(self.targets)}"


def load_axe(page):
    """Make axe-core part of every page the context opens from now on. An init script is
    added by the browser itself, so the pages' Content-Security-Policy does not refuse
    it, and nothing is asked of the server."""
    page.context.add_init_script(path=AXE_SCRIPT)


@dataclass(frozen=True)
class AxeResults:
    violations: list[AxeViolation]
    # What axe could not decide alone (a contrast over an image, say): rule -> elements.
    incomplete: dict[str, int]

    @property
    def blocking(self) -> list[AxeViolation]:
        return [v for v in self.violations if v.wcag and v.impact in BLOCKING_IMPACTS]


def axe_results(page) -> AxeResults:
    """What axe-core finds wrong with the page as it is shown now (``load_axe`` first):
    the rules of WCAG 2.1 A and AA, and axe's best practices (told apart by ``wcag``)."""
    found = page.evaluate(
        """async ([tags, wcag]) => {
            const results = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations", "incomplete"],
            });
            const described = (result) => ({
                rule: result.id,
                impact: result.impact,
                help: result.help,
                targets: result.nodes.map((node) => node.target.join(" ")),
                wcag: result.tags.some((tag) => wcag.includes(tag)),
            });
            return {
                violations: results.violations.map(described),
                incomplete: results.incomplete.map(described),
            };
        }""",
        [[*AXE_TAGS, "best-practice"], AXE_TAGS],
    )
    return AxeResults(
        violations=[
            AxeViolation(
                rule=item["rule"],
                impact=item["impact"] or "minor",
                help=item["help"],
                targets=tuple(item["targets"]),
                wcag=item["wcag"],
            )
            for item in found["violations"]
        ],
        incomplete={item["rule"]: len(item["targets"]) for item in found["incomplete"]},
    )


# The element that has the focus, and whether it shows it: an outline of at least 2px on
# it, or on the label or the sibling that draws it (radio buttons drawn as buttons).
_FOCUS = """() => {
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) {
        return null;
    }
    const shows = (node) => {
        if (!node) return false;
        const style = getComputedStyle(node);
        return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    };
    const text = (element.innerText || element.value || "").trim().slice(0, 40);
    return {
        element: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""} ${text}`,
        visible: [element, element.nextElementSibling, element.closest("label")].some(shows),
    };
}"""


def tab_to(page, selector: str, *, limit: int = 150):
    """Press Tab until an element matching ``selector`` has the focus, as a person using
    the keyboard only would (nothing to do when it has it already, as an autofocused
    field). Every element the focus stops at must show it. Past the last element of the
    page the focus leaves for the browser's own controls and comes back at the top; not
    reaching the element within ``limit`` presses means it cannot be reached with Tab, or
    that the focus is trapped on the way."""
    is_target = "(selector) => document.activeElement.matches(selector)"
    if page.evaluate(is_target, selector):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUS)
        if focused is None:
            continue
        assert focused["visible"], f"the focus does not show on {focused['element']}"
        if page.evaluate(is_target, selector):
            return
    raise AssertionError(f"{selector} is not reached with Tab in {limit} presses")
