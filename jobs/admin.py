"""``fieldbook jobs …``: the same five commands through the running app or directly on the ledger.

When Fieldbook runs it owns the database (DuckDB allows one writing process), so the CLI sends the
command over the control channel (store/core/instance.py) and the app's job service carries it out.
When it does not run, the CLI takes the instance lock itself — so the app cannot start meanwhile
— opens the store and changes the ledger; queued jobs then run at the next start.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import time
from collections.abc import Callable
from typing import Any

from jobs.errors import BadJobArguments
from jobs.model import format_duration
from jobs.service import JobService
from store.core.config import AppConfig
from store.core.db import Store
from store.core.instance import CONTROL_NAME, ControlServer, InstanceLock, send_command

COMMANDS = ("list", "enqueue", "show", "cancel", "retry")


def handle(service: JobService, command: str, args: dict[str, Any]) -> Any:
    """Carry out one command on ``service``; plain JSON values back."""
    if command == "list":
        statuses = args.get("status") or None
        return [job.to_dict() for job in service.list(statuses=statuses, limit=int(args.get("limit") or 50))]
    if command == "enqueue":
        return service.enqueue(
            str(args["name"]),
            args.get("args") or {},
            priority=args.get("priority"),
            delay_s=args.get("delay_s"),
            created_by=args.get("user") or None,
        )
    if command == "show":
        return service.poll(str(args["id"])).to_dict()
    if command == "cancel":
        return service.cancel(str(args["id"])).to_dict()
    if command == "retry":
        return service.retry(str(args["id"])).to_dict()
    raise BadJobArguments(f"Unknown jobs command {command!r}.")


def register_control(control: ControlServer, service: JobService) -> None:
    """Serve ``jobs.<command>`` on the running app's control channel."""
    for command in COMMANDS:
        control.register(f"jobs.{command}", _handler(service, command))


def _handler(service: JobService, command: str) -> Callable[[dict[str, Any]], Any]:
    return lambda args: handle(service, command, args)


def run(cfg: AppConfig, command: str, args: dict[str, Any], *, wait_for_app: float = 15.0) -> Any:
    """The CLI's way in: through the running app if there is one, else on the ledger directly."""
    args = {**args, "user": args.get("user") or _cli_user()}
    lock = InstanceLock(cfg.paths.runtime_dir)
    if not lock.acquire():
        # The app may be starting: its control channel appears once its store is open.
        deadline = time.monotonic() + wait_for_app
        while not (cfg.paths.runtime_dir / CONTROL_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        return send_command(cfg.paths.runtime_dir, f"jobs.{command}", args, timeout=60)
    try:
        cfg.paths.ensure()
        store = Store.open(cfg.paths.database, min_free_mb=cfg.min_free_mb)
        try:
            return handle(JobService(store, None, data_dir=cfg.paths.data_dir, user=args["user"]), command, args)
        finally:
            store.close()
    finally:
        lock.release()


def _cli_user() -> str:
    try:
        return f"{getpass.getuser()} (command line)"
    except Exception:
        return "command line"


# -- text output --------------------------------------------------------------------------


def _when(value: str | None) -> str:
    if not value:
        return "–"
    return dt.datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _elapsed(job: dict[str, Any]) -> float | None:
    if not job.get("started_at"):
        return None
    start = dt.datetime.fromisoformat(job["started_at"])
    end = dt.datetime.fromisoformat(job["finished_at"]) if job.get("finished_at") else dt.datetime.now(dt.UTC)
    return max(0.0, (end - start).total_seconds())


def format_list(jobs: list[dict[str, Any]]) -> str:
    if not jobs:
        return "No jobs."
    lines = [f"{'ID':<36}  {'STATUS':<9}  {'DONE':>4}  {'NAME':<20}  MESSAGE"]
    for job in jobs:
        note = job.get("error") if job["status"] == "failed" else job.get("message")
        lines.append(f"{job['id']:<36}  {job['status']:<9}  {job['progress'] * 100:>3.0f}%  {job['name']:<20}  {note or ''}")
    return "\n".join(lines)


def format_job(job: dict[str, Any]) -> str:
    rows = [
        ("id", job["id"]),
        ("name", job["name"]),
        ("arguments", json.dumps(job["args"])),
        ("status", job["status"]),
        ("progress", f"{job['progress'] * 100:.0f}%" + (f" · {job['message']}" if job.get("message") else "")),
        ("attempts", f"{job['attempts']} of {job['max_attempts']}"),
        ("priority", str(job["priority"])),
        ("created", f"{_when(job['created_at'])} by {job['created_by']}"),
        ("started", _when(job.get("started_at"))),
        ("finished", _when(job.get("finished_at"))),
        ("elapsed", format_duration(_elapsed(job))),
    ]
    if job.get("run_after"):
        rows.append(("not before", _when(job["run_after"])))
    if job.get("depends_on"):
        rows.append(("waits for", ", ".join(job["depends_on"])))
    if job.get("tags"):
        rows.append(("tags", ", ".join(job["tags"])))
    if job.get("result") is not None:
        rows.append(("result", json.dumps(job["result"])))
    if job.get("error"):
        rows.append(("error", job["error"]))
    return "\n".join(f"{name + ':':<11} {value}" for name, value in rows)


def parse_args_json(text: str | None) -> dict[str, Any]:
    """``--args`` of ``jobs enqueue``: a JSON object, or a plain sentence why not."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadJobArguments(f"--args is not valid JSON ({exc.msg} at character {exc.pos}); example: --args '{{\"steps\": 5}}'.") from None
    if not isinstance(value, dict):
        raise BadJobArguments("--args must be a JSON object, e.g. --args '{\"steps\": 5}'.")
    return value
