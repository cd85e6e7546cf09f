"""Typing into the live text area (app/live_text.py) in AppTest, which has no API for custom
components: the next run gets the widget state the component's script would send."""

from __future__ import annotations

import itertools
import json
from typing import Any

from streamlit.testing.v1.element_tree import UnknownElement

from app.live_text import component_key

_seq = itertools.count(1)


def type_text(at: Any, wkey: str, text: str) -> Any:
    """Type ``text`` into the live text area of widget key ``wkey`` and run (like ``.input().run()``)."""
    live = component_key(wkey)
    element = next((n for n in at._tree if isinstance(n, UnknownElement) and n.type == "bidi_component" and n.key == live), None)
    assert element is not None, f"no live text area {wkey} on the page"
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    state.json_value = json.dumps({"typed": {"text": text, "seq": next(_seq), "page": "apptest"}})
    at._run(states)
    return at


def shown(at: Any, wkey: str) -> str:
    """The text the live text area of ``wkey`` shows."""
    return at.session_state[wkey]


def sent(at: Any, wkey: str) -> dict[str, Any]:
    """What the last run gave the live text area of ``wkey`` to show (``value``, ``rev``, …)."""
    live = component_key(wkey)
    element = next(n for n in at._tree if isinstance(n, UnknownElement) and n.type == "bidi_component" and n.key == live)
    data: dict[str, Any] = json.loads(element.proto.json or element.proto.mixed.json)
    return data
