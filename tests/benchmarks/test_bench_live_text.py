"""Keystroke → committed with live commits, in the real app in headless Chromium: a word typed at a
person's pace, then a pause; the time from its last key to the commit of its text in the store
(``input_events.created_at``, the writer's transaction time). It includes the pause by design
(``app/live_text.py`` PAUSE_MS, Streamlit's ``live``: 250 ms). The baseline in the same run is
Streamlit's own live text input on the same page, through the same store."""

from __future__ import annotations

import signal

import duckdb
import pytest

from store.core import values
from tests.benchmarks.test_bench_skeleton import pct
from tests.conftest import REPORT
from tests.e2e.conftest import main, settle

pytestmark = [pytest.mark.bench, pytest.mark.e2e]

WORDS = 20


def _type_words(page, label: str) -> list[tuple[str, float]]:
    box = main(page).get_by_label(label)
    page.evaluate("() => document.addEventListener('input', () => { window.__fbLastKey = Date.now(); }, true)")
    box.click()
    typed, text = [], ""
    for i in range(WORDS):
        word = f"w{i:02d} "
        box.press_sequentially(word, delay=60)
        last_key = page.evaluate("window.__fbLastKey") / 1000  # the browser's clock is the machine's
        text += word
        typed.append((text, last_key))
        page.wait_for_timeout(700)
    return typed


def _latencies(db, key: str, typed: list[tuple[str, float]]) -> list[float]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT value, created_at FROM input_events WHERE scope = 'form:inputs' AND key = ? ORDER BY id", [key]).fetchall()
    con.close()
    first: dict[str, float] = {}
    for value, at in rows:
        first.setdefault(values.loads(value), at.timestamp())
    missing = [t for t, _ in typed if t not in first]
    assert not missing, f"never committed: {missing[:3]}"
    return [first[t] - last_key for t, last_key in typed]


def test_keystroke_to_committed(start_app, page):
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    area = _type_words(page, "Notes")
    field = _type_words(page, "Observer *")
    assert app.stop(signal.SIGTERM) == 0
    db = app.home / "data" / "fieldbook.duckdb"
    ours, plain = _latencies(db, "notes", area), _latencies(db, "observer", field)
    line = (
        f"keystroke → committed, {WORDS} words at 60 ms a key then a pause (includes the 250 ms pause): "
        f"live text area p50 {pct(ours, 50) * 1000:.0f} / p95 {pct(ours, 95) * 1000:.0f} ms; "
        f"Streamlit's live text input p50 {pct(plain, 50) * 1000:.0f} / p95 {pct(plain, 95) * 1000:.0f} ms "
        f"(ratio p50 {pct(ours, 50) / pct(plain, 50):.2f})"
    )
    REPORT.append(line)
    print(line)
