"""The entries of a repeat in the record editor: where each one's answers are, and adding,
removing and moving them (app/record_draft.py keeps them by id, so nothing typed moves).

Every change of the entries is one input (``<repeat>~entries``: the ids in order), persisted
before the next run like any keystroke, so a crash right after "Add" keeps the new entry.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app import widgets
from app.record_draft import ENTRIES, entry_ids, entry_input, saved_entry
from store.formdef import Field, entry_key

AfterChange = Callable[[str, Any], None]


@dataclass(frozen=True)
class Place:
    """Where a scope of the editor is: the record itself (all empty) or one entry of a repeat."""

    key: str = ""  # input keys of its fields start with it ("visits~s1~")
    path: str = ""  # its fields' paths in the evaluation start with it ("visits[1]/")
    saved: Mapping[str, Any] | None = None  # what is saved here (the record's data, a saved entry)
    values: Mapping[str, Any] | None = None  # what the evaluation worked out here
    # the repeats it is in: (input key, ids of their entries as shown), outermost first
    around: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Entry:
    position: int  # from 1
    entry_id: str
    place: Place


def entries(repeat: Field, place: Place, scope: str, values: Any) -> tuple[list[str], list[Entry]]:
    """The ids the draft has for ``repeat`` at ``place``, and every entry the evaluation gives
    (``values``: its entries, a count's added ones included) with where its answers are."""
    key = place.key + repeat.name
    saved = (place.saved or {}).get(repeat.name)
    inputs = {k: v for (s, k), v in widgets.input_cache().items() if s == scope}
    ids = entry_ids(repeat, key, saved, inputs)
    given = values if isinstance(values, list) else []
    shown_ids = tuple(ids[n - 1] if n <= len(ids) else f"p{n}" for n in range(1, len(given) + 1))
    found = []
    for position, value in enumerate(given, start=1):
        entry_id = shown_ids[position - 1]
        inner = Place(
            key=f"{entry_input(key, entry_id, '')}",
            path=entry_key(place.path + repeat.name, position),
            saved=saved_entry(repeat, saved, entry_id),
            values=value if isinstance(value, Mapping) else {},
            around=(*place.around, (key, shown_ids)),
        )
        found.append(Entry(position, entry_id, inner))
    return ids, found


def keeping_entries(scope: str, place: Place, after: AfterChange) -> AfterChange:
    """``after`` for an input in an entry: the entries of the repeats around it are written down
    first (as shown), so the draft keeps them whatever a newer saved version holds."""

    def run(key: str, value: Any) -> None:
        cache = widgets.input_cache()
        missing = {k + ENTRIES: list(ids) for k, ids in place.around if (scope, k + ENTRIES) not in cache}
        if missing:
            widgets.persist_inputs(scope, missing)
        after(key, value)

    return run


def _persist(scope: str, key: str, ids: list[str], after: AfterChange) -> None:
    if widgets.persist_input(scope, key + ENTRIES, ids):
        after(key + ENTRIES, ids)


def add(scope: str, key: str, ids: list[str], after: AfterChange) -> None:
    """A new, empty entry at the end (its fields' defaults filled in by the draft)."""
    _persist(scope, key, [*ids, "n" + secrets.token_hex(4)], after)


def remove(scope: str, key: str, ids: list[str], entry_id: str, after: AfterChange) -> None:
    """The entry goes from the draft; the saved version keeps it until the record is saved."""
    _persist(scope, key, [i for i in ids if i != entry_id], after)


def move(scope: str, key: str, ids: list[str], entry_id: str, step: int, after: AfterChange) -> None:
    """The entry one place up (``step`` -1) or down (+1)."""
    order = list(ids)
    at = order.index(entry_id)
    to = at + step
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
        _persist(scope, key, order, after)


def drop_extra(scope: str, repeat: Field, key: str, ids: list[str], shown: list[Entry], wanted: int, after: AfterChange) -> None:
    """A count that went down: the entries beyond it go (those it had added give up every input
    in them, the time half of a datetime and the entries of a repeat inside them too)."""
    added = [entry_input(key, entry.entry_id, "") for entry in shown if entry.position > wanted and entry.entry_id.startswith("p")]
    cleared = {k: None for (s, k) in widgets.input_cache() if s == scope and k.startswith(tuple(added))} if added else {}
    if cleared and not widgets.persist_inputs(scope, cleared):
        return
    _persist(scope, key, [entry.entry_id for entry in shown if entry.position <= wanted], after)
