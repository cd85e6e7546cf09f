"""Closing the store while another thread reads (issue 19: a restore failed 1 run in 5).

A restore closes the store while the page's own reads go on (the header's sync status, a fragment
polling): DuckDB refuses to close a connection that is busy in another thread
(ResourceInUseException), which left the store half closed and the restore failed with "an
unexpected problem". Closing now refuses new reads, waits for running ones (interrupting one that
takes too long) and then closes.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb

from store.core.db import Store
from store.core.errors import StoreError

SLOW = "SELECT count(*) FROM range(3000000000) t(i) WHERE i % 7 = 3"


def test_close_waits_for_a_running_read_and_the_file_opens_again(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "x.duckdb")
    store.execute("CREATE TABLE t (v INTEGER)")
    outcome: list[object] = []
    started = threading.Event()

    def reader() -> None:
        started.set()
        try:
            outcome.append(store.read(SLOW))
        except (StoreError, duckdb.InterruptException) as exc:  # interrupted: said plainly, nothing broken
            outcome.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    started.wait()
    time.sleep(0.3)  # the query runs
    store.close(checkpoint=False)  # raised ResourceInUseException before
    thread.join(30)
    assert outcome, "the reader finished or was told the store closed"
    again = Store.open(tmp_path / "x.duckdb")
    assert again.read("SELECT count(*) FROM t") == [(0,)]
    again.close()


def test_a_read_after_close_is_refused_plainly(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "x.duckdb")
    store.close()
    try:
        store.read("SELECT 1")
    except StoreError as exc:
        assert "closed" in str(exc)
    else:
        raise AssertionError("a read on a closed store must be refused")
