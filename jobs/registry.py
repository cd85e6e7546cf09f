"""Tasks by name: ``@task("demo.sleep_steps")`` registers a function the queue can run.

A task is ``fn(ctx, **args)``: ``ctx`` is the job's ``JobContext``, ``args`` come from the job's JSON
arguments, and the return value (small JSON, or ``{"path": …}`` for a file) is the job's result.
Arguments are checked against the function's signature when a job is enqueued, so a typo is
refused at once instead of failing later.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jobs.errors import BadJobArguments, UnknownJobError
from jobs.policy import RetryPolicy

TaskFn = Callable[..., Any]
Check = Callable[[Mapping[str, Any]], None]

DEFAULT_TIMEOUT_S = 3600.0

_JSON_TYPES: dict[Any, tuple[type, ...]] = {
    int: (int,),
    float: (int, float),
    str: (str,),
    bool: (bool,),
    list: (list,),
    dict: (dict,),
}
_TYPE_NAMES = {int: "a whole number", float: "a number", str: "text", bool: "true or false", list: "a list", dict: "an object"}


@dataclass(frozen=True)
class TaskSpec:
    name: str
    fn: TaskFn
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout_s: float | None = DEFAULT_TIMEOUT_S  # None: no limit
    transient: tuple[type[BaseException], ...] = ()  # besides TransientJobError
    priority: int = 0
    check: Check | None = None  # value checks beyond the types; raise BadJobArguments

    def bind(self, args: Mapping[str, Any] | None) -> dict[str, Any]:
        """The keyword arguments for ``fn``; ``BadJobArguments`` with a plain sentence if they do not fit."""
        if args is None:
            args = {}
        if not isinstance(args, Mapping) or not all(isinstance(k, str) for k in args):
            raise BadJobArguments(f"The arguments of job '{self.name}' must be an object of names and values.")
        params = list(inspect.signature(self.fn).parameters.values())[1:]  # the first is ctx
        accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
        named = {p.name: p for p in params if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)}
        unknown = sorted(set(args) - set(named)) if not accepts_any else []
        if unknown:
            takes = ", ".join(named) or "none"
            raise BadJobArguments(f"Job '{self.name}' has no argument {', '.join(repr(u) for u in unknown)} (it takes: {takes}).")
        missing = [n for n, p in named.items() if p.default is inspect.Parameter.empty and n not in args]
        if missing:
            raise BadJobArguments(f"Job '{self.name}' needs the argument {', '.join(repr(m) for m in missing)}.")
        hints = _hints(self.fn)
        for name, value in args.items():
            hint = hints.get(name)
            allowed = _JSON_TYPES.get(hint)
            if hint is None or allowed is None:
                continue
            if isinstance(value, bool) and hint is not bool or not isinstance(value, allowed):
                raise BadJobArguments(f"The argument '{name}' of job '{self.name}' must be {_TYPE_NAMES[hint]}, not {value!r}.")
        if self.check is not None:
            self.check(args)
        return dict(args)


def _hints(fn: TaskFn) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn)
    except Exception:  # an annotation that cannot be resolved just goes unchecked
        return {}


class Registry:
    def __init__(self) -> None:
        self._specs: dict[str, TaskSpec] = {}

    def register(self, spec: TaskSpec) -> TaskSpec:
        old = self._specs.get(spec.name)
        if old is not None and _origin(old.fn) != _origin(spec.fn):
            raise ValueError(f"A task named {spec.name!r} is already registered ({_origin(old.fn)}).")
        self._specs[spec.name] = spec
        return spec

    def task(
        self,
        name: str,
        *,
        max_attempts: int = 3,
        retry_delay: float = 2.0,
        max_retry_delay: float = 300.0,
        jitter: float = 0.2,
        timeout_s: float | None = DEFAULT_TIMEOUT_S,
        transient: tuple[type[BaseException], ...] = (),
        priority: int = 0,
        check: Check | None = None,
    ) -> Callable[[TaskFn], TaskFn]:
        """Decorator: register ``fn`` as the task ``name``; returns ``fn`` unchanged."""

        def decorator(fn: TaskFn) -> TaskFn:
            policy = RetryPolicy(max_attempts=max_attempts, base_delay=retry_delay, max_delay=max_retry_delay, jitter=jitter)
            self.register(TaskSpec(name, fn, policy, timeout_s, transient, priority, check))
            return fn

        return decorator

    def get(self, name: str) -> TaskSpec:
        spec = self._specs.get(name)
        if spec is None:
            known = ", ".join(sorted(self._specs)) or "none"
            raise UnknownJobError(f"There is no job called '{name}'. Known jobs: {known}.")
        return spec

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._specs))


def _origin(fn: TaskFn) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


REGISTRY = Registry()
task = REGISTRY.task
