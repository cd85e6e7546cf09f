"""A device syncing in a process of its own, printing its progress, so a test can SIGKILL it mid-sync.

    python -m tests.sync.sync_child DB URL BATCH
"""

from __future__ import annotations

import sys
from pathlib import Path

from store.core.db import Store
from store.sync import sync_now


def main() -> None:
    path, url, batch = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = Store.open(path)

    def progress(phase: str, done: int) -> None:
        print(f"{phase} {done}", flush=True)

    report = sync_now(store, url, progress=progress, push_batch=batch, pull_batch=batch)
    print(f"done {report.pushed} {report.pulled}", flush=True)
    store.close()


if __name__ == "__main__":
    main()
