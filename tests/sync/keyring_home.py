"""The real ``keyring`` library with keyrings.alt's PlaintextKeyring in a temporary XDG_DATA_HOME,
so that no test writes a password into the real home (FACTS.md §keyring).

A test module defines its fixture with ``yield from private_keyring(tmp_path, monkeypatch)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

BACKEND = "keyrings.alt.file.PlaintextKeyring"
REAL_FILE = Path.home() / ".local" / "share" / "python_keyring" / "keyring_pass.cfg"


def keyring_env(data_home: Path) -> dict[str, str]:
    """The environment a Fieldbook subprocess needs to use the same private keyring."""
    return {"XDG_DATA_HOME": str(data_home), "PYTHON_KEYRING_BACKEND": BACKEND}


def _stamp() -> tuple[bool, float]:
    return (REAL_FILE.exists(), REAL_FILE.stat().st_mtime if REAL_FILE.exists() else 0.0)


def private_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    data = tmp_path / "xdg-data"
    data.mkdir()
    before = _stamp()
    for var, value in keyring_env(data).items():
        monkeypatch.setenv(var, value)
    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    assert backend.file_path.startswith(str(data)), backend.file_path
    keyring.set_keyring(backend)
    try:
        yield data
    finally:
        keyring.set_keyring(previous)
    assert _stamp() == before, "a test wrote into the real keyring file"
