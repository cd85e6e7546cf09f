"""Working out a record against its form: relevance, calculations and every field's errors.

``evaluate_record`` is pure and cheap enough to run on every keystroke (the form's plan is
cached). It never raises for a bad value or a failing expression: those become ``FieldError``s
next to the field, so the record editor keeps working whatever was typed.

Order: fields are visited in dependency order (``plan``). A field is relevant when its group is
and its ``relevant`` expression is true; when that expression fails, the field counts as
relevant (so the user sees it and its error). Expressions see a non-relevant field as empty,
as in ODK. Calculated fields are recomputed (empty when not relevant); other values are kept as
given, including those of non-relevant fields, so an answer hidden by mistake comes back when
the condition changes. ``clean_for_save`` drops them.

Checks on a relevant field, first failing one wins: ``expression`` (its relevance or
calculation failed), ``type`` (value not in the stored form), ``required`` (empty; a draft may
be saved anyway, see ``Evaluation.blocking``), ``choice`` (not in its list), ``range`` (outside
start..end or off the step), ``offered`` (a choice its field's choice_filter does not offer for
the answers given: flagged, never dropped, so changing an earlier answer loses nothing),
``constraint`` (false; only checked for non-empty values, as in ODK).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from store.core import texts
from store.core.errors import ValidationError
from store.formdef import semantics
from store.formdef.convert import check_stored, number_text, range_settings, to_stored, to_widget
from store.formdef.expr import ExpressionError, evaluate
from store.formdef.model import FILE_TYPES, MAX_INSTANCES, Choice, Field, FormDef, instance_fields
from store.formdef.offered import offered
from store.formdef.plan import Plan, plan_for


@dataclass(frozen=True)
class FieldError:
    """Why a field's value cannot be accepted: ``code`` for programs, ``message`` per language."""

    code: str
    message: Mapping[str, str]
    # the whole message as a Text (store.core.texts), where the store said it: a form's rule
    # that could not be worked out, which the app words in the reader's language (``message``
    # has what went wrong in English in both languages)
    text: str = ""


@dataclass(frozen=True)
class Evaluation:
    relevant: Mapping[str, bool]
    values: Mapping[str, Any]
    errors: Mapping[str, FieldError]
    # for each relevant select field with a choice_filter: the choices it offers now, in list
    # order (of a name given twice in the list, the first the filter lets through)
    options: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    # for each relevant repeat with a count: how many entries it asks for now, by path
    wanted: Mapping[str, int] = field(default_factory=dict)

    def blocking(self, final: bool) -> dict[str, FieldError]:
        """The errors that prevent saving: all of them for a final record; for a draft, all but
        ``required`` and ``offered`` (an answer an earlier change left behind, kept and flagged)."""
        return {name: error for name, error in self.errors.items() if final or error.code not in DRAFT_MAY_HAVE}


DRAFT_MAY_HAVE = ("required", "offered", "min", "max", "count")
RULE_FAILED = texts.said("value.rule_failed", "The form's rule for this field could not be worked out: {detail}")
RULE_FAILED_DOT = texts.said("value.rule_failed_dot", "The form's rule for this field could not be worked out: {detail}.")
NOT_WHOLE = texts.said("value.calculation_not_whole", "the calculation gave {number}, which is not a whole number")
CALCULATION = texts.said("value.calculation", "the calculation {error}")


def _builtin(code: str, **facts: str) -> FieldError:
    english = {
        "required": "This field is required.",
        "constraint": "This value is not allowed here.",
        "type": "This value does not fit a {kind} field.",
        "choice": "'{value}' is not one of the choices.",
        "range": "Choose a value from {start} to {end} in steps of {step}.",
        "expression": "The form's rule for this field could not be worked out: {detail}",
        "min": "Add at least {n} entries.",
        "max": "At most {n} entries are allowed: remove {extra}.",
        "count": "The form asks for {n} entries here: remove {extra}.",
    }
    german = {
        "required": "Dieses Feld muss ausgefüllt werden.",
        "constraint": "Dieser Wert ist hier nicht zulässig.",
        "type": "Dieser Wert passt nicht zu einem Feld vom Typ {kind}.",
        "choice": "'{value}' ist keine der Auswahlmöglichkeiten.",
        "range": "Wählen Sie einen Wert von {start} bis {end} in Schritten von {step}.",
        "expression": "Die Regel des Formulars für dieses Feld ließ sich nicht auswerten: {detail}",
        "min": "Fügen Sie mindestens {n} Einträge hinzu.",
        "max": "Höchstens {n} Einträge sind erlaubt: entfernen Sie {extra}.",
        "count": "Das Formular verlangt hier {n} Einträge: entfernen Sie {extra}.",
    }
    return FieldError(code, {"en": english[code].format(**facts), "de": german[code].format(**facts)})


