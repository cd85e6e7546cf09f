"""Fieldbook's launcher and command line: ``fieldbook [run]``, ``fieldbook doctor``, ``--version``.

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

from store import __version__
from store.config import SETTINGS, AppConfig, load_config
from store.errors import FieldbookError, InstanceError
from store.instance import InstanceLock, send_command
from store.logs import setup_logging

log = logging.getLogger("fieldbook")

Command = Callable[[AppConfig, argparse.Namespace], int]


def cmd_run(cfg: AppConfig, args: argparse.Namespace) -> int:
    cfg.paths.ensure()
    if os.name == "posix":
        os.chmod(cfg.paths.runtime_dir, 0o700)
    setup_logging(cfg.paths.logs_dir, cfg.log_level)
    lock = InstanceLock(cfg.paths.runtime_dir)
    if not lock.acquire():
        return _hand_over(cfg, lock)
    from app.lifecycle import Application  # imports streamlit: only when the app really starts

    return Application(cfg, lock).run()


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


def build_parser() -> argparse.ArgumentParser:
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
