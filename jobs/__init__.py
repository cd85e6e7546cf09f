"""Background jobs: Huey for the queue, the ``jobs`` ledger in DuckDB for the truth.

Use ``jobs.service.JobService`` (``enqueue``, ``poll``, ``cancel``, ``retry``, ``list``); register
tasks with ``jobs.registry.task`` and periodic jobs with ``jobs.periodic.register``. Never imports
streamlit.
"""

import sys


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
