"""Online mode as a user meets it, in headless Chromium against the real launcher and a real
PostgreSQL that asks for a password: configure the server in Settings (a wrong password gets a
plain message), test the connection, go online, sync the demo project, see it in the header; then
the server goes down: the header says so in plain words and local work goes on (typed, reloaded,
still there). The keyring is keyrings.alt's plain file under a temporary XDG_DATA_HOME."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from store.fielddata.demo import SAMPLES
from tests.app.test_sync_settings import password_pg  # noqa: F401  (fixture: PostgreSQL with scram passwords)
from tests.conftest import REPORT
from tests.e2e.conftest import header, layout_shift, main, open_row, settle, sidebar_button
from tests.sync.helpers import server_rows

pytestmark = pytest.mark.e2e


def _env(tmp_path: Path) -> dict[str, str]:
    xdg = tmp_path / "xdg"
    xdg.mkdir(exist_ok=True)
    return {"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "XDG_DATA_HOME": str(xdg)}


def _type(page: Any, locator: Any, text: str) -> None:
    locator.fill(text)
    locator.press("Enter")
    settle(page)


def _header_height(page: Any) -> float:
    box = header(page).bounding_box()
    assert box is not None
    return float(box["height"])


def _status(page: Any) -> Any:
    return header(page).locator(".st-key-fb_sync_indicator")


def test_configure_test_go_online_sync_then_the_server_goes_down(start_app, page, tmp_path, password_pg):  # noqa: F811
    pg = password_pg
    app = start_app(None, **_env(tmp_path))
    page.goto(app.url)
    settle(page)
    height = _header_height(page)
    sidebar_button(page, "Settings").click()
    settle(page)
    m = main(page)
    expect(m.get_by_text("Passwords are stored in a plain file (not secure)")).to_be_visible()
    page.wait_for_timeout(1500)  # late load-time shifts (lazy widget code) belong to the load
    before = layout_shift(page)

    # server, user and a wrong password; Save; the test says plainly what is wrong
    _type(page, m.get_by_role("textbox", name="Server address (URL)"), pg.url_without_user)
    _type(page, m.get_by_role("textbox", name="User name"), pg.user)
    _type(page, m.get_by_label("Password", exact=True), "wrong-password")
    m.get_by_role("button", name="Save").click()
    expect(m.get_by_text("Saved. The password is in the keyring.")).to_be_visible()
    expect(m.get_by_label("Password", exact=True)).to_have_value("")
    expect(m.get_by_label("Password", exact=True)).to_have_attribute("placeholder", "A password is stored")
    m.get_by_role("button", name="Test connection").click()
    expect(m.get_by_text("The server refused the user name or password")).to_be_visible()
    settle(page)

    # the right password: connected
    _type(page, m.get_by_label("Password", exact=True), pg.password)
    m.get_by_role("button", name="Save").click()
    expect(m.get_by_text("Saved. The password is in the keyring.")).to_be_visible()
    settle(page)
    m.get_by_role("button", name="Test connection").click()
    expect(m.get_by_text("Connected (PostgreSQL")).to_be_visible()
    expect(_status(page)).to_contain_text("Offline")
    settle(page)

    # online, then sync now: the demo project reaches the server, the header says synced
    m.get_by_text("Online mode: sync with the server").click()
    settle(page)
    sync_now = m.get_by_role("button", name="Sync now")
    expect(sync_now).to_be_enabled(timeout=30_000)  # going online starts a sync at once; wait for it to end
    sync_now.click()
    expect(_status(page)).to_contain_text("Synced just now", timeout=30_000)
    expect(m.get_by_text("Changes waiting to be sent: 0")).to_be_visible(timeout=30_000)
    admin = pg.server.url(pg.db)
    [(on_server,)] = server_rows(admin, "SELECT count(*) FROM records")
    assert on_server == len(SAMPLES)  # the demo project's records
    assert _header_height(page) == height

    # the server goes down: sync now fails in plain words, nothing else stops
    pg.server.stop()
    try:
        expect(sync_now).to_be_enabled(timeout=30_000)
        sync_now.click()
        expect(_status(page)).to_contain_text("Sync failed — retrying", timeout=30_000)
        expect(m.get_by_text("Last error: The server cannot be reached.")).to_be_visible(timeout=30_000)
        assert _header_height(page) == height
        assert "Traceback" not in page.content()

        REPORT.append(f"layout shift (CLS), Settings → Sync: configure, test, online, sync, server down: {layout_shift(page) - before:.3f}")
        assert layout_shift(page) - before < 0.01

        # local work continues: edit a record, reload, the value is there
        sidebar_button(page, "Projects").click()
        settle(page)
        main(page).get_by_role("button", name="Open").click()
        settle(page)
        notes = open_row(page)
        notes.fill("written while the server was down")
        notes.press("Control+Enter")
        settle(page)
        page.reload()
        settle(page)
        expect(main(page).get_by_label("Notes")).to_have_value("written while the server was down")
        expect(_status(page)).to_contain_text("Sync failed")
        assert _header_height(page) == height
    finally:
        pg.server.start()