def _message(code: str, given: Mapping[str, str], **facts: str) -> FieldError:
    return FieldError(code, dict(given)) if given else _builtin(code, **facts)


def _expression_error(exc: ValidationError) -> FieldError:
    detail = exc.detail if isinstance(exc, ExpressionError) else texts.of(exc)
    error = _builtin("expression", detail=f"{detail.rstrip('.')}.")
    said = RULE_FAILED if str(detail).endswith(".") else RULE_FAILED_DOT  # one full stop, as in ``message``
    return FieldError(error.code, error.message, said(detail=detail))


def _expr_value(item: Field, stored: Any) -> Any:
    # Dates and files as Python objects, so that expressions can compare and subtract dates; an
    # outline closed with its first point again, as ODK gives it (distance() is its perimeter).
    if item.type == "geoshape" and isinstance(stored, list) and stored:
        return [*stored, stored[0]]
    return to_widget(item, stored) if item.type in ("date", "time", "datetime", *FILE_TYPES) else stored


def coerce_result(item: Field, result: Any) -> Any:
    """A calculation's result in the stored form of ``item``; ``ValidationError`` if it cannot be."""
    if semantics.is_empty(result):
        return None
    kind = item.type
    try:
        if kind in ("text", "select_one"):
            return to_stored(item, semantics.to_text(result))
        if kind == "boolean":
            return semantics.truth(result)
        if kind in ("integer", "decimal"):
            number = semantics.to_number(result)
            if kind == "integer" and number is not None and number != int(number):
                raise ValidationError(NOT_WHOLE(number=number_text(number)))
            return to_stored(item, number)
        if kind == "date":
            return semantics.call("date", [result], _NO_CONTEXT).isoformat()
        if kind in ("datetime", "time") and isinstance(result, str):
            return to_stored(item, to_widget(item, result.strip()))
        if kind == "datetime" and isinstance(result, dt.date) and not isinstance(result, dt.datetime):
            return dt.datetime.combine(result, dt.time()).isoformat()
        if kind == "time" and isinstance(result, dt.datetime):
            return result.time().replace(microsecond=0).isoformat()
        return to_stored(item, result)
    except semantics.SemanticError as exc:
        raise ValidationError(CALCULATION(error=texts.of(exc))) from None


_NO_CONTEXT = semantics.Context({}, None, dt.date(1970, 1, 1), dt.datetime(1970, 1, 1))


def _range_error(item: Field, value: Any) -> FieldError | None:
    start, end, step = range_settings(item)
    # Decimal arithmetic, so that 0.1-steps are judged as people write them, not as binary floats.
    offset = (Decimal(repr(value)) - Decimal(repr(start))) / Decimal(repr(step))
    if start <= value <= end and offset == offset.to_integral_value():
        return None
    return _builtin("range", start=number_text(start), end=number_text(end), step=number_text(step))


def evaluate_record(
    form: FormDef, values: Mapping[str, Any], *, today: dt.date | None = None, now: dt.datetime | None = None
) -> Evaluation:
    """Relevance, recomputed calculations and errors of ``values`` (a record's data) under ``form``.

    ``form`` must be a checked form (``form_from_json``); defaults are not applied. A field
    inside a repeat is known by its path: ``visits[2]/weight`` (the second entry, counted from 1;
    ``visits[2]/plants[1]/name`` further in) in ``relevant``, ``errors`` and ``options``.
    """
    moment = now or dt.datetime.now().replace(microsecond=0)
    run = _Run(form, moment.date() if today is None else today, moment)
    out = {item.name: values[item.name] for item in form.value_fields() if item.name in values}
    run.top = out
    run.scope(run.plan.order, form.value_fields(), out, {}, "", None, {})
    for check in run.pending:  # once every field is worked out: a rule in an entry sees fields after it
        check()
    rank = _form_rank(form)
    shown = sorted((path for path in run.errors if run.relevant.get(path, True)), key=lambda path: _path_rank(path, rank))
    return Evaluation(
        relevant=run.relevant,
        values={item.name: out[item.name] for item in form.value_fields() if item.name in out},
        errors={path: run.errors[path] for path in shown},
        options=run.options,
        wanted=run.wanted,
    )


