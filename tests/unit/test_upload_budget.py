"""The upload budget's arithmetic (app/desktop/edge.py UploadBudget); the refusal a user sees is
in tests/e2e/test_inputs.py, against Streamlit's real upload manager."""

from __future__ import annotations

from app.desktop.edge import UploadBudget


def test_per_window_and_total_budgets_count_what_is_held_and_what_is_arriving():
    held = {"a": 0, "b": 0}
    budget = UploadBudget(per_session=100, total=150, held=lambda s: (held.get(s, 0), sum(held.values())))
    assert budget.admit("a", 60)
    assert not budget.admit("a", 50)  # 60 still arriving in this window
    budget.arrived("a", 60)
    held["a"] = 60  # now Streamlit holds it
    assert not budget.admit("a", 50)
    assert budget.admit("a", 40)
    budget.arrived("a", 40)
    held["a"] = 100
    assert budget.admit("b", 50)  # another window: its own budget, within the total
    assert not budget.admit("c", 1)  # the total (100 held + 50 arriving) is spent
    budget.arrived("b", 50)
    held["a"] = 0  # removed from the uploader
    assert budget.admit("c", 100)
