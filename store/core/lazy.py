"""A package's public face, loaded on first use (PEP 562).

A package names what the rest of the program may import from it — ``from store.snapshots import
Inbox`` — in its ``__init__.py``, without importing the modules behind those names until one is
asked for. The app imports a few names of a package at every start and a command like
``fieldbook --version`` none; neither should pay for the whole package. Type checkers read the
same names from imports under ``TYPE_CHECKING`` (``tests/unit/test_faces.py`` holds the two lists
equal).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def public_face(package: str, where: dict[str, str]) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for ``package``. ``where`` maps each of the
    package's modules to the names it gives the face, separated by spaces."""
    home = {name: module for module, names in where.items() for name in names.split()}

    def __getattr__(name: str) -> Any:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(importlib.import_module(package), name, value)  # asked once, then a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(home) | set(vars(importlib.import_module(package))))

    return sorted(home), __getattr__, __dir__