def entry_key(repeat_path: str, position: int) -> str:
    """The path prefix of the ``position``-th entry (from 1) of the repeat at ``repeat_path``."""
    return f"{repeat_path}[{position}]/"


class _Run:
    """One evaluation: what it found so far, by path."""

    def __init__(self, form: FormDef, day: dt.date, moment: dt.datetime) -> None:
        self.form, self.day, self.moment = form, day, moment
        self.plan = plan_for(form)
        self.fields = {item.name: item for item in form.walk()}
        self.relevant: dict[str, bool] = {}
        self.errors: dict[str, FieldError] = {}
        self.options: dict[str, tuple[Choice, ...]] = {}
        self.wanted: dict[str, int] = {}
        self.top: dict[str, Any] = {}
        self.pending: list[Callable[[], None]] = []

    def absolute(self, name: str, given: Mapping[str, Any], places: Mapping[str, int]) -> Any:
        """``indexed-repeat``: field ``name`` in the entry ``given`` names for each repeat around
        it ({repeat: place from 1}); a repeat it does not name is the one of the entry being
        worked out (``places``), else all its entries. A hidden answer is empty; entries not
        worked out yet are seen as stored."""
        chain = _repeats_of(self.plan, name)

        def down(holder: Any, depth: int, path: str) -> Any:
            if not isinstance(holder, Mapping):
                return None
            if depth == len(chain):
                item = self.fields[name]
                value = holder.get(name)
                if not self.relevant.get(path + name, True):
                    return None
                if item.type == "repeat":
                    return semantics.Nodeset(value if isinstance(value, list) else ())
                return _expr_value(item, value)
            repeat = chain[depth]
            entries = holder.get(repeat)
            entries = entries if isinstance(entries, list) else []
            place = given.get(repeat, places.get(repeat))
            if place is None:
                return semantics.Nodeset(down(e, depth + 1, entry_key(path + repeat, n)) for n, e in enumerate(entries, start=1))
            number = semantics.number_or_none(place)
            index = int(number) if number is not None and number == int(number) else 0
            return down(entries[index - 1], depth + 1, entry_key(path + repeat, index)) if 1 <= index <= len(entries) else None

        return down(self.top, 0, "")

    def scope(
        self, order: tuple[str, ...], value_fields: list[Field], values: dict[str, Any], env: dict[str, Any],
        prefix: str, repeat: str | None, places: dict[str, int],
    ) -> None:
        """Work out the fields of one scope (the record, or one entry of ``repeat``; ``places``:
        the place of the entry being worked out in each repeat around it) in ``order``, reading
        and writing their ``values``; ``env`` gets what expressions see of them. Their checks
        wait in ``pending`` until the whole record is worked out."""
        day, moment, plan = self.day, self.moment, self.plan
        position = places.get(repeat) if repeat is not None else None
        context: dict[str, Any] = {
            "today": day, "now": moment, "position": position,
            "absolute": lambda name, given: self.absolute(name, given, places),
        }  # fmt: skip
        for name in order:
            item, steps, path = self.fields[name], plan.fields[name], prefix + name
            parent = steps.parent
            is_relevant = True if parent is None else self.relevant[prefix[:-1] if parent == repeat else prefix + parent]
            if is_relevant and steps.relevant is not None and not item.metadata:  # recorded, never asked: always kept
                try:
                    is_relevant = semantics.truth(evaluate(steps.relevant, env, **context))
                except ExpressionError as exc:
                    self.errors[path] = _expression_error(exc)
            self.relevant[path] = is_relevant
            if item.type == "repeat":
                self.entries(item, values, env, path, is_relevant, context, places)
                continue
            if not item.holds_value:
                continue
            if steps.calculation is not None:
                values[name] = None
                if is_relevant:
                    try:
                        # current: the value it has (once(uuid()) keeps it; "." is refused in calculations)
                        found = evaluate(steps.calculation, env, current=values.get(name), **context)
                        values[name] = coerce_result(item, found)
                    except ValidationError as exc:
                        self.errors.setdefault(path, _expression_error(exc))
            env[name] = None
            if is_relevant:
                try:
                    env[name] = _expr_value(item, check_stored(item, values.get(name)))
                except ValidationError:
                    self.errors.setdefault(path, _builtin("type", kind=item.type))
        self.pending.append(lambda: self.check(value_fields, values, env, prefix, context))

    def check(self, value_fields: list[Field], values: Mapping[str, Any], env: Mapping[str, Any], prefix: str, context: dict[str, Any]) -> None:
        """The choices offered and the errors of one scope's fields (see the module docstring)."""
        for item in value_fields:
            name, path = item.name, prefix + item.name
            if not self.relevant[path] or item.type == "repeat":
                continue
            if self.plan.fields[name].choice_filter is not None and not item.calculation:
                try:
                    self.options[path] = offered(self.form, item, env, today=self.day, now=self.moment, position=context["position"])
                except ExpressionError as exc:
                    self.errors.setdefault(path, _expression_error(exc))
            if path in self.errors or item.metadata:  # nobody answers it: a rule on it (a form from before) has no effect
                continue
            allowed = self.options.get(path)
            error = _check_value(self.form, item, values.get(name), env, context, None if allowed is None else {c.name for c in allowed})
            if error is not None:
                self.errors[path] = error

    def entries(
        self, item: Field, values: dict[str, Any], env: dict[str, Any], path: str, is_relevant: bool, context: dict[str, Any],
        places: dict[str, int],
    ) -> None:
        """A repeat's entries, one scope each; what the scope above sees of them: a ``Nodeset`` of
        each field inside (and of the entries themselves, which ``count`` counts)."""
        name = item.name
        env[name] = None
        if not is_relevant:
            return
        given = values.get(name)
        if given is not None and not (isinstance(given, list) and all(isinstance(e, Mapping) for e in given)):
            self.errors[path] = _builtin("type", kind=item.type)  # kept as it is, as any value that does not fit
            return
        entries = [dict(e) for e in given or ()]
        wanted = self._wanted(item, env, path, context)
        if wanted is not None:
            self.wanted[path] = wanted
        if wanted is not None and len(entries) < wanted:
            # ODK's repeat_count: exactly that many, each added one with its fields' defaults
            entries += [entry_defaults(item, today=self.day, now=self.moment) for _ in range(wanted - len(entries))]
        if entries or given is not None:
            values[name] = entries
        env[name] = semantics.Nodeset(entries)  # count(${visits}) inside the entries as well
        order = self.plan.instance_order.get(name, ())
        inside = instance_fields(item)
        seen: list[dict[str, Any]] = []
        for position, entry in enumerate(entries, start=1):
            own: dict[str, Any] = {}
            self.relevant[entry_key(path, position)[:-1]] = True  # an entry is there when its repeat is
            inner = {**places, name: position}
            self.scope(order, inside, entry, ChainMap(own, env), entry_key(path, position), name, inner)  # type: ignore[arg-type]
            seen.append(own)
        for key in {key for own in seen for key in own}:  # an entry without the inner repeat's entries has none of them
            env[key] = semantics.Nodeset(own.get(key, semantics.Nodeset()) for own in seen)
        env[name] = semantics.Nodeset(entries)
        error = _entries_error(item, len(entries), wanted)
        if error is not None:
            self.errors.setdefault(path, error)

    def _wanted(self, item: Field, env: Mapping[str, Any], path: str, context: dict[str, Any]) -> int | None:
        """How many entries the repeat's ``count`` asks for now, or None (as many as given)."""
        expr = self.plan.fields[item.name].count
        if expr is None:
            return None
        try:
            number = semantics.to_number(evaluate(expr, env, **context))
        except (ExpressionError, semantics.SemanticError) as exc:
            self.errors[path] = _expression_error(exc if isinstance(exc, ExpressionError) else ExpressionError(texts.of(exc)))
            return None
        return 0 if number is None else max(0, min(int(number), MAX_INSTANCES))


