"""The README's map ("How it is built") matches the tree: every folder it names exists, and every
package of Fieldbook is named in its first column — a newcomer finds each room from the table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _map_rows() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        if len(cells) == 2 and not set(cells[0].strip()) <= {"-"} and cells[0].strip() != "folder":
            rows.append((cells[0].strip(), cells[1].strip()))
    return rows


ROWS = _map_rows()
NAMED = [name for first, _ in ROWS for name in re.findall(r"`([^`]+)`", first)]


def test_the_map_has_rows() -> None:
    assert len(ROWS) >= 10, ROWS
    assert "store/core/" in NAMED and "app/desktop/" in NAMED


def test_every_named_folder_and_file_exists() -> None:
    missing = [name for name in NAMED if not (ROOT / name).exists()]
    assert not missing, f"the README's map names what is not in the tree: {missing}"


def test_every_package_is_on_the_map() -> None:
    packages = sorted(
        str(init.parent.relative_to(ROOT)) + "/"
        for top in ("app", "store", "jobs")
        for init in (ROOT / top).rglob("__init__.py")
    )
    assert "store/core/" in packages  # the walk finds the packages at all
    unnamed = [p for p in packages if p not in NAMED]
    assert not unnamed, f"packages the README's map does not name: {unnamed}"


def test_files_named_in_a_row_live_in_its_folder() -> None:
    """A module the table names in a folder's row (as `name.py`) is in that folder — or, written
    as a path (`app/record_draft.py`), at that path."""
    wrong = []
    for first, what in ROWS:
        folders = [n for n in re.findall(r"`([^`]+/)`", first)]
        if not folders:
            continue
        for name in re.findall(r"`([\w/]+\.py)`", what):
            if "/" in name:
                found = (ROOT / name).exists()
            else:
                found = any((ROOT / folder / name).exists() for folder in folders)
            if not found:
                wrong.append(f"{first}: {name}")
    assert not wrong, f"the README's map names modules that are not where it says: {wrong}"
