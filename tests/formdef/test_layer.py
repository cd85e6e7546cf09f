"""The form layer stays pure, and the README documents what it offers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from store.formdef import FIELD_TYPES
from store.formdef.syntax import FUNCTIONS

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_form_layer_loads_no_ui_and_no_database() -> None:
    code = (
        "import sys, store.formdef, store.formdef.xlsform; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'duckdb', 'openpyxl', 'huey')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def _readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Form definitions", 1)[1].split("\n## ", 1)[0]


def test_readme_documents_every_function_and_field_type() -> None:
    section = _readme_section()
    for name in FUNCTIONS:
        assert any(f"{before}{name}" in section for before in " `\n"), name
    for kind in FIELD_TYPES:
        assert f"`{kind}`" in section, kind
