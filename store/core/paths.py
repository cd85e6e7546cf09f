"""Where Fieldbook keeps its files.

By default the platform's folders (platformdirs). ``FIELDBOOK_HOME`` puts every folder under one
directory (tests use it with ``tmp_path``); each folder can also be set on its own.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

import platformdirs

from store.core.errors import StoreError
from store.core.private import private_folder, runtime_folder

APP_NAME = "Fieldbook"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    snapshots_dir: Path
    inbox_dir: Path
    logs_dir: Path
    config_dir: Path
    runtime_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "fieldbook.duckdb"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def jobs_queue(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    def folders(self) -> dict[str, Path]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def ensure(self) -> None:
        """Create every folder private (store/core/private.py), or raise ``StoreError`` saying which
        one cannot be used."""
        for name, folder in self.folders().items():
            label = name.replace("_dir", "").replace("_", " ")
            try:
                if name == "runtime_dir":
                    runtime_folder(folder)
                else:
                    private_folder(folder)
                probe = folder / f".write-test-{os.getpid()}"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as exc:
                raise StoreError(
                    f"Fieldbook cannot write to its {label} folder {folder} ({exc.strerror or exc}). "
                    "Choose another folder with FIELDBOOK_HOME or fix its permissions."
                ) from None


def _runtime_default() -> Path:
    # On Linux without XDG_RUNTIME_DIR (a bare ssh session, a container) platformdirs names
    # /run/user/UID, which may not exist: use a private folder in the temp dir instead.
    if os.name == "posix" and not os.environ.get("XDG_RUNTIME_DIR") and not _is_macos():
        return Path(tempfile.gettempdir()) / f"fieldbook-{os.getuid()}"
    return Path(platformdirs.user_runtime_dir(APP_NAME, appauthor=False))


def _is_macos() -> bool:
    import sys

    return sys.platform == "darwin"


def resolve_paths(
    *,
    home: Path | None = None,
    config_dir: Path | None = None,
    data_dir: Path | None = None,
    snapshots_dir: Path | None = None,
    inbox_dir: Path | None = None,
    logs_dir: Path | None = None,
    runtime_dir: Path | None = None,
) -> Paths:
    """The folders in force: explicit ones first, then ``home``, then the platform's."""
    if home is not None:
        home = home.absolute()
        base = {
            "data_dir": home / "data",
            "snapshots_dir": home / "snapshots",
            "inbox_dir": home / "inbox",
            "logs_dir": home / "logs",
            "config_dir": home / "config",
            "runtime_dir": home / "run",
        }
    else:
        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        base = {
            "data_dir": data,
            "snapshots_dir": data / "snapshots",
            "inbox_dir": Path(platformdirs.user_documents_dir()) / "Fieldbook Inbox",
            "logs_dir": Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            "config_dir": Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            "runtime_dir": _runtime_default(),
        }
    given = {
        "data_dir": data_dir,
        "snapshots_dir": snapshots_dir,
        "inbox_dir": inbox_dir,
        "logs_dir": logs_dir,
        "config_dir": config_dir,
        "runtime_dir": runtime_dir,
    }
    return Paths(**{k: (v.absolute() if v is not None else base[k]) for k, v in given.items()})
