"""kill -9 while writing: every write whose commit was acknowledged is in the database afterwards.

A child process writes from four threads as fast as it can and, after each acknowledged write,
appends the key to a log file and fsyncs it. The parent SIGKILLs the child at a random moment,
then reopens the store: every key in the log must be there (keys not in the log may be too).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.core.db import Store

REPO_ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import os, sys, threading
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from store.core.db import Store

db, log_path, cycle = Path(sys.argv[2]), sys.argv[3], sys.argv[4]
store = Store.open(db)
log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
log_lock = threading.Lock()

def work(thread):
    n = 0
    while True:
        key = f"{cycle}-{thread}-{n}"
        store.execute("INSERT INTO events (level, kind, message) VALUES ('info','t',?)", [key])
        with log_lock:
            os.write(log, (key + "\\n").encode())
            os.fsync(log)
        n += 1

threads = [threading.Thread(target=work, args=(t,), daemon=True) for t in range(4)]
for t in threads:
    t.start()
print("ready", flush=True)
for t in threads:
    t.join()
"""


def logged_keys(log: Path) -> list[str]:
    if not log.exists():
        return []
    text = log.read_text()
    lines = text.split("\n")
    return [line for line in lines[:-1] if line]  # the last piece may be a torn, unsynced line


def kill_cycles(tmp_path: Path, cycles: int) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    db = tmp_path / "data" / "fieldbook.duckdb"
    db.parent.mkdir()
    log = tmp_path / "acked.log"
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)

    for cycle in range(cycles):
        delay = rng.uniform(0.3, 1.5)
        before = len(logged_keys(log))
        with open(tmp_path / f"child-{cycle}.err", "w") as err:
            with subprocess.Popen(
                [sys.executable, str(script), str(REPO_ROOT), str(db), str(log), str(cycle)],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            ) as child:
                try:
                    line = child.stdout.readline() if child.stdout else ""
                    assert line.strip() == "ready", (
                        f"cycle {cycle}: child did not start: {(tmp_path / f'child-{cycle}.err').read_text()}"
                    )
                    time.sleep(delay)
                    assert child.poll() is None, (
                        f"cycle {cycle}: child died early: {(tmp_path / f'child-{cycle}.err').read_text()}"
                    )
                finally:
                    child.send_signal(signal.SIGKILL)
                    child.wait()
            assert child.returncode == -signal.SIGKILL

        acked = logged_keys(log)
        assert len(acked) > before, f"cycle {cycle}: no write was acknowledged in {delay:.2f} s"
        store = Store.open(db)
        try:
            assert store.notices == [], f"cycle {cycle} (seed {seed}): {store.notices}"
            present = {row[0] for row in store.read("SELECT message FROM events WHERE kind = 't'")}
        finally:
            store.close()
        missing = [key for key in acked if key not in present]
        assert not missing, (
            f"cycle {cycle} (seed {seed}, killed after {delay:.2f} s): {len(missing)} of {len(acked)} "
            f"acknowledged writes lost, e.g. {missing[:5]}"
        )


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    kill_cycles(tmp_path, cycles=3)


@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9_many_times(tmp_path: Path) -> None:
    kill_cycles(tmp_path, cycles=30)
