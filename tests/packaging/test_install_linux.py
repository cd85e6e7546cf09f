"""packaging/install-linux.sh: a per-user install of the frozen app (menu entry, icon, command)
into a scratch $HOME, a re-install over it, and an uninstall that keeps the user's data."""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
from pathlib import Path

import pytest

from store import __version__
from tests.conftest import ROOT
from tests.packaging.dist import DIST

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

SCRIPT = ROOT / "packaging" / "install-linux.sh"


def run_script(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDBOOK_", "XDG_"))}
    env["HOME"] = str(home)
    return subprocess.run(["sh", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300)


def test_install_reinstall_uninstall(frozen, tmp_path):
    home = tmp_path / "home with space"
    data = home / ".local" / "share" / "Fieldbook"
    data.mkdir(parents=True)
    (data / "fieldbook.duckdb").write_bytes(b"the user's data")

    for _ in range(2):  # the second run replaces the first install
        result = run_script(home, str(DIST))
        assert result.returncode == 0, result.stderr
        assert f"Fieldbook {__version__} installed" in result.stdout

    entry = home / ".local" / "share" / "applications" / "fieldbook.desktop"
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    desktop.read(entry)
    section = desktop["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "Fieldbook" and section["Icon"] == "fieldbook"
    exec_argv = shlex.split(section["Exec"])
    assert exec_argv == [str(home / ".local" / "opt" / "fieldbook" / "Fieldbook")]
    assert subprocess.run([*exec_argv, "--version"], capture_output=True, text=True).stdout.strip() == f"Fieldbook {__version__}"
    assert (home / ".local" / "share" / "icons" / "hicolor" / "512x512" / "apps" / "fieldbook.png").exists()
    command = home / ".local" / "bin" / "fieldbook"
    assert command.is_symlink()  # the CLI through the link: the bootloader finds its files beside the real path
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"Fieldbook {__version__}", version.stderr
    assert not list((home / ".local" / "opt").glob("fieldbook.*"))  # no staging or old copies left

    removed = run_script(home, "--uninstall")
    assert removed.returncode == 0, removed.stderr
    assert not entry.exists() and not command.exists() and not (home / ".local" / "opt" / "fieldbook").exists()
    assert (data / "fieldbook.duckdb").read_bytes() == b"the user's data"


def test_install_without_a_build_says_what_to_do(tmp_path):
    result = run_script(tmp_path, str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "run 'make dist' first" in result.stderr
