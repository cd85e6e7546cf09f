"""Long snapshot operations (create, verify, restore) on a background thread, with progress.

The Snapshots page starts one and polls it from a fragment, so the page stays responsive and a
progress bar moves in its reserved slot. One operation at a time, app-wide (one user, one data
folder). Not a job of the job system: a restore replaces the database that holds the job ledger.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from store.core import FieldbookError
from store.core.texts import said

log = logging.getLogger(__name__)

BUSY = said("operation.busy", "Another snapshot operation is still running; wait until it has finished.")
UNEXPECTED = said("operation.unexpected", "The operation stopped because of an unexpected problem ({kind}); the details are in the log.")

Progress = Callable[[float, str], None]
_ids = itertools.count(1)


@dataclass
class Operation:
    kind: str  # create | verify | restore
    label: str
    id: int = field(default_factory=lambda: next(_ids))
    progress: float = 0.0
    message: str = ""
    done: bool = False
    error: object = None  # a FieldbookError or a Text: said in the reader's language by the page
    result: Any = None
    started: float = field(default_factory=time.monotonic)

    def report(self, fraction: float, message: str) -> None:
        self.progress = max(self.progress, min(1.0, fraction))
        self.message = message


_lock = threading.Lock()
_current: Operation | None = None


def current() -> Operation | None:
    return _current


def busy() -> bool:
    op = _current
    return op is not None and not op.done


def start(kind: str, label: str, fn: Callable[[Progress], Any], *, cleanup: Callable[[], None] | None = None) -> Operation:
    """Run ``fn(progress)`` on a thread; ``FieldbookError`` if another operation is running."""
    global _current
    with _lock:
        if busy():
            raise FieldbookError(BUSY())
        op = Operation(kind, label)
        _current = op

    def run() -> None:
        try:
            op.result = fn(op.report)
        except FieldbookError as exc:
            op.error = exc  # said in the reader's language by the page
        except Exception as exc:
            log.exception("snapshot operation %s failed", kind)
            # a plain sentence for the page; the details (and the traceback) are in the log
            op.error = UNEXPECTED(kind=type(exc).__name__)
        finally:
            if cleanup is not None:
                try:
                    cleanup()
                except Exception:
                    log.exception("cleanup after %s failed", kind)
            op.done = True

    threading.Thread(target=run, name=f"snapshot-{kind}", daemon=True).start()
    return op


def wait(timeout: float = 60) -> Operation | None:
    """For tests: wait until the current operation has finished."""
    deadline = time.monotonic() + timeout
    while busy() and time.monotonic() < deadline:
        time.sleep(0.02)
    return _current
