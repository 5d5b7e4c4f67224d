"""The comments app's shape: no import cycles inside it, small files, articles unaware of it."""

import ast
from pathlib import Path

import comments

APP = Path(comments.__file__).parent
ARTICLES = APP.parent / "articles"


def _modules():
    found = {}
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(APP.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name, path, modules):
    """The app's modules that `name` imports, at any level (function-level imports too)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            candidates = [prefix, *(f"{prefix}.{alias.name}" for alias in node.names)]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate not in (name, "comments"):
                targets.add(candidate)
    return targets


def test_no_two_modules_of_the_comments_app_import_each_other():
    """Not directly, nor through others: every import path leads away and ends."""
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    done, path = set(), []

    def visit(name):
        if name in path:
            cycle = path[path.index(name) :] + [name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        path.append(name)
        for target in sorted(graph[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_no_file_of_the_comments_app_is_over_700_lines():
    long = {
        str(path.relative_to(APP)): n
        for path in APP.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 700
    }
    assert long == {}


def test_articles_never_names_the_comments_app_in_code():
    """comments builds on articles, never the other way (it adds its admin column by a hook)."""
    offenders = []
    for path in ARTICLES.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("comments"):
                offenders.append(str(path))
            elif isinstance(node, ast.Import) and any(
                alias.name.startswith("comments") for alias in node.names
            ):
                offenders.append(str(path))
            elif isinstance(node, ast.Constant) and node.value in ("comments", "Comment"):
                offenders.append(f"{path}: {node.value!r}")
    assert offenders == []
