"""The import graph of Fieldbook's own modules, read from their source (``ast``): no circles, and
the layers hold. Every import counts — at the top, inside a function, under ``TYPE_CHECKING`` —
because each is a dependency a reader has to follow, whether Python runs it at import or later.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "store", "jobs")
NOT_IMPORTABLE = {"app.main"}  # the Streamlit script: importing it draws the app


def _modules() -> dict[str, Path]:
    found = {"launcher": ROOT / "launcher.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _own(name: str) -> str | None:
    """The module of this project that ``import name`` loads last (a name inside it allowed)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, path: Path) -> set[str]:
    """Every name ``name``'s source imports: its own modules resolved, others as written."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    resolved = {_own(n) or n for n in found}
    resolved.discard(name)
    return resolved


GRAPH = {name: {n for n in imports_of(name, path) if n in MODULES} for name, path in MODULES.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    found = circles(GRAPH)
    described = ["; ".join(f"{m} imports {', '.join(sorted(GRAPH[m] & set(part)))}" for m in part) for part in found]
    assert not found, "import circles: " + " | ".join(described)


def test_store_and_jobs_never_import_the_ui() -> None:
    wrong = {
        name: sorted(n for n in imports_of(name, path) if n.split(".")[0] in ("app", "streamlit"))
        for name, path in MODULES.items()
        if name.split(".")[0] in ("store", "jobs")
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_graph_sees_the_imports() -> None:
    """The walk resolves relative and function-level imports (else the tests above prove nothing)."""
    assert "app.desktop.server" in GRAPH["app.desktop.launch"]  # imported inside begin()
    assert "store.core.db" in GRAPH["store.snapshots.engine"] or "store.core.db" in GRAPH["app.desktop.lifecycle"]


@pytest.mark.parametrize("name", sorted(set(MODULES) - NOT_IMPORTABLE))
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)
