"""The walls between the apps, as the architecture describes them, checked on the source."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("newsroom", "authors", "articles", "comments")
# Who may import whom: comments -> articles -> authors -> newsroom, nothing back.
ALLOWED = {
    "newsroom": set(),
    "authors": {"newsroom"},
    "articles": {"authors", "newsroom"},
    "comments": {"articles", "authors", "newsroom"},
}
MAX_LINES = 700


def python_files(package):
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path):
    """Every module a file imports, at module level or inside a function, as dotted names."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            found.append((prefix, node.lineno))
            # "from . import views" names modules too.
            found += [(f"{prefix}.{alias.name}", node.lineno) for alias in node.names]
    return found


@pytest.mark.parametrize("package", APPS)
def test_apps_import_only_what_they_build_on(package):
    """Dependencies point one way: comments -> articles -> authors -> newsroom."""
    wrong = []
    for path in python_files(package):
        for name, line in imported_modules(path):
            top = name.split(".")[0]
            if top in APPS and top != package and top not in ALLOWED[package]:
                if path == ROOT / "newsroom" / "urls.py":
                    continue  # include("app.urls") names apps by string only
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert wrong == []


def test_newsroom_names_apps_only_in_url_includes():
    """The project package reaches the apps only through include() in urls.py."""
    source = (ROOT / "newsroom" / "urls.py").read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            assert not any((n or "").split(".")[0] in APPS[1:] for n in names)


def _names_in_code(path):
    """String constants of a module, its docstrings left out: names it may look apps up by."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.value, node.lineno


def test_the_media_library_names_no_app():
    """newsroom.media serves articles and authors without naming them, even by get_model:
    the apps register their uses of an image with it instead."""
    wrong = [
        f"{path.relative_to(ROOT)}:{line} names {value!r}"
        for path in python_files("newsroom/media")
        for value, line in _names_in_code(path)
        for app in APPS[1:]
        if value == app or value.startswith((f"{app}.", f"{app}_", f"{app}:"))
    ]
    assert wrong == []


@pytest.mark.parametrize("package", ("articles", "comments", "newsroom/media"))
def test_no_import_cycles_inside_an_app(package):
    """No two modules of an app import each other, directly or through others."""
    modules = {module_name(p): p for p in python_files(package)}
    graph = {
        name: {
            target
            for imported, _ in imported_modules(path)
            for target in (imported,)
            if target in modules and target != name
        }
        for name, path in modules.items()
    }
    # A package's __init__ importing its submodules is how packages are made, not a cycle.
    cycles = []
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert cycles == []


@pytest.mark.parametrize("package", APPS)
def test_no_module_is_longer_than_700_lines(package):
    """Long modules hide rules: each one stays short enough to read whole."""
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files(package)
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
