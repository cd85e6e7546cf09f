"""No keystroke lost at the edges: text typed into a text area or a text input, the field never
left, survives a kill -9, a reload and a closed window (app/live_text.py, app/desktop/flush.py);
undo steps back through pauses, not characters; nothing on the page moves while typing."""

from __future__ import annotations

import signal
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import layout_shift, main, settle

pytestmark = pytest.mark.e2e

NOTES = "in__form_inputs__notes"
# the window hidden for a moment (minimised): what the page sees of it
HIDE = """() => {
    Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});
}"""  # the Inputs page's text area (app/widgets.py widget_key)


def caret(box: Any) -> list[Any]:
    return box.evaluate("e => [document.activeElement === e, e.selectionStart, e.value.length]")


class HeldSocket:
    """Streamlit's websocket through a proxy that can hold back what the page sends (``hold``)
    and later send it on (``release``) — or never (a closing page whose messages do not get out)."""

    def __init__(self, page: Any) -> None:
        self.holding = False
        self.held: list[Any] = []
        self.server: Any = None
        page.route_web_socket("**/_stcore/stream", self._through)

    def _through(self, ws: Any) -> None:
        self.server = ws.connect_to_server()
        ws.on_message(lambda m: self.held.append(m) if self.holding else self.server.send(m))
        self.server.on_message(ws.send)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self.server.send(message)


def close_and_reopen(start_app: Any, app: Any, page: Any, label: str) -> Any:
    """Close the page at once (its pagehide runs), stop the app normally, start it again: the
    field ``label`` on a new page."""
    context = page.context
    page.close(run_before_unload=True)
    assert app.stop(signal.SIGTERM) == 0
    again = context.new_page()
    again.goto(start_app(app.home).url + "&page=inputs")
    return main(again).get_by_label(label)


def open_inputs(start_app: Any, page: Any) -> tuple[Any, Any]:
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    return app, main(page).get_by_label("Notes")


def test_a_note_typed_and_never_left_survives_kill_reload_and_a_closed_window(start_app, page):
    app, notes = open_inputs(start_app, page)
    notes.click()
    notes.press_sequentially("Hedge ", delay=30)
    page.wait_for_timeout(600)  # a commit and its rerun happen while the field has the focus
    notes.press_sequentially("cut\nback", delay=30)
    expect(notes).to_have_value("Hedge cut\nback")
    assert caret(notes) == [True, 14, 14]  # neither the caret nor the focus moved
    page.wait_for_timeout(500)
    assert layout_shift(page) <= 0.001
    app.kill()  # (a) kill -9 0.5 s after the last key

    app = start_app(app.home)
    page.goto(app.url + "&page=inputs")
    expect(notes).to_have_value("Hedge cut\nback")
    notes.click()
    notes.press("Control+End")
    notes.press_sequentially(" 🌳", delay=30)
    page.wait_for_timeout(500)
    page.reload()  # (b) reload 0.5 s after the last key
    expect(notes).to_have_value("Hedge cut\nback 🌳")

    notes.click()
    notes.press("Control+End")
    notes.press_sequentially(" ok", delay=10)  # (c) the window closed right after the last key
    expect(close_and_reopen(start_app, app, page, "Notes")).to_have_value("Hedge cut\nback 🌳 ok")


def test_a_text_input_typed_within_the_pause_survives_a_closed_window(start_app, page):
    """Streamlit's own text input commits after a 250 ms pause; closed sooner, the first-paint
    page's script sends the text by beacon (app/desktop/flush.py NATIVE_FLUSH_JS)."""
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    observer = main(page).get_by_label("Observer *")
    observer.click()
    observer.press_sequentially("Ada", delay=10)
    expect(close_and_reopen(start_app, app, page, "Observer *")).to_have_value("Ada")


def test_when_the_websocket_cannot_get_out_the_beacon_carries_the_note(start_app, page):
    """The text area's pagehide handler sends by websocket and by beacon; with the websocket's
    messages held back (a closing page may never send them) the beacon alone keeps the text."""
    socket = HeldSocket(page)
    app, notes = open_inputs(start_app, page)
    notes.click()
    socket.holding = True
    notes.press_sequentially("only by beacon", delay=10)
    expect(close_and_reopen(start_app, app, page, "Notes")).to_have_value("only by beacon")


def test_a_page_hidden_and_shown_again_keeps_the_form_state_of_what_the_beacon_stored(start_app, page):
    """Hidden (the window minimised) within a pause, the text goes by beacon and by websocket; the
    websocket's commit, arriving second, must still reach the form (its undo step, its draft) —
    not be dropped as "already stored", which would leave the form saving older text."""
    socket = HeldSocket(page)
    app, notes = open_inputs(start_app, page)
    notes.click()
    socket.holding = True  # the websocket's commit is held back until the beacon has been stored
    notes.press_sequentially("hidden", delay=10)
    page.evaluate(HIDE)
    page.wait_for_timeout(1500)  # the beacon's flush (stored after its checks) is in the store
    socket.release()
    settle(page)
    main(page).get_by_role("heading", name="Inputs", exact=True).click()  # focus leaves the field
    settle(page)
    expect(main(page).get_by_role("button", name="Undo")).to_be_enabled()  # the form took the step
    page.keyboard.press("Control+z")
    expect(notes).to_have_value("")
    page.keyboard.press("Control+y")
    expect(notes).to_have_value("hidden")