def _entries_error(item: Field, given: int, wanted: int | None) -> FieldError | None:
    low, high = item.parameters.get("min", 0), item.parameters.get("max", MAX_INSTANCES)
    if wanted is not None and given > wanted:
        return _builtin("count", n=str(wanted), extra=str(given - wanted))
    if given < low:
        return _builtin("min", n=str(low))
    if given > high:
        return _builtin("max", n=str(high), extra=str(given - high))
    return None


def _repeats_of(plan: Plan, name: str) -> list[str]:
    chain: list[str] = []
    repeat = plan.fields[name].repeat
    while repeat is not None:
        chain.append(repeat)
        repeat = plan.fields[repeat].repeat
    return chain[::-1]


def _form_rank(form: FormDef) -> dict[str, int]:
    return {item.name: index for index, item in enumerate(form.walk())}


def _path_rank(path: str, rank: Mapping[str, int]) -> tuple[int, ...]:
    """Form order of a path: ``visits[2]/weight`` after ``visits[1]/…``, before the next field."""
    out: list[int] = []
    for part in path.split("/"):
        name, _, place = part.partition("[")
        out += [rank.get(name, len(rank)), int(place[:-1]) if place else 0]
    return tuple(out)


def _check_value(
    form: FormDef, item: Field, stored: Any, env: Mapping[str, Any], context: Mapping[str, Any], allowed: set[str] | None = None
) -> FieldError | None:
    if semantics.is_empty(stored):
        return _message("required", item.required_message) if item.required else None
    if item.type in ("select_one", "select_multiple"):
        names = {choice.name for choice in form.choices(item)}
        for value in [stored] if item.type == "select_one" else stored:
            if value not in names:
                return _builtin("choice", value=str(value))
            if allowed is not None and value not in allowed:
                return _not_offered(form, item, value)
    if item.type == "range":
        error = _range_error(item, stored)
        if error is not None:
            return error
    steps = plan_for(form).fields[item.name]
    if steps.constraint is not None:
        try:
            ok = semantics.truth(evaluate(steps.constraint, env, current=env.get(item.name), **context))
        except ExpressionError as exc:
            return _expression_error(exc)
        if not ok:
            return _message("constraint", item.constraint_message)
    return None


