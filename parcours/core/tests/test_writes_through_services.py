"""Every write goes through a named service: no view writes a record itself."""

import ast
import pathlib

import pytest

import parcours

WRITING_CALLS = {"create_record", "update_record", "delete_record"}
MANAGER_WRITES = {"create", "bulk_create", "update", "delete", "get_or_create", "update_or_create"}


ROOT = pathlib.Path(parcours.__file__).parent


def _view_modules():
    return sorted([*ROOT.glob("*/views.py"), *ROOT.glob("*/views/*.py")])


def _writes_in(path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name in WRITING_CALLS:
            found.append(f"{path.name}:{node.lineno} {name}")
        elif name in MANAGER_WRITES and isinstance(function, ast.Attribute):
            # Model.objects.create(...), x.domains.filter(...).delete(), queryset.update(...)
            target = function.value
            while isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute):
                target = target.func.value
            if isinstance(target, ast.Attribute | ast.Name) and (
                getattr(target, "attr", "") in {"objects", "domains", "groups", "staff"}
                or isinstance(function.value, ast.Call)
                or getattr(target, "attr", "").endswith("_set")
            ):
                found.append(f"{path.name}:{node.lineno} {name}")
    return found


def test_the_view_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in _view_modules()}
    assert {"workshops/views/catalogue.py", "funding/views.py", "participants/views/intake.py"} <= (
        names
    )


@pytest.mark.parametrize("path", _view_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_view_writes_records_itself(path):
    assert _writes_in(path) == [], "call a service of the app instead"


def test_the_scan_sees_a_write(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "def view(request):\n"
        "    create_record(obj=x, by=request.user)\n"
        "    Workshop.objects.create(name='x')\n"
        "    workshop.domains.exclude(domain='x').delete()\n"
        "    Workshop.objects.filter(pk=1).update(name='y')\n"
        "    request.session.pop('x', None)\n"
        "    context.update(a=1)\n"
    )
    assert _writes_in(module) == [
        "views.py:2 create_record",
        "views.py:3 create",
        "views.py:4 delete",
        "views.py:5 update",
    ]
