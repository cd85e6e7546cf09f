"""Background jobs: Huey for the queue, the ``jobs`` ledger in DuckDB for the truth.

Use ``jobs.JobService`` (``enqueue``, ``poll``, ``cancel``, ``retry``, ``list``); register
tasks with ``jobs.registry.task`` and periodic jobs with ``jobs.periodic.register``. Never imports
streamlit.

The public face below loads on first use.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from store.core.lazy import public_face

if TYPE_CHECKING:
    from jobs.model import (
        ACTIVE as ACTIVE,
    )
    from jobs.model import (
        CANCELLED as CANCELLED,
    )
    from jobs.model import (
        FAILED as FAILED,
    )
    from jobs.model import (
        QUEUED as QUEUED,
    )
    from jobs.model import (
        RUNNING as RUNNING,
    )
    from jobs.model import (
        JobResult as JobResult,
    )
    from jobs.model import (
        format_duration as format_duration,
    )
    from jobs.model import (
        utcnow as utcnow,
    )
    from jobs.queue import JobQueue as JobQueue
    from jobs.service import JobService as JobService


def _import_huey_without_postgres() -> None:
    """Import Huey with psycopg hidden. Its storage module tries ``import psycopg`` for an optional
    PostgreSQL storage we never use; psycopg is installed (the sync needs it), and importing it
    registers its type adapters: ~0.3 s of every start, before the first page. With the name
    blocked for that one import, Huey notes "no psycopg"; the sync imports the real one when it
    first connects. Done here, in the package every job module imports first; a no-op if either
    is loaded already. (Another thread importing psycopg in that moment would be refused: at
    start nothing does.)"""
    if "huey.storage" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` raises ImportError meanwhile
    try:
        import huey.storage  # noqa: F401
    finally:
        if "psycopg" in sys.modules and sys.modules["psycopg"] is None:
            del sys.modules["psycopg"]


_import_huey_without_postgres()

__all__, __getattr__, __dir__ = public_face(
    __name__,
    {
        "model": "ACTIVE CANCELLED FAILED QUEUED RUNNING JobResult format_duration utcnow",
        "queue": "JobQueue",
        "service": "JobService",
    },
)
