"""Fieldbook's launcher and command line: ``fieldbook [run]``, ``fieldbook doctor`` and ``--version`` here;
the other commands come from each package's ``cli.py`` (``jobs``, ``snapshot``, ``project``/``records``/``export``,
``sync``), which this module only assembles.

Errors end here: a ``FieldbookError`` becomes its plain sentence on stderr and its exit code;
anything unexpected is logged with its traceback and reported in one sentence.

Exit codes: 0 ok · 1 failed or unhealthy · 2 bad configuration or usage · 3 data folder or
database cannot be used.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence

from jobs import cli as jobs_cli
from store import __version__
from store.core import (
    SETTINGS,
    AppConfig,
    FieldbookError,
    InstanceError,
    InstanceLock,
    VisibleWriter,
    enable_stack_dumps,
    load_config,
    restrict_umask,
    send_command,
    setup_logging,
)
from store.snapshots import cli as snapshot_cli

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


def _settings_help() -> str:
    lines = ["settings (environment variable, or the same name in config.toml):"]
    for s in SETTINGS:
        lines.append(f"  {s.env_name:<26} {s.help} (default: {s.default})")
    return "\n".join(lines)


# Commands whose parsers are always built (their cli modules import little); the others' (project,
# records, export, sync …) import their modules, psycopg among them (~0.3 s), which starting the app or
# --version need not wait for.
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
    jobs_cli.add_parsers(sub)
    snapshot_cli.add_parsers(sub)
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
