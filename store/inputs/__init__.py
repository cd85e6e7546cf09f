"""What the UI keeps between runs: every controlled widget's value and history, the user's UI state,
and persisted form state (``from store.inputs import forms``: a form's saved values and versions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.core.lazy import public_face

if TYPE_CHECKING:
    from store.inputs.uistate import (
        HISTORY_LIMIT as HISTORY_LIMIT,
    )
    from store.inputs.uistate import (
        UiState as UiState,
    )
    from store.inputs.uistate import (
        load_ui_state as load_ui_state,
    )
    from store.inputs.uistate import (
        save_ui_state as save_ui_state,
    )
    from store.inputs.widgets import InputStore as InputStore

__all__, __getattr__, __dir__ = public_face(
    __name__,
    {
        "uistate": "HISTORY_LIMIT UiState load_ui_state save_ui_state",
        "widgets": "InputStore",
    },
)
