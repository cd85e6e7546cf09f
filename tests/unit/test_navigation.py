"""Navigation as pure functions on UiState, checked against a plain list-with-cursor model."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.navigation import go_back, go_forward, navigate
from store.inputs.uistate import HISTORY_LIMIT, UiState

PAGES = ("home", "records", "sites", "settings", "admin")
pages = st.sampled_from(PAGES)
params = st.one_of(st.just({}), st.fixed_dictionaries({"id": st.integers(0, 3)}))


def test_navigate_pushes_current_and_clears_forward() -> None:
    s = navigate(UiState(), "records", {"id": 1})
    assert (s.page, s.params, s.back, s.forward) == ("records", {"id": 1}, (("home", {}),), ())
    s = go_back(s)
    assert (s.page, s.back, s.forward) == ("home", (), (("records", {"id": 1}),))
    s = navigate(s, "sites")
    assert (s.page, s.back, s.forward) == ("sites", (("home", {}),), ())


def test_navigate_to_current_page_changes_nothing() -> None:
    s = navigate(UiState(), "records", {"id": 1})
    assert navigate(s, "records", {"id": 1}) is s
    assert navigate(s, "records", {"id": 2}).back[-1] == ("records", {"id": 1})


def test_back_and_forward_at_the_ends_change_nothing() -> None:
    s = UiState()
    assert go_back(s) is s
    assert go_forward(s) is s


def test_prefs_survive_navigation() -> None:
    s = UiState().with_pref("theme", "dark")
    s = go_back(navigate(s, "records"))
    assert s.prefs == {"theme": "dark"}


def test_params_are_copied() -> None:
    given_params = {"id": 1}
    s = navigate(UiState(), "records", given_params)
    given_params["id"] = 2
    assert s.params == {"id": 1}


def test_history_is_bounded() -> None:
    s = UiState()
    for i in range(HISTORY_LIMIT * 3):
        s = navigate(s, f"p{i}")
    assert len(s.back) == HISTORY_LIMIT
    assert s.back[-1] == (f"p{HISTORY_LIMIT * 3 - 2}", {})
    for _ in range(HISTORY_LIMIT + 5):
        s = go_back(s)
    assert len(s.back) == 0 and len(s.forward) == HISTORY_LIMIT


class NavigationModel(RuleBasedStateMachine):
    """The model: every visited entry in a list, a cursor on the current one."""

    def __init__(self) -> None:
        super().__init__()
        self.state = UiState()
        self.entries: list[tuple[str, dict[str, Any]]] = [("home", {})]
        self.cursor = 0
        self.visits = 0

    @rule(page=pages, p=params)
    def navigate(self, page: str, p: dict[str, Any]) -> None:
        self.state = navigate(self.state, page, p)
        if (page, p) != self.entries[self.cursor]:
            self.entries = self.entries[: self.cursor + 1] + [(page, dict(p))]
            self.cursor += 1
            drop = max(0, self.cursor - HISTORY_LIMIT)
            self.entries = self.entries[drop:]
            self.cursor -= drop

    @rule(count=st.integers(1, 30))
    def navigate_many(self, count: int) -> None:
        # Long runs of new pages, so that short test cases reach HISTORY_LIMIT.
        for _ in range(count):
            self.visits += 1
            self.navigate(f"page-{self.visits}", {})

    @rule()
    def back(self) -> None:
        self.state = go_back(self.state)
        self.cursor = max(0, self.cursor - 1)

    @rule()
    def forward(self) -> None:
        self.state = go_forward(self.state)
        self.cursor = min(len(self.entries) - 1, self.cursor + 1)

    @precondition(lambda self: self.cursor > 0)
    @rule()
    def back_then_forward_is_identity(self) -> None:
        before = self.state
        assert go_forward(go_back(before)) == before

    @precondition(lambda self: self.cursor < len(self.entries) - 1)
    @rule()
    def forward_then_back_is_identity(self) -> None:
        before = self.state
        assert go_back(go_forward(before)) == before

    @invariant()
    def matches_model(self) -> None:
        assert (self.state.page, self.state.params) == self.entries[self.cursor]
        assert list(self.state.back) == self.entries[: self.cursor]
        assert list(reversed(self.state.forward)) == self.entries[self.cursor + 1 :]

    @invariant()
    def bounded(self) -> None:
        assert len(self.state.back) <= HISTORY_LIMIT
        assert len(self.state.forward) <= HISTORY_LIMIT


NavigationModel.TestCase.settings = settings(max_examples=60, stateful_step_count=60, database=None, deadline=None)
TestNavigationModel = NavigationModel.TestCase


@settings(max_examples=30, database=None, deadline=None)
@given(st.lists(st.tuples(pages, params), min_size=HISTORY_LIMIT + 1, max_size=HISTORY_LIMIT * 2))
def test_long_walks_keep_the_most_recent_history(walk: list[tuple[str, dict[str, Any]]]) -> None:
    s = UiState()
    visited = [("home", {})]
    for page, p in walk:
        s = navigate(s, page, p)
        if visited[-1] != (page, p):
            visited.append((page, p))
    assert list(s.back) == visited[:-1][-HISTORY_LIMIT:]
    assert (s.page, s.params) == visited[-1]
