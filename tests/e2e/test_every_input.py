"""Every input is controlled (issue 14, part 4): walk every page of the router, fill every text
field, text area and number field a user can type into, then reload and restart — every value is
back. A page that draws a loose widget fails here. A password field is the one deliberate
exception (never stored; app/views/sync_settings.py and app/views/snapshots.py say so)."""

from __future__ import annotations

import signal
from typing import Any

import pytest
from playwright.sync_api import expect

from app.shell import ROUTER
from tests.conftest import REPORT
from tests.e2e.conftest import header, main, settle

pytestmark = pytest.mark.e2e

# every typing field of the main area: text inputs (also numbers: app/numbers.py) and text areas
TYPING = "input[type=text]:not([role=combobox]):not([readonly]):not([disabled]), textarea:not([readonly]):not([disabled])"
NAME_JS = "e => (e.labels && e.labels[0] && e.labels[0].textContent) || e.getAttribute('aria-label') || e.placeholder || ''"


def _fields(page: Any) -> list[tuple[str, Any]]:
    """(accessible name #n, locator) of each visible typing field, in page order."""
    found, seen = [], {}
    boxes = main(page).locator(TYPING)
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if not box.is_visible():
            continue
        name = box.evaluate(NAME_JS).strip()
        seen[name] = seen.get(name, 0) + 1
        found.append((f"{name} #{seen[name]}", box))
    return found


def _open(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}&page={name}")
    expect(header(page)).to_be_visible()
    settle(page)
    page.wait_for_timeout(300)


def _fill_page(page: Any, name: str) -> dict[str, str]:
    typed = {}
    for label, box in _fields(page):
        text = f"walk {name} {len(typed)} ✓"
        box.fill(text)
        page.wait_for_timeout(400)  # committed after a pause in typing, the field never left
        settle(page)
        typed[label] = text
    return typed


def _shown(page: Any) -> dict[str, str]:
    return {label: box.input_value() for label, box in _fields(page)}


def _check(page: Any, name: str, values: dict[str, str], when: str) -> None:
    shown = _shown(page)
    for _ in range(20):  # a loaded machine may draw the page's fields a moment after the run settled
        if set(values) <= set(shown):
            break
        page.wait_for_timeout(500)
        shown = _shown(page)
    lost = {k: (v, shown.get(k)) for k, v in values.items() if shown.get(k) != v}
    assert not lost, f"{name}: lost on {when}: {lost}"


def test_every_typing_field_of_every_page_survives_reload_and_restart(start_app, page):
    app = start_app()
    page.goto(app.url)
    settle(page)
    main(page).get_by_role("button", name="Open").first.click()  # the demo project: its pages have content
    settle(page)
    typed: dict[str, dict[str, str]] = {}
    # the record editor last: it is reached from the records list (New record), and a restart
    # opens the page the user was on
    for name in [p for p in ROUTER.routes if p != "record"] + ["record"]:
        if name == "record":
            _open(page, app.url, "records")
            main(page).get_by_role("button", name="New record").click()
            settle(page)
        else:
            _open(page, app.url, name)
        typed[name] = _fill_page(page, name)
        page.reload()
        expect(header(page)).to_be_visible()
        settle(page)
        _check(page, name, typed[name], "reload")
    assert app.stop(signal.SIGTERM) == 0
    again = start_app(app.home)
    page.goto(again.url)  # back on the record editor
    settle(page)
    _check(page, "record", typed["record"], "restart")
    for name, values in typed.items():
        if name != "record":
            _open(page, again.url, name)
            _check(page, name, values, "restart")
    counted = {name: len(v) for name, v in typed.items()}
    REPORT.append(f"every typing field, reload and restart: {sum(counted.values())} fields on {len(counted)} pages {counted}")
    assert counted["record"] >= 3 and sum(counted.values()) >= 12  # the walk found the fields (finding none proves nothing)