def _not_offered(form: FormDef, item: Field, value: str) -> FieldError:
    """An answer the choice_filter no longer offers (an earlier answer changed), named by its label."""
    choice = form.choices_by_name(item)[value]
    shown = {lang: form.text(choice.label, lang) or choice.name for lang in ("en", "de")}
    return FieldError(
        "offered",
        {
            "en": f"“{shown['en']}” does not fit the other answers and is no longer offered; choose again.",
            "de": f"„{shown['de']}“ passt nicht zu den anderen Antworten und wird nicht mehr angeboten; bitte neu auswählen.",
        },
    )


def _default(item: Field, day: dt.date, moment: dt.datetime) -> Any:
    if item.default == "today()" and item.type in ("date", "datetime", "time"):
        moment = dt.datetime.combine(day, dt.time()) if item.type != "time" else moment
        item_default: Any = day if item.type == "date" else moment
    elif item.default == "now()" and item.type in ("date", "datetime", "time"):
        item_default = {"date": moment.date(), "datetime": moment, "time": moment.time()}[item.type]
    else:
        return copy.deepcopy(item.default)  # a list default must not be shared with the form
    return to_stored(item, item_default)


def initial_values(
    form: FormDef,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    device: str | None = None,
    user: str | None = None,
) -> dict[str, Any]:
    """The data of a new record: every field's default (``today()``/``now()`` worked out), and
    the metadata Fieldbook records when a record is started: ``start`` (now), ``today``, the
    ``deviceid`` and the ``username`` (``device``, ``user``)."""
    moment = now or dt.datetime.now().replace(microsecond=0)
    day = today or moment.date()
    values = {item.name: _default(item, day, moment) for item in form.value_fields() if item.default is not None and not item.metadata}
    started = {"start": moment.isoformat(), "today": day.isoformat(), "deviceid": device, "username": user}
    for item in form.value_fields():
        if item.metadata in started and started[item.metadata] is not None:
            values[item.name] = started[item.metadata]
    return values


