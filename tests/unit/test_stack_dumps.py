"""A hang must be readable from the logs (store/core/logs.py): a stop that stalls writes every
thread's stack there by itself, and `kill -USR1` asks a running app for them."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from store.core import logs


def _stalled_worker(release: threading.Event) -> None:
    release.wait(10)


def test_a_stall_writes_every_threads_stack_and_a_cancel_writes_nothing(tmp_path: Path) -> None:
    path = logs.enable_stack_dumps(tmp_path)
    release = threading.Event()
    worker = threading.Thread(target=_stalled_worker, args=(release,), name="stalled")
    worker.start()
    try:
        logs.dump_stacks_later(0.2)
        deadline = time.monotonic() + 5
        while "_stalled_worker" not in path.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.05)
        text = path.read_text(encoding="utf-8")
        assert "Timeout (0:00:00.200000)!" in text
        assert "_stalled_worker" in text  # the other thread's stack too, not only the caller's
        logs.dump_stacks_later(0.3)
        logs.cancel_stack_dump()
        time.sleep(0.6)
        assert path.read_text(encoding="utf-8").count("_stalled_worker") == text.count("_stalled_worker")
    finally:
        release.set()
        worker.join()
