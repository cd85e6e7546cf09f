"""Child process of the kill-at-step tests: one snapshot operation on FIELDBOOK_HOME.

    python -m tests.snapshots.crash_child snapshot|export|restore [ARG]

The parent sets FBTEST_KILL_AT_STEP=N; the operation's N-th step kills this process.
"""

from __future__ import annotations

import sys

from store.core.config import load_config
from store.snapshots import admin as snapadmin


def main() -> None:
    op = sys.argv[1]
    cfg = load_config()
    cfg.paths.ensure()
    if op == "snapshot":
        snapadmin.run(cfg, "create", {"reason": "crash-test"})
    elif op == "export":
        snapadmin.run(cfg, "export", {"id": "latest", "out": sys.argv[2], "passphrase": "pw"})
    elif op == "restore":
        snapadmin.run(cfg, "restore", {"source": sys.argv[2], "passphrase": "pw"})
    print("completed")


if __name__ == "__main__":
    main()
