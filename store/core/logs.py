"""JSON-lines logs, rotated, in the logs folder."""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import time
from pathlib import Path

# Launch and control tokens must never reach a log file.
_TOKEN = re.compile(r"([?&]t=)[A-Za-z0-9_\-]+")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "thread": record.threadName,
            "msg": _TOKEN.sub(r"\1***", record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(logs_dir: Path, level: str = "info") -> Path:
    """Send every log record to ``logs_dir/fieldbook.log`` (5 files of 5 MB)."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    path = logs_dir / "fieldbook.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_fieldbook", False)]:
        root.removeHandler(old)
        old.close()
    handler._fieldbook = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # A record that cannot be written (a full disk) must not print a traceback to the user.
    logging.raiseExceptions = False
    return path


_stack_file = None


def enable_stack_dumps(logs_dir: Path) -> Path:
    """Let every thread's stack be written to ``logs_dir/stacks.log``: on SIGUSR1 (where the system
    has it) and when :func:`dump_stacks_later` runs out — so a hang can be read from the logs.
    The file stays open for the process's life: the dump runs in a signal handler or a C thread,
    where nothing can be opened."""
    global _stack_file
    import faulthandler
    import signal

    path = logs_dir / "stacks.log"
    if _stack_file is None:
        _stack_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, file=_stack_file, all_threads=True)
    return path


def dump_stacks_later(seconds: float) -> None:
    """Write every thread's stack to ``stacks.log`` if :func:`cancel_stack_dump` is not called within ``seconds``."""
    import faulthandler

    if _stack_file is not None:  # the dump starts "Timeout (0:00:15)!" (faulthandler's own heading)
        faulthandler.dump_traceback_later(seconds, file=_stack_file)


def cancel_stack_dump() -> None:
    import faulthandler

    faulthandler.cancel_dump_traceback_later()
