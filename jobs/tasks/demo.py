"""``demo.sleep_steps``: a job that only takes time, reporting progress step by step.

It is what the Jobs page's "Start demo job" button runs and what the tests drive. It saves the step
it reached with each progress report, so after an interruption it continues from there; at the
end it writes a small report file (temp file + rename) and returns its path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobs.context import JobContext
from jobs.errors import BadJobArguments
from jobs.registry import task
from store.core.texts import said

MAX_STEPS = 100_000

STEPS = said("demo.steps", "{step}/{n}")


def _check(args: Mapping[str, Any]) -> None:
    steps = args.get("steps", 10)
    if not 1 <= steps <= MAX_STEPS:
        raise BadJobArguments(f"The argument 'steps' of job 'demo.sleep_steps' must be between 1 and {MAX_STEPS:,}, not {steps}.")
    if not 0 <= args.get("delay", 0.5) <= 3600:
        raise BadJobArguments("The argument 'delay' of job 'demo.sleep_steps' must be between 0 and 3600 seconds.")


@task("demo.sleep_steps", max_attempts=3, timeout_s=None, check=_check)
def sleep_steps(ctx: JobContext, steps: int = 10, delay: float = 0.5) -> dict[str, Any]:
    """Sleep ``steps`` times ``delay`` seconds; stops between steps when cancelled."""
    start = int((ctx.resume or {}).get("step", 0)) if isinstance(ctx.resume, dict) else 0
    start = min(start, steps)
    for step in range(start, steps):
        ctx.progress(step / steps, STEPS(step=step, n=steps), checkpoint={"step": step})
        if not ctx.sleep(delay):
            ctx.check_cancelled()
    ctx.progress(1.0, STEPS(step=steps, n=steps), checkpoint={"step": steps})
    report = ctx.write_atomic(ctx.output_dir() / "report.txt", f"demo.sleep_steps: {steps} steps of {delay} s\n")
    return {"steps": steps, "resumed_at": start, "path": str(report)}
