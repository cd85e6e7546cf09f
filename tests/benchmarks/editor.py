"""The record editor's rerun as a benchmark measures it: a project with one record opened in
AppTest, the field ``remark`` typed into ``runs`` times, each rerun timed."""

from __future__ import annotations

import time
from typing import Any

from store.fielddata.projects import create_project
from store.fielddata.records import create_record
from store.formdef import FormDef
from store.inputs.uistate import UiState, save_ui_state


def editor_reruns(rt: Any, new_session: Any, name: str, form: FormDef, data: dict[str, Any], runs: int) -> list[float]:
    project = create_project(rt.store, name, form, user=rt.user)
    record = create_record(rt.store, project.id, data, user=rt.user)
    save_ui_state(rt.store, rt.user, UiState(page="record", params={"record": record.id}, prefs={"project": project.id}))
    at = new_session()
    times = []
    for i in range(runs):
        started = time.perf_counter()
        at.text_input(key=f"in__record_{record.id}__remark").input(f"note {i}").run()
        times.append(time.perf_counter() - started)
        assert not at.exception
    return times
