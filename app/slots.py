"""Reserved message slots: one line of fixed height, drawn on every run whether or not it holds a
message, so a message appearing or going away never moves anything below it (app/shell.py CSS
sizes containers whose key starts with ``fbmsg-``)."""

from __future__ import annotations

import re

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# The header's height: one button row. Its slots are sized by element properties (``height=``,
# ``wrap=False``), which arrive with the elements themselves; CSS from ``st.html`` is applied a
# few hundred milliseconds later (the element's code loads lazily), and a header sized by it was
# 45.6 px until then and 40 px after (issue 19).
HEADER_PX = 40

EMPTY = "\u200b"  # an empty container is not drawn at all; a zero-width space keeps the slot
_STYLE = {
    "error": ("red", ":material/error:"),
    "warning": ("orange", ":material/warning:"),
    "success": ("green", ":material/check_circle:"),
    "info": ("blue", ":material/info:"),
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


_LABEL_MARKUP = re.compile(r"([\\`*_~\[\]!<>$|])")


# Streamlit's Markdown (GFM) also turns bare URLs and e-mail addresses into links, after escaping:
# a word joiner (U+2060, invisible, not a space) after the scheme, "www" or "@" keeps them text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp)(?=:)|\b(www)(?=\.)|(@)(?=\S)")
WORD_JOINER = "\u2060"


def _unlinked(text: str) -> str:
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)


def label_escape(text: str) -> str:
    """``text`` for a widget label (which Streamlit reads as a little Markdown): only what could
    format, link or load an image is escaped, so screen readers hear ``Length (m)`` unchanged."""
    return _LABEL_MARKUP.sub(r"\\\1", _unlinked(text))


def md_escape(text: str) -> str:
    """``text`` shown literally by ``st.markdown`` (user input, error messages, file names)."""
    return _MARKDOWN.sub(r"\\\1", _unlinked(text))


def header_slot(key: str) -> DeltaGenerator:
    """A slot of the header: exactly ``HEADER_PX`` tall whatever it holds, its content centred.
    Put one line in it (``st.caption(..., wrap=False)``, ``st.button(..., wrap=False)``)."""
    return st.container(key=key, height=HEADER_PX, border=False, vertical_alignment="center", gap=None)


def message(key: str, kind: str | None = None, text: str | None = None) -> None:
    """Draw the slot ``key`` with ``text`` in the colour of ``kind`` (or empty)."""
    with st.container(key=f"fbmsg-{key}"):
        if kind and text:
            colour, icon = _STYLE.get(kind, ("gray", ""))
            st.markdown(f":{colour}[{icon} {md_escape(text)}]", help=md_escape(text) if len(text) > 90 else None)
        else:
            st.markdown(EMPTY)
