"""The Inputs page: every controlled widget kind in one controlled form (also what the
end-to-end tests drive)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.form_view import FieldSpec, FormView
from app.forms import Problem, Rule
from app.session import Session


def _not_in_future(value: object, values: object) -> Problem | None:
    return Problem("future") if isinstance(value, dt.date) and value > dt.date.today() else None


SPECIES = ("Oak", "Beech", "Pine", "Birch", "Maple")
HABITATS = ("Forest", "Meadow", "Wetland", "Urban", "Coast")
WEATHER = ("Sunny", "Cloudy", "Rain")

FORM = FormView(
    "inputs",
    (
        FieldSpec(Rule("observer", required=True, max_length=80), "text", "inputs.observer", default=""),
        FieldSpec(Rule("notes", max_length=2000), "textarea", "inputs.notes", default=""),
        FieldSpec(Rule("count", min=0, max=10_000), "number", "inputs.count", default=0, kwargs={"integer": True}),
        FieldSpec(Rule("species", required=True), "select", "inputs.species", options=SPECIES, default=None, kwargs={"index": None}),
        FieldSpec(Rule("habitats"), "multiselect", "inputs.habitats", options=HABITATS, default=()),
        FieldSpec(Rule("verified"), "checkbox", "inputs.verified", default=False),
        FieldSpec(Rule("weather"), "radio", "inputs.weather", options=WEATHER, default="Sunny", kwargs={"horizontal": True}),
        FieldSpec(Rule("observed_on", check=_not_in_future), "date", "inputs.observed_on", default=None, kwargs={"value": None}),
        FieldSpec(Rule("observed_at"), "time", "inputs.observed_at", default=None, kwargs={"value": None}),
        FieldSpec(Rule("cover"), "slider", "inputs.cover", kwargs={"min_value": 0, "max_value": 100}, default=0),
        FieldSpec(Rule("photo"), "file", "inputs.photo"),
    ),
)


def render(session: Session) -> None:
    st.subheader(session.t("page.inputs"))
    FORM.render(session)
