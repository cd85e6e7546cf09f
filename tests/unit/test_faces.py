"""Each package's public face (``store/core/lazy.py``): what its ``__init__.py`` names is what it
gives, loaded only when asked for, and the app imports those names from the face."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FACES = ("store.core", "store.fielddata", "store.inputs", "store.snapshots", "store.sync", "store.formdef", "jobs")


def _typing_imports(package: str) -> dict[str, str]:
    """name → module, from the ``if TYPE_CHECKING:`` block of the package's ``__init__.py``."""
    tree = ast.parse((ROOT / package.replace(".", "/") / "__init__.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module, ast.unparse(imp)
                for alias in imp.names:
                    assert alias.asname == alias.name, f"{package}: re-export {alias.name} as itself"
                    found[alias.name] = imp.module
    return found


@pytest.mark.parametrize("package", FACES)
def test_the_face_gives_what_the_type_checker_reads(package: str) -> None:
    face = importlib.import_module(package)
    typed = _typing_imports(package)
    assert sorted(face.__all__) == sorted(typed)
    submodules = {p.stem for p in (ROOT / package.replace(".", "/")).iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    for name, module in typed.items():
        assert name not in submodules, f"{package}.{name} is also a module: the import system would replace one by the other"
        assert getattr(face, name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError):
        face.no_such_name  # noqa: B018


def test_a_face_loads_nothing_until_asked() -> None:
    code = (
        "import sys\n"
        f"for p in {FACES!r}: __import__(p)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({tuple(p + '.' for p in FACES)!r}) and m != 'store.core.lazy'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_app_imports_a_package_through_its_face() -> None:
    faces = {package: set(importlib.import_module(package).__all__) for package in FACES}
    private = []
    for path in sorted((ROOT / "app").rglob("*.py")) + [ROOT / "launcher.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                package = node.module.rpartition(".")[0]
                names = {alias.name for alias in node.names}
                if package in faces and names <= faces[package]:
                    private.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {package} import {', '.join(sorted(names))}")
    assert not private, "\n".join(private)
