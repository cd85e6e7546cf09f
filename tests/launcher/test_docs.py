"""The README is the manual: every setting and every command must be in it."""

from __future__ import annotations

from launcher import build_parser
from store.core.config import SETTINGS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented():
    missing = [s.env_name for s in SETTINGS if f"`{s.env_name}`" not in README]
    assert not missing


def test_every_command_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    missing = [name for name in commands if f"`fieldbook {name}`" not in README]
    assert not missing


def test_readme_has_the_two_commands():
    assert "make run" in README and "make test" in README
