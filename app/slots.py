"""Reserved message slots: one line of fixed height, drawn on every run whether or not it holds a
message, so a message appearing or going away never moves anything below it (app/shell.py CSS
sizes containers whose key starts with ``fbmsg-``)."""

from __future__ import annotations

import re

import streamlit as st

EMPTY = "\u200b"  # an empty container is not drawn at all; a zero-width space keeps the slot
_STYLE = {
    "error": ("red", ":material/error:"),
    "warning": ("orange", ":material/warning:"),
    "success": ("green", ":material/check_circle:"),
    "info": ("blue", ":material/info:"),
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


_LABEL_MARKUP = re.compile(r"([\\`*_~\[\]!<>$|])")


def label_escape(text: str) -> str:
    """``text`` for a widget label (which Streamlit reads as a little Markdown): only what could
    format, link or load an image is escaped, so screen readers hear ``Length (m)`` unchanged."""
    return _LABEL_MARKUP.sub(r"\\\1", text)


def md_escape(text: str) -> str:
    """``text`` shown literally by ``st.markdown`` (user input, error messages, file names)."""
    return _MARKDOWN.sub(r"\\\1", text)


def message(key: str, kind: str | None = None, text: str | None = None) -> None:
    """Draw the slot ``key`` with ``text`` in the colour of ``kind`` (or empty)."""
    with st.container(key=f"fbmsg-{key}"):
        if kind and text:
            colour, icon = _STYLE.get(kind, ("gray", ""))
            st.markdown(f":{colour}[{icon} {md_escape(text)}]", help=md_escape(text) if len(text) > 90 else None)
        else:
            st.markdown(EMPTY)