def entry_defaults(repeat: Field, *, today: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The answers a new entry of ``repeat`` starts with: the defaults of the fields inside it."""
    moment = now or dt.datetime.now().replace(microsecond=0)
    day = today or moment.date()
    return {item.name: _default(item, day, moment) for item in instance_fields(repeat) if item.default is not None and not item.metadata}


def stamp_saved(form: FormDef, data: Mapping[str, Any], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """``data`` as it is saved: every ``end`` metadata field set to the moment of the save."""
    moment = now or dt.datetime.now().replace(microsecond=0)
    stamped = dict(data)
    for item in form.value_fields():
        if item.metadata == "end":
            stamped[item.name] = moment.isoformat()
    return stamped


def record_title(form: FormDef, data: Mapping[str, Any], *, today: dt.date | None = None) -> str | None:
    """The record's name by the form's ``instance_name`` (ODK's title of a submission), or None:
    the form has none, or it gives nothing for this record (empty, or cannot be worked out)."""
    expr = plan_for(form).instance_name
    if expr is None:
        return None
    env = _stored_env(form.value_fields(), data)
    try:
        title = semantics.to_text(evaluate(expr, env, today=today))
    except (ExpressionError, semantics.SemanticError):
        return None
    title = " ".join(title.split())[:200]  # one line in a list
    return title or None


def _stored_env(fields: list[Field], data: Any) -> dict[str, Any]:
    """What expressions see of stored ``data`` as it is (no rule worked out): a repeat and every
    field inside it as ``Nodeset``s of its entries."""
    data = data if isinstance(data, Mapping) else {}
    env: dict[str, Any] = {}
    for item in fields:
        value = data.get(item.name)
        if item.type != "repeat":
            env[item.name] = _expr_value(item, value)
            continue
        entries = value if isinstance(value, list) else []
        env[item.name] = semantics.Nodeset(entries)
        inner = [_stored_env(instance_fields(item), entry) for entry in entries]
        for key in {key for seen in inner for key in seen}:
            env[key] = semantics.Nodeset(seen.get(key, semantics.Nodeset()) for seen in inner)
    return env


def saved_data(form: FormDef, data: Mapping[str, Any], *, now: dt.datetime | None = None) -> dict[str, Any]:
    """``data`` as a save stores it: the ``end`` fields stamped with the moment of the save, then
    the calculations worked out at that same moment (one on ``${end}`` sees it) and what is not
    kept dropped (``clean_for_save``)."""
    moment = now or dt.datetime.now().replace(microsecond=0)
    return clean_for_save(form, stamp_saved(form, data, now=moment), today=moment.date(), now=moment)


def is_stamped(form: FormDef, data: Mapping[str, Any]) -> bool:
    """Whether ``data`` went through a save: it has every ``end`` field of the form (a record its
    first input created has none yet)."""
    return all(item.name in data for item in form.value_fields() if item.metadata == "end")


def same_answers(form: FormDef, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two versions' data agree on everything but the ``end`` stamp of their saves (a
    save that changes nothing else, two devices saving the same answers, are the same answers)."""
    ends = {item.name for item in form.value_fields() if item.metadata == "end"}
    return {k: v for k, v in a.items() if k not in ends} == {k: v for k, v in b.items() if k not in ends}


def clean_for_save(
    form: FormDef, values: Mapping[str, Any], *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The data to store: calculations applied; values of non-relevant fields, unknown keys and
    empty values dropped. Errors are not checked here (see ``evaluate_record``)."""
    result = evaluate_record(form, values, today=today, now=now)
    return _kept(form.value_fields(), result.values, result.relevant, "")


def _kept(fields: list[Field], values: Mapping[str, Any], relevant: Mapping[str, bool], prefix: str) -> dict[str, Any]:
    """The relevant, non-empty values of one scope; a repeat's entries each cleaned the same way
    (an entry with nothing left in it stays: its place is part of the record)."""
    out: dict[str, Any] = {}
    for item in fields:
        path, value = prefix + item.name, values.get(item.name)
        if not relevant.get(path, False) or semantics.is_empty(value):
            continue
        if item.type == "repeat" and isinstance(value, list) and all(isinstance(entry, Mapping) for entry in value):
            inside = instance_fields(item)  # (entries that are not entries are kept as they are, flagged)
            value = [_kept(inside, entry, relevant, entry_key(path, n)) for n, entry in enumerate(value, start=1)]
        out[item.name] = value
    return out
