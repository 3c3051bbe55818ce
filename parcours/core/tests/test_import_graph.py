"""The rooms and their doors (docs/architecture.md), read from the code's own imports.

Imports run one way: web (views, forms, urls, template tags, commands) → domain (models,
services, selectors and the rest of an app) → kernel (``core``). So:

- the apps' domain modules import each other without a cycle: no two apps, and no ring of
  apps, lean on each other (the web of an app may use another app's domain, which may use
  the first app's: the web sits above every domain);
- no domain module imports a web module, of its own app or of another;
- a view is imported by a URL configuration only: what two views share is domain (a
  selector, a grid) or web that is not a view (a form, a template).

The tests, their factories and the test support are left out: they may import anything.
So are the imports for the type checker only (under ``if TYPE_CHECKING:``): they never run,
and name a model no more than its string reference in a foreign key already does
("participants.Participant"). An allowance is listed below with its reason; a new one
needs one too.
"""

import re
from functools import cache

import grimp
import pytest

PACKAGE = "parcours"

# Modules outside the rooms: the tests and what serves them, the project's settings.
OUTSIDE = re.compile(
    r"^parcours\.(conftest|settings|urls|asgi|wsgi|env|testing)(\.|$)"
    r"|\.tests(\.|$)|\.factories$|\.migrations(\.|$)"
)
# The web: what answers a request or a command, and what only they use. The REST API is
# web but for its tokens (the accounts' page lists them) and their models; the dashboard
# app (the home page, the menu, the accessibility statement) is web whole.
WEB = re.compile(
    r"\.(views|urls|forms|filters|widgets|templatetags|context_processors|middleware"
    r"|management)(\.|$)"
    r"|_(views|forms)$"
    r"|^parcours\.api\.(?!models$|enums$|tokens$)"
    r"|^parcours\.dashboard\."
)
VIEWS = re.compile(r"\.views(\.|$)|_views$")
URLS = re.compile(r"\.urls$")

# The kernel: below every app, importing none.
KERNEL = {"core", "formats"}

# Allowances: (importer, imported) -> why.
DOMAIN_TO_WEB_ALLOWED: dict[tuple[str, str], str] = {
    # A download prepared in the background checks its parameters with the form of the
    # page that offers it: the file made later is the one the page would have given.
    ("parcours.downloads.kinds", "parcours.reporting.forms"): "the report page's form",
    ("parcours.downloads.kinds", "parcours.workbook.forms"): "the workbook export's form",
}
KERNEL_TO_APP_ALLOWED: dict[tuple[str, str], str] = {
    # A versioned form tells who changed the record in the meantime: the audit trail
    # knows, and a form is the web's, above every domain.
    ("parcours.core.forms", "parcours.audit.versions"): "who changed it meanwhile",
}
APP_CYCLES_ALLOWED: dict[frozenset[str], str] = {}
VIEW_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {}


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(
        PACKAGE, include_external_packages=False, exclude_type_checking_imports=True
    )


def app_of(module: str) -> str:
    return module.split(".")[1]


def in_rooms(module: str) -> bool:
    return module.count(".") >= 1 and not OUTSIDE.search(module)


def is_web(module: str) -> bool:
    return bool(WEB.search(module))


def imports():
    """Every import between two modules of the rooms: (importer, imported)."""
    g = graph()
    for importer in sorted(g.modules):
        if not in_rooms(importer):
            continue
        for imported in sorted(g.find_modules_directly_imported_by(importer)):
            if in_rooms(imported):
                yield importer, imported


def domain_app_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for importer, imported in imports():
        if is_web(importer) or is_web(imported):
            continue
        a, b = app_of(importer), app_of(imported)
        edges.setdefault(a, set())
        if a != b:
            edges[a].add(b)
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components of the apps' graph."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            components.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def test_the_graph_is_read():
    modules = graph().modules
    assert "parcours.participants.models" in modules
    assert "parcours.dashboard.views" in modules


def test_the_cycle_finder_finds_a_ring_of_three():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert {frozenset(c) for c in strongly_connected(edges) if len(c) > 1} == {
        frozenset({"a", "b", "c"})
    }


def test_no_apps_lean_on_each_other():
    cycles = [
        sorted(component)
        for component in strongly_connected(domain_app_graph())
        if len(component) > 1 and frozenset(component) not in APP_CYCLES_ALLOWED
    ]
    witnesses = {
        f"{importer} -> {imported}"
        for cycle in cycles
        for importer, imported in imports()
        if not is_web(importer)
        and not is_web(imported)
        and app_of(importer) in cycle
        and app_of(imported) in cycle
        and app_of(importer) != app_of(imported)
    }
    assert not cycles, f"apps importing each other: {cycles}\n" + "\n".join(sorted(witnesses))


def test_the_kernel_imports_no_app():
    found = [
        f"{importer} -> {imported}"
        for importer, imported in imports()
        if app_of(importer) in KERNEL
        and app_of(imported) not in KERNEL
        and (importer, imported) not in KERNEL_TO_APP_ALLOWED
    ]
    assert not found, "\n".join(found)


def test_no_domain_module_imports_the_web():
    found = [
        f"{importer} -> {imported}"
        for importer, imported in imports()
        if not is_web(importer)
        and is_web(imported)
        and (importer, imported) not in DOMAIN_TO_WEB_ALLOWED
    ]
    assert not found, "\n".join(found)


def test_views_are_imported_by_urls_only():
    found = [
        f"{importer} -> {imported}"
        for importer, imported in imports()
        if VIEWS.search(imported)
        and not URLS.search(importer)
        # A views package's own modules: its __init__ is a views module too.
        and not (imported.startswith(importer + ".") or importer.startswith(imported + "."))
        and (importer, imported) not in VIEW_IMPORTS_ALLOWED
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("module", "web"),
    [
        ("parcours.attendance.views.grid", True),
        ("parcours.reporting.federation_views", True),
        ("parcours.audit.management.commands.audit_verify", True),
        ("parcours.participants.templatetags.participants", True),
        ("parcours.attendance.grids", False),
        ("parcours.programme.exits", False),
        ("parcours.dashboard.overview", True),
    ],
)
def test_the_rooms_are_told_apart_by_name(module, web):
    assert is_web(module) is web
