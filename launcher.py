"""Fieldbook's launcher and command line: ``fieldbook [run]``, ``fieldbook doctor``, ``fieldbook jobs …``, ``--version``.

Errors end here: a ``FieldbookError`` becomes its plain sentence on stderr and its exit code;
anything unexpected is logged with its traceback and reported in one sentence.

Exit codes: 0 ok · 1 failed or unhealthy · 2 bad configuration or usage · 3 data folder or
database cannot be used.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from store import __version__
from store.core.config import SETTINGS, AppConfig, load_config
from store.core.errors import FieldbookError, InstanceError
from store.core.instance import InstanceLock, send_command
from store.core.logs import enable_stack_dumps, setup_logging
from store.core.private import restrict_umask
from store.core.termsafe import VisibleWriter

log = logging.getLogger("fieldbook")

Command = Callable[[AppConfig, argparse.Namespace], int]


def cmd_run(cfg: AppConfig, args: argparse.Namespace) -> int:
    cfg.paths.ensure()
    setup_logging(cfg.paths.logs_dir, cfg.log_level)
    enable_stack_dumps(cfg.paths.logs_dir)  # `kill -USR1 <pid>` shows where a hung app waits
    lock = InstanceLock(cfg.paths.runtime_dir)
    if not lock.acquire():
        return _hand_over(cfg, lock)
    from app.desktop import launch, startup

    opening = launch.begin(cfg)  # before the heavy imports: the window and the server start meanwhile
    try:
        from app.desktop.lifecycle import Application  # imports the store and the jobs: only when the app really starts
    except BaseException:
        opening.window.close()
        raise
    startup.mark("imports done")
    return Application(cfg, lock, opening).run()


def _hand_over(cfg: AppConfig, lock: InstanceLock, wait: float = 15) -> int:
    """Another Fieldbook owns this data folder: ask it to show its window and leave."""
    deadline = time.monotonic() + wait
    while True:
        try:
            result = send_command(cfg.paths.runtime_dir, "show", timeout=5)
        except InstanceError as exc:
            if time.monotonic() > deadline:  # it may still be starting; give it a moment
                pid = lock.holder_pid()
                raise InstanceError(f"Fieldbook is already running (PID {pid}) but does not answer: {exc}") from None
            time.sleep(0.2)
            continue
        print(f"Fieldbook is already running (PID {result['pid']}); its window was brought to the front.")
        return 0


def cmd_doctor(cfg: AppConfig, args: argparse.Namespace) -> int:
    from store.doctor import run_checks

    checks = run_checks(cfg)
    for check in checks:
        mark = "ok  " if check.ok and not check.warning else ("warn" if check.ok else "FAIL")
        print(f"[{mark}] {check.name}: {check.detail}")
    healthy = all(c.ok for c in checks)
    print("Fieldbook is healthy." if healthy else "Fieldbook has problems; see the lines marked FAIL.")
    return 0 if healthy else 1


def cmd_jobs(cfg: AppConfig, args: argparse.Namespace) -> int:
    """``fieldbook jobs list|enqueue|show|cancel|retry`` (jobs/admin.py does the work)."""
    import json

    from jobs import admin

    if args.jobs_command == "list":
        jobs = admin.run(cfg, "list", {"status": args.status, "limit": args.limit})
        print(json.dumps(jobs, indent=2) if args.json else admin.format_list(jobs))
    elif args.jobs_command == "enqueue":
        payload = {"name": args.name, "args": admin.parse_args_json(args.args), "priority": args.priority, "delay_s": args.delay}
        print(admin.run(cfg, "enqueue", payload))
    elif args.jobs_command == "show":
        job = admin.run(cfg, "show", {"id": args.id})
        print(json.dumps(job, indent=2) if args.json else admin.format_job(job))
    elif args.jobs_command == "cancel":
        job = admin.run(cfg, "cancel", {"id": args.id})
        print(f"Job {job['id']}: " + ("cancelled." if job["status"] == "cancelled" else "asked to stop; it ends as soon as the task notices."))
    else:
        job = admin.run(cfg, "retry", {"id": args.id})
        print(f"Job {job['id']}: queued again.")
    return 0


def _add_jobs_parser(sub: Any) -> None:
    jobs = sub.add_parser(
        "jobs",
        help="list, start, show, cancel or retry background jobs",
        description="Background jobs, through the running app, or directly on the job ledger when the app is not running "
        "(queued jobs then run at its next start).",
    )
    jobs.set_defaults(func=lambda cfg, args: jobs.print_usage(sys.stderr) or 2)
    cmds = jobs.add_subparsers(title="jobs commands", metavar="JOBS_COMMAND", dest="jobs_command")
    listing = cmds.add_parser("list", help="jobs, running first", description="List jobs: running first, then queued, then the latest finished.")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.add_argument("--status", action="append", choices=("queued", "running", "done", "failed", "cancelled"), help="only jobs in this status (repeatable)")
    listing.add_argument("--limit", type=int, default=50, help="at most this many jobs (default 50)")
    enqueue = cmds.add_parser("enqueue", help="queue a job; prints its id", description="Queue the job NAME and print its id.")
    enqueue.add_argument("name", metavar="NAME", help="the job, e.g. demo.sleep_steps")
    enqueue.add_argument("--args", metavar="JSON", help='its arguments as a JSON object, e.g. \'{"steps": 5}\'')
    enqueue.add_argument("--priority", type=int, default=None, help="higher runs first (default: the job's own)")
    enqueue.add_argument("--delay", type=float, default=None, metavar="SECONDS", help="start no sooner than this many seconds from now")
    show = cmds.add_parser("show", help="one job in detail", description="Show one job: status, progress, result or error.")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    cancel = cmds.add_parser("cancel", help="cancel a queued or running job", description="Cancel a queued job, or ask a running one to stop.")
    cancel.add_argument("id", metavar="ID")
    retry = cmds.add_parser("retry", help="queue a failed or cancelled job again", description="Queue a failed or cancelled job again.")
    retry.add_argument("id", metavar="ID")
    for parser in (listing, enqueue, show, cancel, retry):
        parser.set_defaults(func=cmd_jobs)


class UsageError(FieldbookError):
    exit_code = 2


def _passphrase(args: argparse.Namespace) -> str | None:
    path = getattr(args, "passphrase_file", None)
    if not path:
        return None
    try:
        text = open(path, encoding="utf-8").read().rstrip("\r\n")
    except OSError as exc:
        raise UsageError(f"The passphrase file {path} cannot be read ({exc.strerror or exc}).") from None
    if not text:
        raise UsageError(f"The passphrase file {path} is empty.")
    return text


def cmd_snapshot(cfg: AppConfig, args: argparse.Namespace) -> int:
    """``fieldbook snapshot list|create|verify|export|restore|prune`` (store/snapshots/admin.py does the work)."""
    import json

    from store.snapshots import admin as snapadmin

    command = args.snapshot_command
    payload: dict[str, Any] = {"passphrase": _passphrase(args)}
    if command == "create":
        payload["reason"] = args.reason
    elif command == "verify":
        payload["target"] = os.path.abspath(args.target) if snapadmin.is_file_ref(args.target) else args.target
    elif command == "export":
        payload.update(id=args.id, out=os.path.abspath(args.out))
    elif command == "restore":
        source = os.path.abspath(args.source) if snapadmin.is_file_ref(args.source) else args.source
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("A restore replaces the current data (it is kept as a snapshot first). Add --yes to confirm.")
            answer = input(f"Restore {args.source}? The current data is replaced (and kept as a snapshot first). [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                print("Nothing was changed.")
                return 1
        payload["source"] = source
    elif command == "prune":
        payload["dry_run"] = args.dry_run
    result = snapadmin.run(cfg, command, payload)
    if args.json:
        print(json.dumps(result, indent=2))
    elif command == "list":
        print(snapadmin.format_list(result))
    else:
        print(snapadmin.format_result(command, result))
    return 0


def _add_snapshot_parser(sub: Any) -> None:
    snap = sub.add_parser(
        "snapshot",
        help="list, take, verify, export, restore or prune snapshots",
        description="Snapshots of the database, through the running app or directly when it is not running. "
        "Exit codes: 0 ok, 1 failed (e.g. disk full), 2 usage (unknown snapshot or file, missing --yes), "
        "3 the database cannot be used, 4 the snapshot is damaged, not a snapshot, or from a newer Fieldbook, "
        "5 the passphrase is missing or wrong.",
    )
    snap.set_defaults(func=lambda cfg, args: snap.print_usage(sys.stderr) or 2)
    cmds = snap.add_subparsers(title="snapshot commands", metavar="SNAPSHOT_COMMAND", dest="snapshot_command")
    listing = cmds.add_parser("list", help="the snapshots, newest first", description="List the snapshots, newest first.")
    create = cmds.add_parser("create", help="take a snapshot now", description="Take a snapshot now (and verify it).")
    create.add_argument("--reason", default="manual", help="why (shown in the list; default: manual)")
    verify = cmds.add_parser("verify", help="check a snapshot or a .fbsnap file", description="Check checksums, that the database opens and that row counts match the manifest.")
    verify.add_argument("target", metavar="FILE|ID", help="a .fbsnap file, a snapshot id, or latest")
    export = cmds.add_parser("export", help="write a snapshot as one .fbsnap file", description="Write a snapshot (database, manifest, attachments) as one portable .fbsnap file.")
    export.add_argument("id", metavar="ID|latest")
    export.add_argument("--out", required=True, metavar="FILE", help="the file (or folder) to write")
    restore = cmds.add_parser("restore", help="replace the data by a snapshot", description="Verify, keep the current data as a snapshot, then replace it by FILE|ID.")
    restore.add_argument("source", metavar="FILE|ID", help="a .fbsnap file, a snapshot id, or latest")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    prune = cmds.add_parser("prune", help="remove old snapshots (retention rules)", description="Remove the snapshots the retention settings do not keep; pinned ones and the newest verified one stay.")
    prune.add_argument("--dry-run", action="store_true", help="only show what would be removed")
    for parser in (verify, export, restore):
        parser.add_argument("--passphrase-file", metavar="F", help="a file holding the passphrase (encrypts an export; opens an encrypted file)")
    for parser in (listing, create, verify, export, restore, prune):
        parser.add_argument("--json", action="store_true", help="print JSON for scripts")
        parser.set_defaults(func=cmd_snapshot)


def _settings_help() -> str:
    lines = ["settings (environment variable, or the same name in config.toml):"]
    for s in SETTINGS:
        lines.append(f"  {s.env_name:<26} {s.help} (default: {s.default})")
    return "\n".join(lines)


# Commands whose parsers live in this file; the others' (project, records, export, sync …) import
# their modules, psycopg among them (~0.3 s), which starting the app or --version need not wait for.
_OWN_COMMANDS = ("run", "doctor", "jobs", "snapshot")


def _needs_every_command(argv: Sequence[str]) -> bool:
    words = [a for a in argv if not a.startswith("-")]
    if not words:
        return any(a in ("-h", "--help") for a in argv)  # the help lists every command
    return words[0] not in _OWN_COMMANDS


def build_parser(every_command: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldbook",
        description="Fieldbook: local-first field data. Without a command, starts the app.",
        epilog=_settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"Fieldbook {__version__}")
    parser.set_defaults(func=cmd_run)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    run = sub.add_parser("run", help="start the app (the default)", description="Start Fieldbook and open its window.")
    run.set_defaults(func=cmd_run)
    doctor = sub.add_parser(
        "doctor",
        help="check the database, disk space, folders and keyring",
        description="Check the database, disk space, folders and keyring; exit 1 when something is wrong.",
    )
    doctor.set_defaults(func=cmd_doctor)
    _add_jobs_parser(sub)
    _add_snapshot_parser(sub)
    if not every_command:
        return parser
    from store.fielddata import cli as fieldcli  # project, records, export

    fieldcli.add_parsers(sub)
    from store.sync import cli as sync_cli  # sync init-server, now, status

    sync_cli.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    restrict_umask()  # every file and folder Fieldbook creates is the user's alone (store/core/private.py)
    sys.stdout, sys.stderr = VisibleWriter.around(sys.stdout), VisibleWriter.around(sys.stderr)  # data never drives the terminal
    args = build_parser(_needs_every_command(argv)).parse_args(argv)
    try:
        cfg = load_config()
        return int(args.func(cfg, args))
    except FieldbookError as exc:
        print(f"fieldbook: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("unexpected error")
        print("fieldbook: Fieldbook stopped because of an unexpected error; the details are in its log.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
