"""Kill points for crash tests (SQLite's crash-test pattern): ``step("copied database")``.

Each durable step of a snapshot, export or restore calls ``step``. When the environment variable
``FBTEST_KILL_AT_STEP=N`` is set, the N-th step of the process kills it with SIGKILL, so a test can
stop an operation at step 1, 2, … and check that the data is entirely old or entirely new. The
variable has no ``FIELDBOOK_`` prefix on purpose: the settings reader refuses unknown
``FIELDBOOK_*`` variables, and this is not a setting. Unset (always, outside tests), ``step`` is a
no-op.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

ENV = "FBTEST_KILL_AT_STEP"

_lock = threading.Lock()
_count = 0


def step(name: str) -> None:
    """Mark a step; with ``FBTEST_KILL_AT_STEP`` set, die at the chosen one."""
    target = os.environ.get(ENV)
    if not target:
        return
    global _count
    with _lock:
        _count += 1
        count = _count
    if count == int(target):
        sys.stderr.write(f"killed at step {count}: {name}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
