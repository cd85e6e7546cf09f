"""The flush route's rules (app/desktop/flush.py): which fields it may write, and that older text
never overwrites newer."""

from __future__ import annotations

import json

import pytest

from app.desktop import flush


def test_a_commit_older_than_one_stored_from_the_same_page_is_dropped():
    assert flush.newer("s", "k-order", "page-1", 2)
    assert not flush.newer("s", "k-order", "page-1", 1)  # a slow websocket's older text
    assert flush.newer("s", "k-order", "page-1", 2)  # the same commit by beacon, then websocket: taken in
    assert flush.newer("s", "k-order", "page-1", 3)
    assert flush.newer("s", "k-order", "page-2", 1)  # a reloaded page starts again


def test_a_name_two_fields_share_is_no_ones():
    flush.allow("in__a__x-1", "a", "x.1")
    flush.allow("in__a__x-1", "a", "x.1")  # drawn again: still its own
    assert flush._allowed["in__a__x-1"] == ("a", "x.1")
    flush.allow("in__a__x-1", "a", "x-1")
    assert flush._allowed["in__a__x-1"] is None


def test_css_name_is_streamlit_own_rule():
    # Streamlit's front end: "st-key-" + key.trim().replaceAll(/[^a-zA-Z0-9_-]/g, "-")
    assert flush.css_name("in__form_inputs__obs~2e~erver") == "in__form_inputs__obs-2e-erver"


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b'{"widget": 1, "text": "x"}', b'{"widget": "w"}', b'{"widget": "w", "text": "x", "seq": "1"}', b'{"widget": "w", "text": "x", "page": 3}'],
)
def test_a_malformed_flush_is_refused(body):
    with pytest.raises(ValueError):
        flush._parse(body)


def test_a_flush_names_widget_page_seq_and_text():
    body = json.dumps({"widget": "w", "text": "Hecke 🌳", "seq": 4, "page": "p"}).encode()
    assert flush._parse(body) == ("w", "p", 4, "Hecke 🌳")
    assert flush._parse(b'{"widget": "w", "text": ""}') == ("w", None, 0, "")