def test_the_flush_route_stores_only_text_fields_and_never_older_text(start_app, page):
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    expect(main(page).get_by_label("Notes")).to_be_visible()
    post = "(b) => fetch('/_fb/flush', {method: 'POST', body: JSON.stringify(b)}).then(r => r.status)"
    assert page.evaluate(post, {"widget": NOTES, "text": "by beacon", "seq": 5, "page": "p1"}) == 204
    assert page.evaluate(post, {"widget": NOTES, "text": "older", "seq": 4, "page": "p1"}) == 204  # dropped
    assert page.evaluate(post, {"widget": "in__form_inputs__species", "text": "Oak", "page": "p1", "seq": 1}) == 404  # not a text field
    assert page.evaluate(post, {"widget": NOTES}) == 400
    page.reload()
    expect(main(page).get_by_label("Notes")).to_have_value("by beacon")


def _stored(app: Any, key: str) -> list[Any]:
    import duckdb

    from store.core import values

    con = duckdb.connect(str(app.home / "data" / "fieldbook.duckdb"), read_only=True)
    rows = con.execute("SELECT scope, value FROM inputs WHERE key = ?", [key]).fetchall()
    con.close()
    return [(scope, values.loads(v)) for scope, v in rows]


def test_a_flush_stores_what_the_field_itself_would_store(start_app, page):
    """A flush runs no change callback, so it converts as the widget does: a password typed into
    the sync address is never stored; a new record's first text by flush creates the record and
    starts the draft with the version it is based on, as a first edit does."""
    app = start_app()
    page.goto(app.url + "&page=settings")
    settle(page)
    expect(main(page).get_by_role("textbox", name="Server address (URL)")).to_be_visible()
    post = "(b) => fetch('/_fb/flush', {method: 'POST', body: JSON.stringify(b)}).then(r => r.status)"
    assert page.evaluate(post, {"widget": "in__settings_sync__url", "text": "postgresql://ada:s3cret@db.example/field"}) == 204
    page.goto(app.url + "&page=home")
    settle(page)
    main(page).get_by_role("button", name="Open").first.click()
    settle(page)
    main(page).get_by_role("button", name="New record").click()
    settle(page)
    expect(main(page).get_by_label("Notes")).to_be_visible()
    widget = page.evaluate("document.querySelector('.fb-lt').__fb.data.widget")
    assert page.evaluate(post, {"widget": widget, "text": "by flush only", "seq": 1, "page": "p9"}) == 204
    assert app.stop(signal.SIGTERM) == 0
    [(_, url)] = _stored(app, "url")
    assert "s3cret" not in url and "db.example" in url
    [(scope, notes)] = _stored(app, "notes")
    assert notes == "by flush only" and [v for s, v in _stored(app, "~base") if s == scope] == [1]
    import duckdb

    con = duckdb.connect(str(app.home / "data" / "fieldbook.duckdb"), read_only=True)
    created = con.execute("SELECT version FROM records WHERE 'record:' || id = ?", [scope]).fetchall()
    con.close()
    assert created == [(1,)]  # the new record the text was typed into exists, as a first edit makes it


def test_a_field_only_focused_sends_nothing_when_the_page_hides(start_app, page):
    """Only text typed within the last moments is flushed: a field that merely has the focus must
    not write its old text over what a sync brought meanwhile."""
    app = start_app()
    page.goto(app.url + "&page=inputs")
    settle(page)
    flushes: list[str] = []
    page.on("request", lambda r: flushes.append(r.url) if r.url.endswith("/_fb/flush") else None)
    observer = main(page).get_by_label("Observer *")
    observer.click()
    page.evaluate(HIDE)
    page.wait_for_timeout(500)
    assert flushes == []
    observer.press_sequentially("Ada", delay=10)
    page.evaluate(HIDE)
    page.wait_for_timeout(500)
    assert len(flushes) == 1
    assert app.stop(signal.SIGTERM) == 0


def test_undo_of_a_note_steps_back_through_pauses_after_a_restart(start_app, page):
    app, notes = open_inputs(start_app, page)
    notes.click()
    notes.press_sequentially("one", delay=30)
    page.wait_for_timeout(600)
    notes.press_sequentially(" two", delay=30)
    page.wait_for_timeout(600)
    settle(page)
    assert app.stop(signal.SIGTERM) == 0
    app = start_app(app.home)
    page.goto(app.url + "&page=inputs")
    expect(notes).to_have_value("one two")
    settle(page)
    main(page).get_by_role("heading", name="Inputs", exact=True).click()  # focus leaves the field
    page.keyboard.press("Control+z")
    expect(notes).to_have_value("one")
    settle(page)
    page.keyboard.press("Control+z")
    expect(notes).to_have_value("")
    settle(page)
    page.keyboard.press("Control+y")
    expect(notes).to_have_value("one")
    notes.click()
    notes.press("End")
    notes.press_sequentially("!", delay=30)  # typing after an undo goes on from what is shown
    page.wait_for_timeout(600)
    page.reload()
    expect(notes).to_have_value("one!")
