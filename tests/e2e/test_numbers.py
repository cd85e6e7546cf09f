"""Numbers as people write them in their language: a decimal comma in German, a decimal point
everywhere, grouping as the language groups; what is not a number is refused with a message next
to the field and kept as typed — never a character dropped or a number reinterpreted (12,5 once
became 125)."""

from __future__ import annotations

import signal
from typing import Any

import duckdb
import pytest
from playwright.sync_api import expect

from store.core import values
from tests.e2e.conftest import main, settle

pytestmark = pytest.mark.e2e

OPEN = {"en": "Open", "de": "Öffnen"}
NEW = {"en": "New record", "de": "Neuer Datensatz"}
DBH = {"en": "Trunk diameter at breast height (cm) *", "de": "Brusthöhendurchmesser (cm) *"}


def _new_demo_record(start_app: Any, page: Any, lang: str) -> tuple[Any, Any]:
    app = start_app(None, FIELDBOOK_LANGUAGE=lang)
    page.goto(app.url)
    settle(page)
    main(page).get_by_role("button", name=OPEN[lang]).click()
    settle(page)
    main(page).get_by_role("button", name=NEW[lang]).click()
    settle(page)
    return app, field(page, lang)


def field(page: Any, lang: str) -> Any:
    return main(page).locator(f"input[aria-label='{DBH[lang]}']")


def _draft_value(app: Any, key: str) -> Any:
    assert app.stop(signal.SIGTERM) == 0
    con = duckdb.connect(str(app.home / "data" / "fieldbook.duckdb"), read_only=True)
    rows = con.execute("SELECT value FROM inputs WHERE scope LIKE 'record:%' AND key = ?", [key]).fetchall()
    con.close()
    assert len(rows) == 1, rows
    return values.loads(rows[0][0])


@pytest.mark.parametrize(("lang", "typed", "meant"), [("de", "12,5", 12.5), ("de", "12.5", 12.5), ("en", "12.5", 12.5), ("de", "1.000,25", 1000.25), ("en", "1,000.25", 1000.25)])
def test_a_decimal_is_stored_as_the_number_meant(start_app, page, lang, typed, meant):
    app, dbh = _new_demo_record(start_app, page, lang)
    dbh.click()
    dbh.press_sequentially(typed, delay=30)
    page.wait_for_timeout(700)  # committed while typing
    expect(dbh).to_have_value(typed)  # the field shows what was typed, not a rewrite of it
    assert _draft_value(app, "dbh_cm") == meant


@pytest.mark.parametrize(("lang", "typed", "said"), [("en", "12,5", "12.5"), ("de", "abc", "Keine Zahl"), ("en", "12.5.1", "not a number")])
def test_what_is_not_a_number_is_kept_and_refused_with_a_message(start_app, page, lang, typed, said):
    app, dbh = _new_demo_record(start_app, page, lang)
    dbh.click()
    dbh.press_sequentially(typed, delay=30)
    page.wait_for_timeout(700)
    expect(main(page).get_by_text(said, exact=False)).to_be_visible()
    page.reload()
    settle(page)
    expect(field(page, lang)).to_have_value(typed)  # kept as typed, as a draft
    assert _draft_value(app, "dbh_cm") == typed


LOCATION = {"en": "Location", "de": "Standort"}


@pytest.mark.parametrize(("lang", "typed"), [("de", "48,1374; 11,5755; 5"), ("en", "48.1374, 11.5755, 5"), ("de", "48.1374, 11.5755, 5")])
def test_a_location_is_stored_as_the_place_meant(start_app, page, lang, typed):
    app, _ = _new_demo_record(start_app, page, lang)
    where = main(page).get_by_role("textbox", name=LOCATION[lang])
    where.click()
    where.press_sequentially(typed, delay=20)
    page.wait_for_timeout(700)
    expect(where).to_have_value(typed)
    assert _draft_value(app, "location") == {"lat": 48.1374, "lon": 11.5755, "accuracy": 5.0}


def test_a_saved_location_shows_in_german_as_german_writes_it(start_app, page):
    app, _ = _new_demo_record(start_app, page, "de")
    where = main(page).get_by_role("textbox", name=LOCATION["de"])
    where.click()
    where.press_sequentially("48.1374, 11.5755", delay=20)
    where.press("Tab")
    settle(page)
    page.reload()
    settle(page)
    expect(main(page).get_by_role("textbox", name=LOCATION["de"])).to_have_value("48,1374; 11,5755")
