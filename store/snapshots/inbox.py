"""The inbox: a watched folder where a ``.fbsnap`` is offered for restore and ``.csv``/``.xlsx``
files for import — never applied by themselves.

A watchdog observer notices files arriving; ``items()`` lists them. A file still being copied
must not be offered: a file counts as ready only when its size and modification time have not
changed for ``settle_s`` seconds **and** it is complete (a ``.fbsnap`` passes its whole-file
checksum, an ``.xlsx`` has the zip directory that ends a complete file). A ``.fbsnap`` that stays
still but fails the checksum is listed with its problem and cannot be restored.
"""

from __future__ import annotations

import logging
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from store.core import texts
from store.core.errors import FieldbookError
from store.snapshots import fbsnap as snapfile

log = logging.getLogger(__name__)

SNAPSHOT_SUFFIXES = (snapfile.SUFFIX,)
IMPORT_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class InboxItem:
    path: Path
    kind: str  # "snapshot" (available to restore) or "import" (offered for import)
    size: int
    ready: bool
    encrypted: bool = False
    problem: str | None = None  # complete but unusable, e.g. damaged

    @property
    def name(self) -> str:
        return self.path.name

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "kind": self.kind, "size": self.size, "ready": self.ready, "encrypted": self.encrypted, "problem": self.problem}


class _Handler(FileSystemEventHandler):
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.inbox._changed()


class Inbox:
    def __init__(self, folder: Path, settle_s: float = 2.0) -> None:
        self.folder = Path(folder)
        self.settle_s = settle_s
        self.version = 0  # bumped on every change watchdog reports
        self.listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._seen: dict[Path, tuple[int, int, float]] = {}  # path → (size, mtime_ns, stable since)
        self._checked: dict[tuple[Path, int, int], tuple[bool, bool, str | None]] = {}
        self._observer: Any = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        observer = Observer()
        observer.schedule(_Handler(self), str(self.folder), recursive=False)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(10)
            self._observer = None

    def _changed(self) -> None:
        with self._lock:
            self.version += 1
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:
                log.exception("inbox listener failed")

    def items(self) -> list[InboxItem]:
        """Snapshot and import files in the folder, newest first; ``ready`` once complete."""
        now = time.monotonic()
        found: list[tuple[float, InboxItem]] = []
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return []
        alive = set()
        for path in entries:
            suffix = path.suffix.lower()
            if path.name.startswith(".") or suffix not in SNAPSHOT_SUFFIXES + IMPORT_SUFFIXES:
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if not path.is_file():
                continue
            alive.add(path)
            with self._lock:
                seen = self._seen.get(path)
                if seen is None or seen[:2] != (st.st_size, st.st_mtime_ns):
                    seen = (st.st_size, st.st_mtime_ns, now)
                    self._seen[path] = seen
            stable = now - seen[2] >= self.settle_s
            kind = "snapshot" if suffix in SNAPSHOT_SUFFIXES else "import"
            ready, encrypted, problem = (False, False, None)
            if stable:
                ready, encrypted, problem = self._check(path, st.st_size, st.st_mtime_ns, suffix)
            found.append((st.st_mtime, InboxItem(path, kind, st.st_size, ready, encrypted, problem)))
        with self._lock:
            for gone in set(self._seen) - alive:
                del self._seen[gone]
        return [item for _, item in sorted(found, key=lambda f: f[0], reverse=True)]

    def _check(self, path: Path, size: int, mtime_ns: int, suffix: str) -> tuple[bool, bool, str | None]:
        key = (path, size, mtime_ns)
        cached = self._checked.get(key)
        if cached is not None:
            return cached
        result: tuple[bool, bool, str | None]
        if suffix in SNAPSHOT_SUFFIXES:
            try:
                result = (True, snapfile.check_complete(path), None)
            except FieldbookError as exc:
                result = (True, False, texts.of(exc))  # a Text: the page says it in the reader's language
            except OSError as exc:
                return (False, False, exc.strerror)
        elif suffix == ".xlsx":
            result = (zipfile.is_zipfile(path), False, None)
        else:
            result = (True, False, None)
        self._checked[key] = result
        return result
