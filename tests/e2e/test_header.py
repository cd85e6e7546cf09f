"""The fixed header keeps one height on every frame, whatever its slots say (issue 19).

Its height once depended on when Fieldbook's CSS arrived: a few hundred milliseconds after the
first paint (``st.html`` loads its code lazily) — 45.6 px until then, 40 px after, so a test that
measured at the first settle saw the header shrink later. The slots are now sized by element
properties that arrive with the elements. This test records the header and each slot on every
animation frame from the moment the header exists, through loads, reloads and a language switch,
with the longest texts the slots show: a running job and a failed sync waiting for its retry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from app.slots import HEADER_PX
from tests.conftest import run_cli
from tests.e2e.conftest import header, settle, sidebar_button

pytestmark = pytest.mark.e2e

SLOTS = ("fb_header", "fb_title", "fb_jobs_indicator", "fb_sync_indicator")
RECORDER = """
window.__fbHeader = [];
(function tick() {
  const h = document.querySelector('.st-key-fb_header');
  if (h) {
    const row = {};
    for (const key of SLOTS) {
      const e = key === 'fb_header' ? h : h.querySelector('.st-key-' + key);
      row[key] = e ? Math.round(e.getBoundingClientRect().height * 100) / 100 : null;
    }
    row.overflow = h.scrollHeight > h.clientHeight;
    window.__fbHeader.push(row);
  }
  requestAnimationFrame(tick);
})();
""".replace("SLOTS", json.dumps(SLOTS))


def _frames(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("window.__fbHeader")


def _check_every_frame(page: Any, what: str) -> int:
    """Every recorded frame: the header and each slot drawn so far exactly HEADER_PX, nothing overflowing."""
    page.wait_for_timeout(1500)  # late CSS and the indicators' first polls land in the recording
    frames = _frames(page)
    assert frames, f"{what}: the header was never drawn"
    bad = [f for f in frames if f["overflow"] or any(f[k] is not None and f[k] != HEADER_PX for k in SLOTS)]
    assert not bad, f"{what}: {len(bad)} of {len(frames)} frames differ, first {bad[0]}"
    assert all(frames[-1][k] == HEADER_PX for k in SLOTS), f"{what}: a slot is missing at the end: {frames[-1]}"
    return len(frames)


def _env(tmp_path: Path) -> dict[str, str]:
    xdg = tmp_path / "xdg"
    xdg.mkdir(exist_ok=True)
    return {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "XDG_DATA_HOME": str(xdg)}


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (800, 600)])
def test_header_has_one_height_on_every_frame_in_both_languages(start_app, page, tmp_path, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(RECORDER)
    env = _env(tmp_path)
    app = start_app(None, **env)
    page.goto(app.url)
    expect(header(page)).to_contain_text("Projects")
    settle(page)
    _check_every_frame(page, "first load")

    # the longest texts: a sync that failed and waits for its retry (a port nothing listens on) …
    configured = run_cli(app.home, "sync", "configure", "--url", "postgresql://fieldbook@127.0.0.1:9/none", **env)
    assert configured.returncode == 0, configured.stderr
    online = run_cli(app.home, "sync", "online", **env)
    assert online.returncode == 0, online.stderr
    page.reload()
    expect(header(page).locator(".st-key-fb_sync_indicator")).to_contain_text("Sync failed — retrying", timeout=30_000)
    _reload_with_a_job_running(page, "Jobs", "Start demo job", "running", "Sync failed — retrying")
    _check_every_frame(page, "reload with a failed sync and a running job (en)")

    # German: longer words, the same height
    sidebar_button(page, "Settings").click()
    settle(page)
    page.get_by_test_id("stMain").get_by_text("Deutsch", exact=True).click()
    expect(header(page)).to_contain_text("Einstellungen")
    _reload_with_a_job_running(page, "Aufgaben", "Demo-Aufgabe starten", "aktiv", "Abgleich fehlgeschlagen — neuer Versuch")
    _check_every_frame(page, "reload with a failed sync and a running job (de)")


def _reload_with_a_job_running(page: Any, jobs_page: str, start: str, running: str, failed: str) -> None:
    """Start a demo job (it runs for a while), reload, wait until both indicators show their long text."""
    sidebar_button(page, jobs_page).click()
    page.get_by_role("button", name=start).click()
    jobs = header(page).locator(".st-key-fb_jobs_indicator")
    expect(jobs).to_contain_text(running, timeout=15_000)
    page.reload()
    expect(header(page).locator(".st-key-fb_sync_indicator")).to_contain_text(failed, timeout=30_000)
    expect(jobs).to_contain_text(running, timeout=15_000)
    settle(page)
