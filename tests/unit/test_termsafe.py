"""Data never drives the terminal (issue 20, item 12)."""

from __future__ import annotations

import pytest

from store.core.errors import ValidationError
from store.core.termsafe import visible
from store.fielddata.projects import clean_name
from tests.conftest import run_cli

ESCAPES = ["\x1b]0;owned\x07", "\x1b[2J", "\x9b31m", "abc\u202etxt.exe", "bell\x07", "nul\x00"]


@pytest.mark.parametrize("name", ESCAPES)
def test_a_project_name_with_control_characters_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        clean_name(f"Plots {name}")


def test_ordinary_names_pass() -> None:
    assert clean_name("  Wald   Süd – 2026 🌳 ") == "Wald Süd – 2026 🌳"


def test_visible_escapes_everything_but_line_breaks_and_tabs() -> None:
    assert visible("a\x1b]0;x\x07b\n\tc\u202e") == "a\\x1b]0;x\\x07b\n\tc\\u202e"


def test_the_cli_prints_values_escaped(tmp_path) -> None:
    """A record value with a terminal escape, shown by `records import` in its problem report."""
    home = tmp_path / "home"
    form = tmp_path / "form.json"
    form.write_text('{"title": "T", "fields": [{"name": "count", "type": "integer", "label": {"en": "Count"}}]}')
    made = run_cli(home, "project", "create", "Plots", "--form", str(form))
    assert made.returncode == 0, made.stderr
    data = tmp_path / "rows.csv"
    data.write_text("count\n\x1b]0;owned\x07\x1b[2J\n", encoding="utf-8")
    result = run_cli(home, "records", "import", "Plots", str(data))
    assert result.returncode == 3
    out = result.stdout + result.stderr
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;owned\\x07" in out
