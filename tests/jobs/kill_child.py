"""The child of the kill test: run the app's job system on HOME until no job is left to run.

    python -m tests.jobs.kill_child HOME

Prints ``ready`` once recovery is done and the workers run, ``finished`` when every job has
ended. The parent kills it with SIGKILL at random moments and starts it again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from jobs.queue import JobQueue
from jobs.service import JobService
from store.core.db import Store
from tests.jobs import tasks  # noqa: F401 - registers test.effect


def main(home: Path) -> int:
    store = Store.open(home / "fieldbook.duckdb")
    service = JobService(store, JobQueue(home / "jobs.sqlite3"), data_dir=home, workers=2, lease_s=10)
    service.start()
    print("ready", flush=True)
    try:
        while True:
            counts = service.ledger.counts()
            if not counts.get("queued") and not counts.get("running"):
                break
            time.sleep(0.05)
    finally:
        service.stop()
        store.close()
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
