"""After a restore, every browser session drops what it cached from the old data.

``st.session_state`` is only a cache of the store. A restore installs a ``Runtime`` with a higher
``generation``; the next run of each existing session sees the change and drops its cached inputs
(``_fb_inputs``), UI state (``_fb_ui``), form states (``_fb_form_*``) and the widget values
seeded from them (``in__*``), so everything is loaded again from the restored store.
"""

from __future__ import annotations

import streamlit as st

GENERATION_KEY = "_fb_generation"
_KEEP = {"_fb_authorised", "_fb_booted", GENERATION_KEY}
_DROP_PREFIXES = ("_fb_", "in__")


def drop_stale_state(generation: int) -> bool:
    """Drop this session's cached state if the data was replaced since it was loaded."""
    seen = st.session_state.get(GENERATION_KEY)
    st.session_state[GENERATION_KEY] = generation
    if seen is None or seen == generation:
        return False
    for key in list(st.session_state.keys()):
        name = str(key)
        if name not in _KEEP and name.startswith(_DROP_PREFIXES):
            del st.session_state[key]
    return True
