"""kill -9 while persisting inputs: every value whose persist() returned is there afterwards, exactly.

A child process persists inputs from four threads as fast as it can and, after each acknowledged
persist, appends the key and its encoded value to a log file and fsyncs it. The parent SIGKILLs
the child at a random moment, reopens the store and checks every logged value. Each cycle writes
its own scope, so a later cycle never overwrites what an earlier one acknowledged.
"""

from __future__ import annotations

import json
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
import datetime as dt, json, os, sys, threading
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from store.core import values
from store.core.db import Store
from store.inputs.widgets import InputStore

db, log_path, scope = Path(sys.argv[2]), sys.argv[3], sys.argv[4]
store = Store.open(db)
inputs = InputStore(store)
log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
log_lock = threading.Lock()

def value(thread, i):
    kind = i % 6
    if kind == 0:
        return f"Zählung {i} ☃ 𝄞 von t{thread}"
    if kind == 1:
        return thread * 10**12 + i
    if kind == 2:
        return i / 7 + thread
    if kind == 3:
        return dt.date(2000, 1, 1) + dt.timedelta(days=i)
    if kind == 4:
        return [thread, i, "ü", None]
    return (i, i + thread)

def work(thread):
    i = 0
    while True:
        key, v = f"t{thread}-{i}", value(thread, i)
        inputs.persist("user", scope, key, v)
        line = json.dumps([key, values.dumps(v)], ensure_ascii=False) + "\\n"
        with log_lock:
            os.write(log, line.encode())
            os.fsync(log)
        i += 1

threads = [threading.Thread(target=work, args=(t,), daemon=True) for t in range(4)]
for t in threads:
    t.start()
print("ready", flush=True)
for t in threads:
    t.join()
"""


def logged(log: Path) -> dict[str, str]:
    """``{key: encoded value}`` of every complete line (the last piece may be torn)."""
    if not log.exists():
        return {}
    lines = log.read_text(encoding="utf-8").split("\n")[:-1]
    return dict(json.loads(line) for line in lines)


def kill_cycles(tmp_path: Path, cycles: int, window: tuple[float, float] = (0.2, 1.5)) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    db = tmp_path / "data" / "fieldbook.duckdb"
    db.parent.mkdir()
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)

    for cycle in range(cycles):
        scope = f"cycle{cycle}"
        log = tmp_path / f"acked-{cycle}.log"
        errfile = tmp_path / f"child-{cycle}.err"
        delay = rng.uniform(*window)
        with open(errfile, "w") as err:
            with subprocess.Popen(
                [sys.executable, str(script), str(REPO_ROOT), str(db), str(log), scope],
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            ) as child:
                try:
                    line = child.stdout.readline() if child.stdout else ""
                    assert line.strip() == "ready", f"cycle {cycle}: child did not start: {errfile.read_text()}"
                    time.sleep(delay)
                    assert child.poll() is None, f"cycle {cycle}: child died early: {errfile.read_text()}"
                finally:
                    child.send_signal(signal.SIGKILL)
                    child.wait()
            assert child.returncode == -signal.SIGKILL

        acked = logged(log)
        assert acked, f"cycle {cycle}: no persist was acknowledged in {delay:.2f} s: {errfile.read_text()}"
        store = Store.open(db)
        try:
            assert store.notices == [], f"cycle {cycle} (seed {seed}): {store.notices}"
            stored = dict(store.read("SELECT key, value FROM inputs WHERE user_id = 'user' AND scope = ?", [scope]))
            history = set(store.read("SELECT key, value FROM input_events WHERE user_id = 'user' AND scope = ?", [scope]))
        finally:
            store.close()
        where = f"cycle {cycle} (seed {seed}, killed after {delay:.2f} s)"
        missing = [k for k in acked if k not in stored]
        assert not missing, f"{where}: {len(missing)} of {len(acked)} acknowledged inputs lost, e.g. {missing[:5]}"
        wrong = {k: (v, stored[k]) for k, v in acked.items() if stored[k] != v}
        assert not wrong, f"{where}: stored values differ from acknowledged ones (logged, stored): {list(wrong.items())[:5]}"
        no_event = [k for k, v in acked.items() if (k, v) not in history]
        assert not no_event, f"{where}: acknowledged inputs without an input_events row: {no_event[:5]}"


def test_acknowledged_inputs_survive_kill_9(tmp_path: Path) -> None:
    kill_cycles(tmp_path, cycles=20)


@pytest.mark.slow
@pytest.mark.timeout(1200)  # ~1.5 s a cycle; the default 300 s would cut it short
def test_acknowledged_inputs_survive_kill_9_many_times(tmp_path: Path) -> None:
    kill_cycles(tmp_path, cycles=200)
